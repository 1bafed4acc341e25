import { describe, expect, it } from "vitest";
import { tradingSim as env, N, TestClient, tradesOf as trades } from "./helpers.js";

describe("fee asset modes", () => {
  it("base: a buy pays in the base asset received, a sell in quote", async () => {
    const e = await env({ feeAsset: "base" });
    try {
      const buy = await e.c.order({ symbol: "ETHUSDT", side: "BUY", type: "MARKET", quantity: "0.5" });
      const ts = await trades(e.c, "ETHUSDT", buy.json.orderId);
      const fee = ts.reduce((s, t) => s + N(t.commission as string), 0);
      for (const t of ts) expect(t.commissionAsset).toBe("ETH");
      expect(fee).toBeCloseTo(0.5 * 0.0005, 10);
      const eth = e.running.sim.account().balances.ETH?.free as string;
      expect(N(eth)).toBeCloseTo(0.5 - fee, 10);
      const sell = await e.c.order({ symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "0.4" });
      for (const t of await trades(e.c, "ETHUSDT", sell.json.orderId)) expect(t.commissionAsset).toBe("USDT");
      expect(e.running.sim.account().feesPaid).toHaveProperty("ETH");
    } finally {
      await e.running.close();
    }
  });

  it("MX: valued at MXUSDT (USDC via USDCUSDT); without MX it falls back to the asset received", async () => {
    const e = await env({ feeAsset: "MX" });
    try {
      const buy = await e.c.order({ symbol: "BTCUSDC", side: "BUY", type: "MARKET", quantity: "0.1" });
      const ts = await trades(e.c, "BTCUSDC", buy.json.orderId);
      const mx = N(e.running.sim.market.price("MXUSDT"));
      const usdc = N(e.running.sim.market.price("USDCUSDT"));
      for (const t of ts) {
        expect(t.commissionAsset).toBe("MX");
        expect(N(t.commission)).toBeCloseTo((N(t.quoteQty) * 0.0004 * usdc) / mx, 6);
      }
      const acc = e.running.sim.account();
      expect(N(acc.balances.MX?.free as string)).toBeCloseTo(5000 - N(acc.feesPaid.MX as string), 8);
      expect(acc.balances.BTC?.free).toBe("0.1");
      const poor = new TestClient({ url: e.running.url }, () => e.clock.now(), {
        apiKey: "poor",
        secret: "poor-secret",
      });
      const p = await poor.order({ symbol: "ADAUSDT", side: "BUY", type: "MARKET", quoteOrderQty: "10" });
      const pt = (
        await poor.signed("GET", "/api/v3/myTrades", { symbol: "ADAUSDT", orderId: p.json.orderId })
      ).json;
      for (const t of pt) expect(t.commissionAsset).toBe("ADA");
    } finally {
      await e.running.close();
    }
  });

  it("duplicate client ids can be allowed", async () => {
    const e = await env({ rejectDuplicateClientOrderId: false });
    try {
      const p = {
        symbol: "DOTUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "1",
        price: "1",
        newClientOrderId: "same",
      };
      expect((await e.c.order(p)).status).toBe(200);
      expect((await e.c.order(p)).status).toBe(200);
      expect(e.running.sim.stats.ordersByClientId.same).toBe(2);
    } finally {
      await e.running.close();
    }
  });
});
