import { describe, expect, it } from "vitest";
import { computeIndicators, MIN_CANDLES } from "../../src/filters/index.js";
import { candlesOf, randomWalk, rng } from "./helpers.js";

/** Wilder's RSI written out: the first averages are plain means of 14 changes, then (avg × 13 + change) / 14. */
function wilderRsi(closes: readonly number[], period = 14): number[] {
  const out: number[] = [];
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i <= period) {
      avgGain += gain / period;
      avgLoss += loss / period;
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period;
      avgLoss = (avgLoss * (period - 1) + loss) / period;
    }
    if (i >= period) out.push(avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss));
  }
  return out;
}

/** An EMA seeded with the first value, as trading-signals seeds it. */
function ema(values: readonly number[], period: number): number[] {
  const k = 2 / (period + 1);
  const out: number[] = [];
  for (const v of values) out.push(out.length === 0 ? v : v * k + out[out.length - 1]! * (1 - k));
  return out;
}

/** MACD(12, 26, 9): the line from the 26th close on, the signal an EMA(9) of the line. */
function referenceHistograms(closes: readonly number[]): number[] {
  const fast = ema(closes, 12);
  const slow = ema(closes, 26);
  const line = closes.map((_, i) => fast[i]! - slow[i]!).slice(25);
  const signal = ema(line, 9);
  return line.map((m, i) => m - signal[i]!);
}

function referenceBands(closes: readonly number[]) {
  const window = closes.slice(-20);
  const mean = window.reduce((a, b) => a + b, 0) / 20;
  const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
  return { lower: mean - 2 * sd, middle: mean, upper: mean + 2 * sd };
}

describe("RSI(14, Wilder)", () => {
  it("matches the hand-written Wilder computation to 1e-9 at every length", () => {
    const closes = randomWalk(rng(7), 250);
    const expected = wilderRsi(closes);
    for (let n = MIN_CANDLES.rsi; n <= closes.length; n++) {
      const got = computeIndicators(candlesOf(closes.slice(0, n))).rsi.value;
      expect(got).toBeDefined();
      expect(Math.abs(got! - expected[n - MIN_CANDLES.rsi]!)).toBeLessThan(1e-9);
    }
  });

  it("reproduces the published StockCharts example (Wilder's method, 2 decimals)", () => {
    const closes = [
      44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931,
      46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137,
      46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
    ];
    const published = [
      70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
      45.46, 37.3, 33.08, 37.77,
    ];
    published.forEach((rsi, i) => {
      const got = computeIndicators(candlesOf(closes.slice(0, 15 + i))).rsi.value!;
      expect(got).toBeCloseTo(rsi, 2);
      expect(Math.abs(got - wilderRsi(closes.slice(0, 15 + i)).at(-1)!)).toBeLessThan(1e-9);
    });
  });

  it("is 100 when the price only rose, and missing (not 100) when it never moved", () => {
    const up = computeIndicators(candlesOf(Array.from({ length: 20 }, (_, i) => 10 + i)));
    expect(up.rsi.value).toBe(100);
    const flat = computeIndicators(candlesOf(Array(30).fill(5)));
    expect(flat.rsi).toEqual({ value: undefined, reason: "the close never moved in 30 candles" });
  });
});

describe("MACD(12, 26, 9)", () => {
  it("matches the reference histogram and detects each sign change of it as a cross", () => {
    const closes = randomWalk(rng(11), 300, 50, 3);
    const hist = referenceHistograms(closes);
    let ups = 0;
    let downs = 0;
    for (let n = MIN_CANDLES.macd; n <= closes.length; n++) {
      const m = computeIndicators(candlesOf(closes.slice(0, n))).macd.value!;
      const h = hist[n - 26]!;
      const before = hist[n - 27]!;
      expect(Math.abs(m.histogram - h)).toBeLessThan(1e-9);
      expect(Math.abs(m.previousHistogram - before)).toBeLessThan(1e-9);
      expect(Math.abs(m.macd - m.signal - m.histogram)).toBeLessThan(1e-12);
      const cross = before <= 0 && h > 0 ? "up" : before >= 0 && h < 0 ? "down" : "none";
      expect(m.cross).toBe(cross);
      if (cross === "up") ups++;
      if (cross === "down") downs++;
    }
    // The walk must actually exercise both crosses for the check above to mean anything.
    expect(ups).toBeGreaterThan(2);
    expect(downs).toBeGreaterThan(2);
  });

  it("crosses up when a long fall turns into a rise", () => {
    const closes = [
      ...Array.from({ length: 40 }, (_, i) => 100 - i),
      ...Array.from({ length: 10 }, (_, i) => 61 + i * 2),
    ];
    const crosses = [];
    for (let n = MIN_CANDLES.macd; n <= closes.length; n++) {
      crosses.push(computeIndicators(candlesOf(closes.slice(0, n))).macd.value!.cross);
    }
    expect(crosses.filter((c) => c === "up")).toHaveLength(1);
    expect(crosses.filter((c) => c === "down")).toHaveLength(0);
  });
});

