import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  allocateBalancer,
  type BalancerCandidate,
  balancerAmount,
  balancerSide,
  capParts,
} from "../../src/filters/index.js";

describe("the 50/50 balancer's plan", () => {
  it("buys the lagging side only when off 50 % by more than the deviation", () => {
    expect(balancerSide(new D(300), new D(700), new D(30), new D(5))).toMatchObject({
      kind: "buy",
      side: "alt",
    });
    expect(balancerSide(new D(700), new D(300), new D(70), new D(5))).toMatchObject({
      kind: "buy",
      side: "core",
    });
    const within = balancerSide(new D(520), new D(480), new D(52), new D(5));
    expect(within).toMatchObject({ kind: "skip", why: "alts within 5 points of 50 %" });
    expect(within.reasons[0]).toBe("alts 52 % (520 USD) vs BTC/ETH 48 % (480 USD)");
  });

  it("spends half the gap, at most the maximum and what is free", () => {
    const base = { floor: new D(10), minPerAsset: new D(5) };
    // Gap: 300 vs the half 500 = 200; half of it 100.
    const half = balancerAmount({
      ...base,
      altValue: new D(300),
      coreValue: new D(700),
      free: new D(1000),
      maxPerOperation: new D(150),
    });
    expect(half).toMatchObject({ ok: true });
    expect(half.ok && half.amount.toFixed()).toBe("100");
    const capped = balancerAmount({
      ...base,
      altValue: new D(300),
      coreValue: new D(700),
      free: new D(1000),
      maxPerOperation: new D(40),
    });
    expect(capped.ok && capped.amount.toFixed()).toBe("40");
    const poor = balancerAmount({
      ...base,
      altValue: new D(300),
      coreValue: new D(700),
      free: new D(3),
      maxPerOperation: new D(40),
    });
    expect(poor).toMatchObject({ ok: false, why: "3 USDC is under 5 USD per asset" });
  });

  const cand = (symbol: string, held: number, multiplier = 1, splitPct?: number): BalancerCandidate => ({
    symbol,
    held: new D(held),
    multiplier,
    ...(splitPct !== undefined ? { splitPct: new D(splitPct) } : {}),
  });
  const parts = (p: { item: BalancerCandidate; quote: D }[]) =>
    p.map((x) => [x.item.symbol, x.quote.toFixed()]);

  it("BTC/ETH by their split, times the multiplier; too little to split: the larger share alone", () => {
    const reasons: string[] = [];
    const core = [cand("BTCUSDC", 0, 2, 60), cand("ETHUSDC", 0, 1, 40)];
    expect(parts(allocateBalancer("core", core, new D(100), new D(5), () => true, reasons))).toEqual([
      ["BTCUSDC", "120"],
      ["ETHUSDC", "40"],
    ]);
    const small = allocateBalancer("core", core, new D(8), new D(5), () => true, reasons);
    expect(parts(small)).toEqual([["BTCUSDC", "16"]]);
    expect(reasons).toEqual(["8 USDC is too little to split (5 USD per asset): BTCUSDC only"]);
  });

  it("alts: the least held first, as many as the amount allows", () => {
    const reasons: string[] = [];
    const alts = [cand("AUSDT", 30), cand("BUSDT", 10), cand("CUSDT", 20)];
    expect(parts(allocateBalancer("alt", alts, new D(12), new D(5), () => true, reasons))).toEqual([
      ["BUSDT", "6"],
      ["CUSDT", "6"],
    ]);
    expect(reasons[0]).toBe("12 USDC is enough for 2 of 3 basket alts (5 USD each at least): BUSDT, CUSDT");
  });

  it("the caps apply last, after the multipliers", () => {
    const boosted = [
      { item: "x", quote: new D(120) },
      { item: "y", quote: new D(40) },
    ];
    const r = capParts(boosted, { free: new D(1000), max: new D(100), quote: "USDC" });
    expect(r.parts.map((p) => p.quote.toFixed())).toEqual(["75", "25"]);
    expect(capParts(boosted, { free: new D(1000), max: new D(500), quote: "USDC" }).reason).toBeUndefined();
  });
});
