import type { Candle, Indicators, Reading } from "../../src/filters/index.js";

/** mulberry32: a small seeded generator, so a failing random case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Candles one minute apart from closes (and volumes, default 100 each). */
export function candlesOf(closes: readonly number[], volumes?: readonly number[]): Candle[] {
  return closes.map((close, i) => ({
    openTime: 1_700_000_000_000 + i * 60_000,
    open: closes[i - 1] ?? close,
    high: close,
    low: close,
    close,
    volume: volumes?.[i] ?? 100,
  }));
}

/** A random walk of positive closes: steps of up to ±`stepPct` percent. */
export function randomWalk(next: () => number, n: number, start = 100, stepPct = 2): number[] {
  const out: number[] = [];
  let p = start;
  for (let i = 0; i < n; i++) {
    p *= 1 + ((next() * 2 - 1) * stepPct) / 100;
    out.push(p);
  }
  return out;
}

const none = <T>(): Reading<T> => ({ value: undefined, reason: "not set in this test" });

/** Indicators with only the given readings present, to test scoring rule by rule. */
export function indicatorsWith(parts: Partial<{ [K in keyof Indicators]: Indicators[K] }>): Indicators {
  return {
    candles: 100,
    rsi: none(),
    macd: none(),
    bollinger: none(),
    volume: none(),
    lastBarChangePct: none(),
    ...parts,
  };
}