describe("Bollinger(20, 2)", () => {
  const base = randomWalk(rng(3), 40, 100, 0.5);

  it("matches the population-deviation bands and finds the close inside them", () => {
    const b = computeIndicators(candlesOf(base)).bollinger.value!;
    const ref = referenceBands(base);
    expect(Math.abs(b.lower - ref.lower)).toBeLessThan(1e-9);
    expect(Math.abs(b.middle - ref.middle)).toBeLessThan(1e-9);
    expect(Math.abs(b.upper - ref.upper)).toBeLessThan(1e-9);
    expect(b.close).toBe(base.at(-1));
    expect(b.position).toBe("inside");
  });

  it("reports a close above the upper band with how far above, in percent", () => {
    const closes = [...base, base.at(-1)! * 1.2];
    const b = computeIndicators(candlesOf(closes)).bollinger.value!;
    const ref = referenceBands(closes);
    expect(b.position).toBe("above");
    if (b.position !== "above") return;
    expect(Math.abs(b.pctAboveUpper - ((closes.at(-1)! - ref.upper) / ref.upper) * 100)).toBeLessThan(1e-9);
    expect(b.pctAboveUpper).toBeGreaterThan(0);
  });

  it("reports a close below the lower band, and a flat market as inside", () => {
    expect(computeIndicators(candlesOf([...base, base.at(-1)! * 0.8])).bollinger.value?.position).toBe(
      "below",
    );
    expect(computeIndicators(candlesOf(Array(25).fill(3))).bollinger.value?.position).toBe("inside");
  });
});

describe("volume ratio and last bar", () => {
  it("divides the last volume by the average of the previous 20", () => {
    const volumes = [...Array(10).fill(999), ...Array.from({ length: 20 }, (_, i) => 50 + i * 10), 620];
    const closes = Array.from({ length: volumes.length }, (_, i) => 10 + i);
    const v = computeIndicators(candlesOf(closes, volumes)).volume.value!;
    expect(v.average).toBeCloseTo(145, 12);
    expect(v.ratio).toBeCloseTo(620 / 145, 12);
    expect(v.lookback).toBe(20);
  });

  it("honours another lookback", () => {
    const v = computeIndicators(candlesOf([1, 2, 3, 4], [10, 20, 30, 50]), { volumeLookback: 3 }).volume
      .value!;
    expect(v.ratio).toBeCloseTo(50 / 20, 12);
    expect(() => computeIndicators(candlesOf([1, 2]), { volumeLookback: 0 })).toThrow(RangeError);
  });

  it("is missing when the previous candles traded nothing", () => {
    const volumes = [...Array(20).fill(0), 5];
    const r = computeIndicators(candlesOf(Array(21).fill(1), volumes)).volume;
    expect(r).toEqual({ value: undefined, reason: "the 20 candles before the last one traded no volume" });
  });

  it("gives the last bar's change in percent", () => {
    expect(computeIndicators(candlesOf([100, 103])).lastBarChangePct.value).toBeCloseTo(3, 12);
  });
});

describe("warm-up and bad candles", () => {
  const closes = randomWalk(rng(5), 60);
  const at = (n: number) => computeIndicators(candlesOf(closes.slice(0, n)));

  it.each([
    ["rsi", 14, "needs 15 candles, got 14"],
    ["macd", 34, "needs 35 candles, got 34"],
    ["bollinger", 19, "needs 20 candles, got 19"],
    ["volume", 20, "needs 21 candles, got 20"],
    ["lastBarChangePct", 1, "needs 2 candles, got 1"],
  ] as const)("%s is missing with one candle too few (%i)", (key, n, reason) => {
    expect(at(n)[key]).toEqual({ value: undefined, reason });
    expect(at(n + 1)[key].value).toBeDefined();
  });

  it("gives every reading a reason for an empty series", () => {
    const r = computeIndicators([]);
    expect(r.candles).toBe(0);
    for (const k of ["rsi", "macd", "bollinger", "volume", "lastBarChangePct"] as const) {
      expect(r[k].value).toBeUndefined();
    }
  });

  it("refuses candles with a bad close, a negative volume or out of order, naming the candle", () => {
    const good = candlesOf(closes);
    const withClose = good.map((c, i) => (i === 7 ? { ...c, close: Number.NaN } : c));
    expect(computeIndicators(withClose).rsi).toEqual({
      value: undefined,
      reason: "candle 7 has close NaN, not a positive number",
    });
    const withVolume = good.map((c, i) => (i === 3 ? { ...c, volume: -1 } : c));
    expect(computeIndicators(withVolume).macd).toMatchObject({
      reason: "candle 3 has volume -1, not 0 or more",
    });
    const reversed = [...good].reverse();
    expect(computeIndicators(reversed).bollinger).toMatchObject({
      reason: "candle 1 is not later than the one before it (oldest first)",
    });
  });
});
