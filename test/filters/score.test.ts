import { describe, expect, it } from "vitest";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import {
  type BollingerReading,
  checkBuy,
  classify,
  type MacdReading,
  scoreIndicators,
  type VolumeReading,
} from "../../src/filters/index.js";
import { indicatorsWith } from "./helpers.js";

const macd = (previousHistogram: number, histogram: number, cross: MacdReading["cross"]) => ({
  value: { macd: histogram, signal: 0, histogram, previousHistogram, cross },
});
const bands = (position: "below" | "inside"): { value: BollingerReading } => ({
  value: { lower: 90, middle: 100, upper: 110, close: position === "below" ? 89 : 100, position },
});
const above = {
  value: { lower: 90, middle: 100, upper: 110, close: 115, position: "above", pctAboveUpper: 4.545 },
} as const;
const volume = (ratio: number): { value: VolumeReading } => ({
  value: { ratio, last: ratio * 10, average: 10, lookback: 20 },
});
const flatDay = { changePct: 0 };

describe("scanner score", () => {
  it.each([
    [28, 2, ["RSI 28 oversold +2"]],
    [29.96, 2, ["RSI 29.96 oversold +2"]],
    [30, 1, ["RSI 30 low +1"]],
    [35.25, 1, ["RSI 35.3 low +1"]],
    [40, 0, []],
    [70, 0, []],
    [70.04, -2, ["RSI 70.04 overbought -2"]],
    [75.04, -2, ["RSI 75 overbought -2"]],
  ])("RSI %d scores %d", (rsi, score, reasons) => {
    expect(scoreIndicators(indicatorsWith({ rsi: { value: rsi } }), flatDay)).toEqual({ score, reasons });
  });

  it("scores the MACD only on the bar it crosses", () => {
    expect(scoreIndicators(indicatorsWith({ macd: macd(-0.1, 0.2, "up") }), flatDay)).toEqual({
      score: 1,
      reasons: ["MACD crossed up +1"],
    });
    expect(scoreIndicators(indicatorsWith({ macd: macd(0.1, -0.2, "down") }), flatDay)).toEqual({
      score: -1,
      reasons: ["MACD crossed down -1"],
    });
    expect(scoreIndicators(indicatorsWith({ macd: macd(0.1, 0.2, "none") }), flatDay)).toEqual({
      score: 0,
      reasons: [],
    });
  });

  it("scores the close against the Bollinger bands", () => {
    expect(scoreIndicators(indicatorsWith({ bollinger: bands("below") }), flatDay).reasons).toEqual([
      "below lower band +1",
    ]);
    expect(scoreIndicators(indicatorsWith({ bollinger: above }), flatDay)).toEqual({
      score: -1,
      reasons: ["above upper band -1"],
    });
    expect(scoreIndicators(indicatorsWith({ bollinger: bands("inside") }), flatDay).score).toBe(0);
  });

  it("scores a volume spike only when neither the last bar nor the day is falling", () => {
    const spike = (ratio: number, lastBar: number, changePct: number) =>
      scoreIndicators(indicatorsWith({ volume: volume(ratio), lastBarChangePct: { value: lastBar } }), {
        changePct,
      });
    expect(spike(3.14, 0.5, 1)).toEqual({ score: 1, reasons: ["volume 3.1× +1"] });
    expect(spike(2, 0, 0)).toEqual({ score: 1, reasons: ["volume 2× +1"] });
    expect(spike(2.04, 0, 0)).toEqual({ score: 1, reasons: ["volume 2.04× +1"] });
    expect(spike(1.99, 1, 1).score).toBe(0);
    expect(spike(3, -0.1, 1).score).toBe(0);
    expect(spike(3, 1, -0.1).score).toBe(0);
    expect(spike(3, 1, Number.NaN).score).toBe(0);
  });

  it("adds the rules up, in a fixed order", () => {
    const all = indicatorsWith({
      rsi: { value: 27.5 },
      macd: macd(-1, 1, "up"),
      bollinger: bands("below"),
      volume: volume(2.5),
      lastBarChangePct: { value: 0.3 },
    });
    expect(scoreIndicators(all, { changePct: 2 })).toEqual({
      score: 5,
      reasons: ["RSI 27.5 oversold +2", "MACD crossed up +1", "below lower band +1", "volume 2.5× +1"],
    });
  });

  it("scores nothing it cannot compute", () => {
    expect(scoreIndicators(indicatorsWith({}), flatDay)).toEqual({ score: 0, reasons: [] });
  });
});

describe("classification", () => {
  const settings = parseConfig(userConfig).antiHype;
  const minBuyScore = parseConfig(userConfig).scanner.minBuyScore;
  const calm = checkBuy(settings, { change24hPct: 1 });

  it("is an opportunity only strictly above minBuyScore", () => {
    expect(classify({ score: 3, reasons: ["x +3"] }, calm, minBuyScore)).toEqual({
      kind: "opportunity",
      score: 3,
      reasons: ["x +3", "no hype (24h +1%): size 1×", "not checked (no data): RSI, upper band, volume spike"],
    });
    expect(classify({ score: 2, reasons: [] }, calm, minBuyScore).kind).toBe("neutral");
    expect(classify({ score: -3, reasons: [] }, calm, minBuyScore).kind).toBe("neutral");
  });

  it("is blocked with the override score whatever the score was", () => {
    const pumped = checkBuy(settings, { change24hPct: 30 });
    const c = classify({ score: 5, reasons: ["RSI 25 oversold +2"] }, pumped, minBuyScore);
    expect(c.kind).toBe("blocked");
    expect(c.score).toBe(-10);
    expect(c.reasons[0]).toBe("RSI 25 oversold +2");
    expect(c.reasons[1]).toBe("24h change +30% above 20%: pumped");
  });
});
