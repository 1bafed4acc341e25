import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { usdtPrice, valuePortfolio } from "../../src/portfolio/valuation.js";

const prices = new Map([
  ["BTCUSDT", new D("60000")],
  ["ETHUSDT", new D("3000")],
  ["USDCUSDT", new D("0.9990")],
  ["ADAUSDC", new D("0.5")],
  ["DOTUSDT", new D("7")],
]);

describe("valuation", () => {
  it("prices through USDT directly, or through USDC × USDCUSDT", () => {
    expect(usdtPrice("USDT", prices)?.toFixed()).toBe("1");
    expect(usdtPrice("USDC", prices)?.toFixed()).toBe("0.999");
    expect(usdtPrice("ADA", prices)?.toFixed()).toBe("0.4995");
    expect(usdtPrice("XYZ", prices)).toBeUndefined();
  });

  it("splits into stables, BTC/ETH and alts, to the last digit", () => {
    const v = valuePortfolio(
      new Map([
        ["USDT", new D("100")],
        ["USDC", new D("200")],
        ["BTC", new D("0.001")],
        ["ETH", new D("0.01")],
        ["ADA", new D("100")],
        ["DOT", new D("10")],
        ["XYZ", new D("5")],
        ["ZERO", new D("0")],
      ]),
      prices,
    );
    // stables 100 + 200 × 0.999 = 299.8; core 60 + 30 = 90; alts 49.95 + 70 = 119.95
    expect(v.byGroup.stable.toFixed()).toBe("299.8");
    expect(v.byGroup.core.toFixed()).toBe("90");
    expect(v.byGroup.alt.toFixed()).toBe("119.95");
    expect(v.total.toFixed()).toBe("509.75");
    // alts / (alts + core) = 119.95 / 209.95
    expect(v.altShareOfInvested?.toFixed(4)).toBe("57.1327");
    expect(v.unpriced).toEqual(["XYZ"]);
    // Largest value first: USDC 199.8, USDT 100, DOT 70, BTC 60, ADA 49.95, ETH 30, XYZ unpriced.
    expect(v.assets.map((a) => a.asset)).toEqual(["USDC", "USDT", "DOT", "BTC", "ADA", "ETH", "XYZ"]);
  });
});
