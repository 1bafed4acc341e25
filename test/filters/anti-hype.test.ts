import { describe, expect, it } from "vitest";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import {
  type AntiHypeVerdict,
  checkBuy,
  checkRebalanceBuy,
  computeIndicators,
  type HypeInput,
  hypeInputOf,
} from "../../src/filters/index.js";
import { candlesOf, randomWalk, rng } from "./helpers.js";

// The shipped thresholds: block 24h > 20 %, > 2 % over the band, RSI > 80, volume > 5×; damp > 8 % (×0.5);
// dip < −5 % (×2); rebalancing 1.5 times looser.
const settings = parseConfig(userConfig).antiHype;

/** Nothing hyped: every rule has data and none fires. */
const calm: HypeInput = {
  change24hPct: 1,
  rsi: 55,
  pctAboveUpperBand: -3,
  volumeRatio: 1.2,
  lastBarChangePct: 0.2,
};
const scan = (change: Partial<HypeInput>) => checkBuy(settings, { ...calm, ...change });
const rebalance = (change: Partial<HypeInput>) => checkRebalanceBuy(settings, { ...calm, ...change });

function blockedBy(reasons: string[]): AntiHypeVerdict {
  return { verdict: "blocked", scoreOverride: -10, multiplier: 0, reasons };
}

describe("anti-hype filter (scanner)", () => {
  it("lets a calm coin through at full size", () => {
    expect(scan({})).toEqual({ verdict: "allowed", multiplier: 1, reasons: ["no hype (24h +1%): size 1×"] });
  });

  it.each([
    ["a 24 h pump", { change24hPct: 25 }, "24h change +25% above 20%: pumped"],
    ["a close far over the upper band", { pctAboveUpperBand: 3 }, "price 3% above the upper band (limit 2%)"],
    ["an overbought RSI", { rsi: 85 }, "RSI 85 above 80: overbought"],
    ["a volume spike on a rising bar", { volumeRatio: 6 }, "volume 6× above 5× on a rising price"],
    [
      "a volume spike on a red bar in a rising day",
      { volumeRatio: 6, lastBarChangePct: -1 },
      "volume 6× above 5× on a rising price",
    ],
  ])("blocks %s on its own", (_, change, reason) => {
    expect(scan(change)).toEqual(blockedBy([reason]));
  });

  it("lists every rule that fires", () => {
    const v = scan({ change24hPct: 40, pctAboveUpperBand: 5, rsi: 91, volumeRatio: 9 });
    expect(v.verdict).toBe("blocked");
    expect(v.reasons).toHaveLength(4);
  });

  it("does not block a volume spike while the price falls on both horizons", () => {
    expect(scan({ volumeRatio: 8, lastBarChangePct: -2, change24hPct: -1 }).verdict).toBe("allowed");
  });

  it("does not trigger at a threshold exactly, only above it", () => {
    expect(scan({ change24hPct: 20 }).verdict).toBe("damped");
    expect(scan({ rsi: 80, pctAboveUpperBand: 2, volumeRatio: 5 }).verdict).toBe("allowed");
    expect(scan({ change24hPct: 8 }).verdict).toBe("allowed");
    expect(scan({ change24hPct: -5 }).verdict).toBe("allowed");
  });

  it("shows more decimals rather than print a value as its threshold", () => {
    expect(scan({ rsi: 80.04 }).reasons).toEqual(["RSI 80.04 above 80: overbought"]);
  });

  it("damps mild hype", () => {
    expect(scan({ change24hPct: 10 })).toEqual({
      verdict: "damped",
      multiplier: 0.5,
      reasons: ["24h change +10% above 8%: mild hype, size 0.5×"],
    });
  });

  it("boosts a dip ×2 (DCA)", () => {
    expect(scan({ change24hPct: -6.5 })).toEqual({
      verdict: "boosted",
      multiplier: 2,
      reasons: ["24h change -6.5% below -5%: dip, DCA size 2×"],
    });
  });

  it("says which rules it could not check", () => {
    expect(checkBuy(settings, { change24hPct: 1, rsi: Number.NaN })).toEqual({
      verdict: "allowed",
      multiplier: 1,
      reasons: ["no hype (24h +1%): size 1×", "not checked (no data): RSI, upper band, volume spike"],
    });
  });

  it("blocks when the 24 h change is not a number", () => {
    expect(scan({ change24hPct: Number.NaN })).toEqual(
      blockedBy(["24h change unknown (NaN): not buying blind"]),
    );
  });
});

