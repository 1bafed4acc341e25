import { D, type Decimal } from "./decimal.js";
import { roundToStep } from "./rounding.js";
import type { Side, SymbolFilter } from "./types.js";

/**
 * MEXC's price protection for limit-style orders (LIMIT, LIMIT_MAKER, IMMEDIATE_OR_CANCEL, FILL_OR_KILL).
 *
 * What MEXC says: "if the current price of BTC/USDT is p, any buy order priced above p × (1 + threshold) or sell
 * order priced below p × (1 − threshold) will be rejected" (announcement "New Feature: Price Protection for
 * Abnormal Orders on Spot", live 2025-08-05, mexc.com announcements article 17827791527398; it names limit,
 * TP/SL limit, OCO, FOK and IOC orders, not market orders). exchangeInfo carries the thresholds as a
 * `PERCENT_PRICE_BY_SIDE` filter (newer docs site, change log 2025-09-17: "Update params filters in exchangeInfo
 * endpoint"); the answers seen give `bidMultiplierUp` (top of a buy) and `askMultiplierDown` (bottom of a sell).
 *
 * How a value is read, since answers show both Binance-style multipliers ("5", "0.2") and fractions ("0.1"),
 * and the docs give no formula: where both readings are possible we take the stricter.
 * - An upper value u: above 1 it can only be a multiplier (p × u; the threshold reading p × (1 + u) is looser
 *   anyway); at 1 or below it must be a threshold, p × (1 + u): a multiplier ≤ 1 would refuse a buy at the
 *   current price itself, which the announcement says is accepted.
 * - A lower value d below 1: either p × d or p × (1 − d); we take the higher floor, p × max(d, 1 − d). At 1 or
 *   above only the threshold reading makes sense and it leaves no floor (p × (1 − d) ≤ 0).
 * The reference p is MEXC's "current price", which we cannot read exactly: callers pass a recent last price or
 * the book's mid price, and the bots price a little inside the band (`BAND_SAFETY`) so a small move between our
 * read and MEXC's check does not turn into a rejection.
 */

/** Factors of the reference price; null where the band has no such edge. */
export interface PriceBand {
  buyMax: Decimal | null;
  buyMin: Decimal | null;
  sellMax: Decimal | null;
  sellMin: Decimal | null;
}

/** How far inside the band the bots price when they clamp (a fraction of the edge's price). */
export const BAND_SAFETY = new D("0.002");

const ONE = new D(1);

function upperFactor(u: Decimal | null): Decimal | null {
  if (u === null || !u.isFinite() || u.lte(0)) return null;
  return u.gt(ONE) ? u : ONE.plus(u);
}

function lowerFactor(d: Decimal | null): Decimal | null {
  if (d === null || !d.isFinite() || d.lte(0) || d.gte(ONE)) return null;
  return D.max(d, ONE.minus(d));
}

/** The band from exchangeInfo's filters, or null when the symbol has none we understand. */
export function priceBandOf(filters: readonly SymbolFilter[] | undefined): PriceBand | null {
  const f = filters?.find((x) => x.filterType === "PERCENT_PRICE_BY_SIDE");
  if (!f) return null;
  const band: PriceBand = {
    buyMax: upperFactor(f.bidMultiplierUp),
    buyMin: lowerFactor(f.bidMultiplierDown),
    sellMax: upperFactor(f.askMultiplierUp),
    sellMin: lowerFactor(f.askMultiplierDown),
  };
  return Object.values(band).some((v) => v !== null) ? band : null;
}

/** The prices a limit order of `side` may carry when the exchange's current price is `reference`. */
export function bandLimits(
  band: PriceBand | null,
  side: Side,
  reference: Decimal,
): { min: Decimal | null; max: Decimal | null } {
  if (!band) return { min: null, max: null };
  const [minF, maxF] = side === "BUY" ? [band.buyMin, band.buyMax] : [band.sellMin, band.sellMax];
  return { min: minF ? reference.mul(minF) : null, max: maxF ? reference.mul(maxF) : null };
}

export type ClampResult =
  | { ok: true; price: Decimal; clamped: boolean }
  | { ok: false; why: string; min: Decimal | null; max: Decimal | null };

/**
 * `price` moved inside the band (with `BAND_SAFETY` to spare) and onto the tick, in the direction that keeps the
 * order conservative: a buy only ever goes down, a sell only ever up. Not ok when no price on the tick fits.
 */
export function clampToBand(
  band: PriceBand | null,
  tick: Decimal,
  side: Side,
  price: Decimal,
  reference: Decimal,
): ClampResult {
  const { min, max } = bandLimits(band, side, reference);
  const lo = min ? roundToStep(min.mul(ONE.plus(BAND_SAFETY)), tick, "up") : null;
  const hi = max ? roundToStep(max.mul(ONE.minus(BAND_SAFETY)), tick, "down") : null;
  let out = price;
  if (side === "BUY" && hi && out.gt(hi)) out = hi;
  if (side === "SELL" && lo && out.lt(lo)) out = lo;
  const fits = (!lo || out.gte(lo)) && (!hi || out.lte(hi)) && out.gt(0);
  if (!fits) {
    const range = `${lo?.toFixed() ?? "0"} to ${hi?.toFixed() ?? "any"}`;
    return {
      ok: false,
      why: `no ${side} price on the tick fits the exchange's price band (${range} at a reference of ${reference.toFixed()})`,
      min,
      max,
    };
  }
  return { ok: true, price: out, clamped: !out.eq(price) };
}
