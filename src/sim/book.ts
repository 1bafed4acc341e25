import { D, type Dec, ROUND_DOWN, ROUND_UP } from "./decimal.js";
import { hash4, unit } from "./rng.js";
import type { Level } from "./source.js";
import type { SymbolSpec } from "./universe.js";

/** Most levels a book side can show (MEXC's depth limit). */
export const MAX_LEVELS = 5000;

/**
 * A synthetic book around a mid price: a spread, levels a few basis points apart, and finite size per level
 * (hashed per minute, growing away from the top), so market orders walk it and slip.
 */
export function* bookSide(
  spec: SymbolSpec,
  mid: number,
  minute: number,
  side: "bids" | "asks",
  maxLevels = MAX_LEVELS,
): Generator<Level> {
  const pp = Math.min(spec.quotePrecision, spec.quoteAssetPrecision);
  const tick = new D(1).dividedBy(new D(10).pow(pp));
  const half = spec.market.spreadBps / 2 / 10_000;
  const step = Math.max(half, 0.0001);
  const bid0 = new D(mid * (1 - half)).toDecimalPlaces(pp, ROUND_DOWN);
  let prev: Dec | undefined;
  for (let i = 0; i < maxLevels; i++) {
    let price: Dec;
    if (side === "bids") {
      price = new D(mid * (1 - half - i * step)).toDecimalPlaces(pp, ROUND_DOWN);
      if (prev && price.greaterThanOrEqualTo(prev)) price = prev.minus(tick);
      if (price.lessThanOrEqualTo(0)) return;
    } else {
      price = new D(mid * (1 + half + i * step)).toDecimalPlaces(pp, ROUND_UP);
      if (i === 0 && price.lessThanOrEqualTo(bid0)) price = bid0.plus(tick);
      if (prev && price.lessThanOrEqualTo(prev)) price = prev.plus(tick);
    }
    prev = price;
    yield { price, qty: levelQty(spec, mid, minute, i, side) };
  }
}

export function levelQty(
  spec: SymbolSpec,
  mid: number,
  minute: number,
  i: number,
  side: "bids" | "asks",
): Dec {
  const u = unit(hash4(spec.market.pathKey, minute, i, side === "bids" ? 1 : 2));
  const base = (spec.market.levelQuote / mid) * (0.5 + u) * (1 + 0.08 * i);
  const qty = new D(base).toDecimalPlaces(spec.baseAssetPrecision, ROUND_DOWN);
  return qty.isZero() ? new D(1).dividedBy(new D(10).pow(spec.baseAssetPrecision)) : qty;
}
