import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { lastPrices, valueBalances } from "../../src/portfolio/account-value.js";

describe("valueBalances", () => {
  it("counts free and locked together, leaves empty balances out and names the unpriced", () => {
    const v = valueBalances(
      [
        { asset: "USDT", free: new D("10"), locked: new D("5") },
        { asset: "BTC", free: new D("0.001"), locked: new D("0.001") },
        { asset: "ETH", free: new D(0), locked: new D(0) },
        { asset: "NOPE", free: new D(3), locked: new D(0) },
      ],
      new Map([["BTCUSDT", new D("50000")]]),
    );
    expect(v.assets.map((a) => [a.asset, a.value.toFixed()])).toEqual([
      ["BTC", "100"],
      ["USDT", "15"],
      ["NOPE", "0"],
    ]);
    expect(v.total.toFixed()).toBe("115");
    expect(v.unpriced).toEqual(["NOPE"]);
  });

  it("lastPrices maps every ticker by symbol", async () => {
    const prices = await lastPrices({
      tickerPriceAll: async () => [
        { symbol: "BTCUSDT", price: new D("1") },
        { symbol: "ETHUSDT", price: new D("2") },
      ],
    });
    expect([...prices].map(([s, p]) => [s, p.toFixed()])).toEqual([
      ["BTCUSDT", "1"],
      ["ETHUSDT", "2"],
    ]);
  });
});
