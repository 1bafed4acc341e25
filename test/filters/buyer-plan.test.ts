import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { type AntiHypeVerdict, type BuyerAsset, planBalanceBuy } from "../../src/filters/index.js";

const allowed: AntiHypeVerdict = { verdict: "allowed", multiplier: 1, reasons: ["no hype"] };
const dip: AntiHypeVerdict = { verdict: "boosted", multiplier: 2, reasons: ["dip"] };
const blocked: AntiHypeVerdict = {
  verdict: "blocked",
  scoreOverride: -10,
  multiplier: 0,
  reasons: ["pumped"],
};

const asset = (name: string, value: number, verdict: AntiHypeVerdict = allowed): BuyerAsset => ({
  asset: name,
  value: new D(value),
  verdict,
  change24hPct: verdict === dip ? -8 : 1,
});

function plan(assets: BuyerAsset[], over: { budget?: number; free?: number; minQuote?: number } = {}) {
  const budget = new D(over.budget ?? 100);
  return planBalanceBuy({
    assets,
    targets: [
      { asset: "BTC", pct: new D(60) },
      { asset: "ETH", pct: new D(40) },
    ],
    budget,
    free: new D(over.free ?? 1000),
    maxPurchase: new D(100),
    deviationPts: new D(5),
    quote: "USDC",
    tooSmall: (_a, quote) =>
      quote.lt(over.minQuote ?? 0) ? `${quote.toFixed()} under ${over.minQuote}` : undefined,
  });
}

const quotes = (p: ReturnType<typeof plan>) =>
  p.kind === "buy" ? p.parts.map((x) => [x.item.asset, x.quote.toFixed()]) : p.why;

describe("the balance buyer's plan", () => {
  it("with nothing held, splits the budget by the targets", () => {
    const p = plan([asset("BTC", 0), asset("ETH", 0)]);
    expect(quotes(p)).toEqual([
      ["BTC", "60"],
      ["ETH", "40"],
    ]);
    expect(p.reasons[0]).toBe("no BTC or ETH held yet: splitting 60/40");
  });

  it("buys only the lagging asset, with the whole budget, when the split is off by more than the deviation", () => {
    // BTC 40 % of 1000 against a 60 % target: 20 points under.
    const p = plan([asset("BTC", 400), asset("ETH", 600)]);
    expect(quotes(p)).toEqual([["BTC", "100"]]);
    expect(p.reasons[0]).toMatch(/^BTC 40 % vs target 60 % .*off by more than 5 points, buying BTC only$/);
  });

  it("within the deviation, splits by the targets", () => {
    const p = plan([asset("BTC", 580), asset("ETH", 420)]);
    expect(quotes(p)).toEqual([
      ["BTC", "60"],
      ["ETH", "40"],
    ]);
  });

  it("a DCA boost doubles a part, and the caps scale the total back to the budget", () => {
    const p = plan([asset("BTC", 580, dip), asset("ETH", 420)]);
    // 120 + 40 = 160 > 100: every part × 100/160.
    expect(quotes(p)).toEqual([
      ["BTC", "75"],
      ["ETH", "25"],
    ]);
    expect(p.reasons.at(-1)).toBe("planned 160 USDC is more than the 100 USDC maximum: scaled down");
  });

  it("under the maximum, the free amount is what the caps name", () => {
    const p = plan([asset("BTC", 580, dip), asset("ETH", 420)], { budget: 50, free: 50 });
    expect(p.reasons.at(-1)).toBe("planned 80 USDC is more than the free 50: scaled down");
  });

  it("hype damping and blocks: a blocked asset is left out, every asset blocked is a skip", () => {
    const one = plan([asset("BTC", 580, blocked), asset("ETH", 420)]);
    expect(quotes(one)).toEqual([["ETH", "40"]]);
    expect(one.reasons).toContain("BTC blocked by the anti-hype filter: not buying it (pumped)");
    const none = plan([asset("BTC", 400, blocked), asset("ETH", 600)]);
    expect(none).toMatchObject({
      kind: "skip",
      why: "every asset to buy is blocked by the anti-hype filter",
    });
  });

  it("too little for both: the whole budget to the lagging asset; too little even alone: a skip", () => {
    const p = plan([asset("BTC", 580), asset("ETH", 420)], { minQuote: 50 });
    expect(quotes(p)).toEqual([["BTC", "100"]]);
    expect(p.reasons.at(-1)).toBe(
      "too little for both (40 under 50): buying BTC only, with the whole budget",
    );
    const skip = plan([asset("BTC", 580), asset("ETH", 420)], { minQuote: 150 });
    expect(skip).toMatchObject({ kind: "skip", why: "too little to buy: 60 under 150; 40 under 150" });
  });
});
