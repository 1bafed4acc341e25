// Random fills and a digit-for-digit view of a snapshot, for the tests that compare two ways to one cost basis.
import { D } from "../../src/decimal.js";
import type { CostBasisSnapshot } from "../../src/portfolio/cost-basis.js";
import type { Fill } from "../../src/portfolio/fill.js";

/** A seeded generator: the same seed, the same fills, on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const BASES = ["ABC", "XYZ", "MX"];
const QUOTES = ["USDT", "USDC", "BTC"];
const BOTS = ["scanner", "seller", "manual"];

/**
 * Random fills over several symbols and bots: buys, partial and whole sells, sells beyond the position, and every
 * fee mode the cost basis knows (base, quote, a third asset MX, none). Times only grow.
 */
export function randomFills(seed: number, n: number, firstId = 1, firstTime = 1_700_000_000_000): Fill[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const held = new Map<string, D>();
  const fills: Fill[] = [];
  let time = firstTime;
  for (let i = 0; i < n; i++) {
    const base = pick(BASES);
    const quote = pick(QUOTES);
    const have = held.get(base) ?? new D(0);
    const side = have.gt(0) && r() < 0.45 ? "SELL" : "BUY";
    const price = new D((r() * 100 + 0.01).toFixed(4));
    const qty =
      side === "SELL"
        ? r() < 0.3
          ? have // the whole position
          : r() < 0.1
            ? have.mul(1.5).toDecimalPlaces(6) // more than is held
            : have.mul(r()).toDecimalPlaces(6).plus("0.000001")
        : new D((r() * 10 + 0.001).toFixed(6));
    const quoteQty = price.mul(qty).toDecimalPlaces(8);
    const mode = pick(["base", "quote", "MX", "zero"] as const);
    const feeAsset = mode === "base" ? base : mode === "quote" ? quote : mode === "MX" ? "MX" : quote;
    const fee =
      mode === "base"
        ? qty.mul("0.001").toDecimalPlaces(8)
        : mode === "quote"
          ? quoteQty.mul("0.001").toDecimalPlaces(8)
          : mode === "MX"
            ? new D((r() * 0.1).toFixed(6))
            : new D(0);
    const gained = side === "BUY" ? (mode === "base" ? qty.minus(fee) : qty) : qty.neg();
    held.set(base, D.max(0, have.plus(gained)));
    time += Math.floor(r() * 3 * 3_600_000); // several fills a day, some in the same millisecond
    const bot = pick(BOTS);
    fills.push({
      id: String(firstId + i),
      symbol: base + quote,
      base,
      quote,
      side,
      price,
      qty,
      quoteQty,
      fee,
      feeAsset,
      time,
      orderId: `o${firstId + i}`,
      ...(bot === "manual" ? {} : { clientOrderId: `${bot}-${String(i).padStart(15, "0")}` }),
      bot,
      isMaker: r() < 0.5,
      source: "exchange",
    });
  }
  return fills;
}

/** Every figure of a snapshot, to the last digit. */
export function digits(s: CostBasisSnapshot): unknown {
  const d = (x: D) => x.toString();
  const warning = (w: object) =>
    Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v instanceof D ? d(v) : v]));
  return {
    assets: [...s.assets].map(([k, p]) => [
      k,
      {
        quantity: d(p.quantity),
        avgCost: d(p.avgCost),
        totalCost: d(p.totalCost),
        realizedPnl: d(p.realizedPnl),
        feesUsd: d(p.feesUsd),
        fills: p.fills,
        unmatchedQty: d(p.unmatchedQty),
        unmatchedProceeds: d(p.unmatchedProceeds),
        warnings: p.warnings.map(warning),
      },
    ]),
    realizedPnl: d(s.realizedPnl),
    unmatchedProceeds: d(s.unmatchedProceeds),
    feesUsd: d(s.feesUsd),
    byDay: [...s.byDay].map(([k, v]) => [k, d(v)]),
    byBot: [...s.byBot].map(([k, v]) => [k, d(v)]),
    warnings: s.warnings.map(warning),
  };
}