describe("anti-hype filter (rebalancing buys)", () => {
  it("lets through a mild pump that the scanner blocks, damped", () => {
    expect(scan({ change24hPct: 25 }).verdict).toBe("blocked");
    expect(rebalance({ change24hPct: 25 })).toEqual({
      verdict: "damped",
      multiplier: 0.5,
      reasons: ["24h change +25% above 12%: mild hype, size 0.5×"],
    });
  });

  it("loosens each block threshold 1.5 times", () => {
    expect(rebalance({ pctAboveUpperBand: 2.9 }).verdict).toBe("allowed");
    expect(rebalance({ pctAboveUpperBand: 3.1 }).reasons).toEqual([
      "price 3.1% above the upper band (limit 3%)",
    ]);
    expect(rebalance({ volumeRatio: 7 }).verdict).toBe("allowed");
    expect(rebalance({ volumeRatio: 8 }).reasons).toEqual(["volume 8× above 7.5× on a rising price"]);
    expect(rebalance({ change24hPct: 31 }).reasons).toEqual(["24h change +31% above 30%: pumped"]);
  });

  it("loosens RSI within its 0–100 range instead of switching it off", () => {
    expect(rebalance({ rsi: 85 }).verdict).toBe("allowed");
    expect(rebalance({ rsi: 90 }).reasons).toEqual(["RSI 90 above 86.7: overbought"]);
  });

  it("damps later and boosts dips as the scanner does", () => {
    expect(rebalance({ change24hPct: 10 }).verdict).toBe("allowed");
    expect(rebalance({ change24hPct: 13 }).verdict).toBe("damped");
    expect(rebalance({ change24hPct: -6 })).toMatchObject({ verdict: "boosted", multiplier: 2 });
  });

  it("is the scanner's check when rebalanceLeniency is 1", () => {
    const strict = parseConfig({
      ...userConfig,
      antiHype: { ...userConfig.antiHype, rebalanceLeniency: 1 },
    }).antiHype;
    for (const input of [{ change24hPct: 25 }, { rsi: 85 }, { volumeRatio: 6 }, { change24hPct: 10 }, {}]) {
      expect(checkRebalanceBuy(strict, { ...calm, ...input })).toEqual(
        checkBuy(strict, { ...calm, ...input }),
      );
    }
  });
});

describe("hype input from indicators", () => {
  it("blocks a coin whose last candle pumped on heavy volume", () => {
    const closes = [...randomWalk(rng(9), 99, 10, 0.3), 12];
    const volumes = [...Array(99).fill(1000), 9000];
    const ind = computeIndicators(candlesOf(closes, volumes));
    const input = hypeInputOf(ind, 6);
    expect(input.volumeRatio).toBeCloseTo(9, 12);
    expect(input.pctAboveUpperBand).toBeGreaterThan(2);
    expect(input.lastBarChangePct).toBeGreaterThan(0);
    const v = checkBuy(settings, input);
    expect(v.verdict).toBe("blocked");
    expect(v.reasons).toContain("volume 9× above 5× on a rising price");
  });

  it("leaves out what could not be computed", () => {
    const input = hypeInputOf(computeIndicators(candlesOf([1, 2, 3])), -1);
    expect(input).toEqual({
      change24hPct: -1,
      rsi: undefined,
      pctAboveUpperBand: undefined,
      volumeRatio: undefined,
      lastBarChangePct: 50,
    });
  });
});
