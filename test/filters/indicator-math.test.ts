import { BollingerBands, EMA, MACD, RSI } from "trading-signals";
import { describe, expect, it } from "vitest";
import { bollingerLast, macdLast, rsiLast } from "../../src/filters/indicator-math.js";
import { rng } from "./helpers.js";

/**
 * The plain loops must give trading-signals' values to the last bit (Object.is on every number), not merely close
 * ones: a verdict compares them with thresholds, and a replay's report is compared byte for byte. trading-signals
 * is the reference here, fed as the scanner fed it before the loops.
 */

function referenceRsi(closes: readonly number[]): number | undefined {
  const rsi = new RSI(14);
  for (const c of closes) rsi.add(c);
  return rsi.getResult() ?? undefined;
}

function referenceMacd(closes: readonly number[]) {
  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  let previous: number | undefined;
  let last: { macd: number; signal: number; histogram: number } | null = null;
  for (const c of closes) {
    previous = last?.histogram;
    last = macd.add(c);
  }
  if (last === null || previous === undefined) return undefined;
  return { macd: last.macd, signal: last.signal, histogram: last.histogram, previousHistogram: previous };
}

function referenceBands(closes: readonly number[]) {
  const bb = new BollingerBands(20, 2);
  for (const c of closes.slice(-20)) bb.add(c);
  const r = bb.getResult();
  return r === null ? undefined : { lower: r.lower, middle: r.middle, upper: r.upper };
}

/** Series of the shapes that move last bits: scales from subnormal to near overflow, flat runs, integers. */
function series(next: () => number, n: number): number[] {
  const kind = Math.floor(next() * 6);
  const scale = [1e-310, 1e-8, 1, 1e4, 1e150, 1e306][Math.floor(next() * 6)] as number;
  const out: number[] = [];
  let p = scale * (1 + next());
  for (let i = 0; i < n; i++) {
    if (kind === 0) p = Math.max(1, Math.round(p / scale + (next() - 0.5) * 4)) * scale;
    else if (kind === 1 && next() < 0.6) p = p * 1;
    else if (kind === 2) p = scale * (1 + next() * 100);
    else p = p * (1 + (next() * 2 - 1) * 0.05);
    out.push(p > 0 && Number.isFinite(p) ? p : scale);
  }
  return out;
}

/** Equal as bits: NaN equals NaN, 0 is not −0. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a === undefined || b === undefined) return a === b;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).sort();
  return keys.join() === Object.keys(y).sort().join() && keys.every((k) => same(x[k], y[k]));
}

describe("indicator loops against trading-signals", () => {
  it("equal to the last bit on 4,000 random series of 0 to 140 closes", () => {
    const next = rng(20261202);
    let compared = 0;
    for (let run = 0; run < 4_000; run++) {
      const closes = series(next, Math.floor(next() * 141));
      const cases: [string, unknown, unknown][] = [
        ["rsi", rsiLast(closes, 14), referenceRsi(closes)],
        ["macd", macdLast(closes, 12, 26, 9), referenceMacd(closes)],
        ["bands", bollingerLast(closes, 20, 2), referenceBands(closes)],
      ];
      for (const [name, got, want] of cases) {
        if (!same(got, want)) expect({ run, name, closes, got }).toEqual({ run, name, closes, got: want });
        if (want !== undefined) compared++;
      }
    }
    // Most series are long enough for every indicator: the comparison is not vacuous.
    expect(compared).toBeGreaterThan(8_000);
  });

  it("sees the last bit: an RSI smoothed by dividing instead of multiplying is caught", () => {
    // Wilder's smoothing as a textbook writes it, (x − avg) / 14: the same to 1e-9, not the same bits.
    const divided = (closes: readonly number[]) => {
      let g = 0;
      let l = 0;
      for (let i = 1; i < closes.length; i++) {
        const d = (closes[i] as number) - (closes[i - 1] as number);
        const gain = d > 0 ? d : 0;
        const loss = d > 0 ? 0 : -d;
        if (i < 14) {
          g += gain;
          l += loss;
        } else if (i === 14) {
          g = (g + gain) / 14;
          l = (l + loss) / 14;
        } else {
          g = avgStep(g, gain);
          l = avgStep(l, loss);
        }
      }
      return l === 0 ? 100 : 100 - 100 / (g / l + 1);
    };
    const avgStep = (avg: number, x: number) => avg + (x - avg) / 14;
    const walks = Array.from({ length: 50 }, (_, s) => {
      const next = rng(s);
      let p = 100;
      return Array.from({ length: 100 }, () => (p *= 1 + (next() * 2 - 1) * 0.02));
    });
    for (const w of walks) expect(Math.abs(divided(w) - (referenceRsi(w) as number))).toBeLessThan(1e-9);
    expect(walks.some((w) => !same(divided(w), referenceRsi(w)))).toBe(true);
    expect(walks.every((w) => same(rsiLast(w, 14), referenceRsi(w)))).toBe(true);
  });
});
