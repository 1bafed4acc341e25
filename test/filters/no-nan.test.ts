import { describe, expect, it } from "vitest";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import {
  type Candle,
  checkBuy,
  checkRebalanceBuy,
  classify,
  computeIndicators,
  hypeInputOf,
  scoreIndicators,
} from "../../src/filters/index.js";
import { rng } from "./helpers.js";

/** Every number anywhere in `v`, with its path, that is not finite; every string that prints one. */
function badValues(v: unknown, path = "$"): string[] {
  if (typeof v === "number") return Number.isFinite(v) ? [] : [`${path} = ${v}`];
  if (typeof v === "string") return /NaN|Infinity|undefined/.test(v) ? [`${path} = "${v}"`] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => badValues(x, `${path}[${i}]`));
  if (typeof v === "object" && v !== null)
    return Object.entries(v).flatMap(([k, x]) => badValues(x, `${path}.${k}`));
  return [];
}

/** Random but valid market data, with the awkward shapes real markets produce: flat runs, dead volume, gaps. */
function randomCandles(next: () => number): Candle[] {
  const n = Math.floor(next() * 130);
  const scale = 10 ** Math.floor(next() * 16 - 8); // from 1e-8 (meme coins) to 1e7
  const stepPct = [0, 0.01, 1, 5, 40][Math.floor(next() * 5)]!;
  const deadVolume = next() < 0.15;
  let price = scale * (1 + next());
  const out: Candle[] = [];
  for (let i = 0; i < n; i++) {
    if (next() > 0.2) price *= Math.max(0.05, 1 + ((next() * 2 - 1) * stepPct) / 100);
    const spike = next() < 0.05 ? 50 * next() : 1;
    const volume = deadVolume || next() < 0.1 ? 0 : next() * 1000 * spike;
    out.push({ openTime: i * 900_000, open: price, high: price, low: price, close: price, volume });
  }
  return out;
}

function randomSettings(next: () => number) {
  const blockChange24hPct = 1 + next() * 60;
  return parseConfig({
    ...userConfig,
    antiHype: {
      blockChange24hPct,
      blockAboveUpperBandPct: next() * 5,
      blockRsi: 50 + next() * 50,
      blockVolumeSpike: 1 + next() * 10,
      dampChange24hPct: blockChange24hPct * (0.05 + next() * 0.9),
      dampMultiplier: Number((0.05 + next() * 0.95).toFixed(3)),
      dipChange24hPct: 0.5 + next() * 20,
      dipMultiplier: Number((0.5 + next() * 3).toFixed(3)),
      rebalanceLeniency: 1 + next() * 3,
    },
  });
}

describe("no NaN, ever", () => {
  it("holds for 2000 random series, 24 h changes and settings (seed 20240601)", () => {
    const next = rng(20240601);
    const kinds = new Set<string>();
    for (let round = 0; round < 2000; round++) {
      const config = randomSettings(next);
      const candles = randomCandles(next);
      const change24hPct = (next() * 2 - 1) * 80 + (next() < 0.1 ? 200 : 0);
      const indicators = computeIndicators(candles);
      const scored = scoreIndicators(indicators, { changePct: change24hPct });
      const input = hypeInputOf(indicators, change24hPct);
      const scanner = checkBuy(config.antiHype, input);
      const rebalancing = checkRebalanceBuy(config.antiHype, input);
      const classified = classify(scored, scanner, config.scanner.minBuyScore);
      const all = { indicators, scored, input, scanner, rebalancing, classified };

      expect(badValues(all), `round ${round}`).toEqual([]);
      for (const r of [indicators.rsi, indicators.macd, indicators.bollinger, indicators.volume]) {
        if (r.value === undefined) expect("reason" in r && r.reason.length > 0).toBe(true);
      }
      expect(Number.isInteger(scored.score)).toBe(true);
      expect(scanner.multiplier).toBeGreaterThanOrEqual(0);
      kinds.add(classified.kind).add(scanner.verdict).add(rebalancing.verdict);
    }
    // The generator must reach every outcome, or the property says little.
    expect([...kinds].sort()).toEqual(["allowed", "blocked", "boosted", "damped", "neutral", "opportunity"]);
  });
});
