import { describe, expect, it } from "vitest";
import { userConfig } from "../src/config.js";
import { ConfigError, parseConfig } from "../src/config-schema.js";

/** A deep copy of the shipped config with one change applied. */
function withChange(change: (c: Record<string, any>) => void): unknown {
  const copy = structuredClone(userConfig) as Record<string, any>;
  change(copy);
  return copy;
}

function problemsOf(input: unknown): ConfigError {
  try {
    parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("config", () => {
  it("accepts the shipped defaults and turns amounts into Decimals", () => {
    const c = parseConfig(userConfig);
    expect(c.scanner.intervalSec).toBe(600);
    expect(c.pnlSeller.profitThresholdUsd.toFixed()).toBe("0.07");
    expect(c.altsSeller.profitThresholdUsd.toFixed()).toBe("0.15");
    expect(c.balanceBuyer.allocationPct.BTC.toNumber()).toBe(60);
    expect(c.balancer5050.keepUsdc.toFixed()).toBe("20");
    expect(c.balanceBuyer.minQuantity.BTC.toFixed()).toBe("0.0001");
  });

  it.each([
    [
      "a negative interval",
      (c: any) => (c.scanner.intervalSec = -5),
      "scanner.intervalSec",
      "-5",
      "more than 0",
    ],
    [
      "a percent above 100",
      (c: any) => (c.scanner.sizing.normalPct = 130),
      "scanner.sizing.normalPct",
      "130",
      "not above 100",
    ],
    [
      "a split not summing to 100",
      (c: any) => (c.balanceBuyer.allocationPct = { BTC: 70, ETH: 40 }),
      "balanceBuyer.allocationPct",
      '{"BTC":70,"ETH":40}',
      "sum to 100",
    ],
    [
      "an unknown symbol format",
      (c: any) => (c.pnlSeller.pairs = ["btc-usdc"]),
      "pnlSeller.pairs.0",
      '"btc-usdc"',
      "MEXC spot symbol",
    ],
    [
      "a bad amount",
      (c: any) => (c.pnlSeller.profitThresholdUsd = "7 cents"),
      "pnlSeller.profitThresholdUsd",
      '"7 cents"',
      "amount",
    ],
    [
      "a misspelt key",
      (c: any) => (c.scanner.intervalSecs = 10),
      "scanner.intervalSecs",
      "10",
      "not a known setting",
    ],
    ["a wrong type", (c: any) => (c.risk.maxOpenOrders = "ten"), "risk.maxOpenOrders", '"ten"', "number"],
    ["too few candles for MACD", (c: any) => (c.scanner.klineLimit = 24), "scanner.klineLimit", "24", "MACD"],
    [
      "a too long recvWindow",
      (c: any) => (c.exchange.recvWindowMs = 90_000),
      "exchange.recvWindowMs",
      "90000",
      "60000",
    ],
  ])("rejects %s, naming the key, the value and the rule", (_name, change, key, value, rule) => {
    const err = problemsOf(withChange(change));
    expect(err.message).toContain(`${key} = ${value}`);
    expect(err.message).toContain(rule);
    expect(err.problems[0]?.key).toBe(key);
  });

  it("lists every problem at once", () => {
    const err = problemsOf(
      withChange((c) => {
        c.scanner.intervalSec = 0;
        c.balancer5050.deviationPct = 101;
      }),
    );
    expect(err.problems.map((p) => p.key).sort()).toEqual([
      "balancer5050.deviationPct",
      "scanner.intervalSec",
    ]);
  });

  it("shows a value that is not finite as written, not as JSON's null", () => {
    const err = problemsOf(
      withChange((c) => {
        c.scanner.minBuyUsdt = Number.POSITIVE_INFINITY;
        c.balancer5050.deviationPct = Number.NaN;
      }),
    );
    expect(err.message).toContain("scanner.minBuyUsdt = Infinity");
    expect(err.message).toContain("balancer5050.deviationPct = NaN");
    expect(err.message).not.toContain("= null");
  });
});

describe("config: settings that contradict each other (issue 13)", () => {
  it.each([
    [
      "a scanner minimum above its maximum",
      (c: any) => (c.scanner.minBuyUsdt = 100),
      "scanner.minBuyUsdt",
      "100",
      "scanner.sizing.maxBuyUsdt",
    ],
    [
      "a balancer minimum per asset above its maximum per operation",
      (c: any) => (c.balancer5050.minPerAssetUsd = 150),
      "balancer5050.minPerAssetUsd",
      "150",
      "balancer5050.maxPerOperationUsdc",
    ],
    [
      "damping that starts above blocking",
      (c: any) => (c.antiHype.dampChange24hPct = 25),
      "antiHype.dampChange24hPct",
      "25",
      "blockChange24hPct",
    ],
    [
      "a balancer split not summing to 100",
      (c: any) => (c.balancer5050.btcEthSplitPct = { BTC: 50, ETH: 40 }),
      "balancer5050.btcEthSplitPct",
      '{"BTC":50,"ETH":40}',
      "BTC 50 + ETH 40 = 90",
    ],
  ])("refuses %s, naming both keys", (_name, change, key, value, other) => {
    const err = problemsOf(withChange(change));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.key).toBe(key);
    expect(err.message).toContain(`${key} = ${value}`);
    expect(err.message).toContain(other);
  });

  it("accepts a minimum equal to its maximum", () => {
    const c = parseConfig(
      withChange((c) => {
        c.scanner.minBuyUsdt = 50;
        c.balancer5050.minPerAssetUsd = 100;
      }),
    );
    expect(c.scanner.minBuyUsdt.toFixed()).toBe("50");
  });
});
