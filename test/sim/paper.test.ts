import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { TestClient } from "./helpers.js";

describe("paper mode: market data from an upstream, account and matching local", () => {
  const clock = new VirtualClock(Date.UTC(2026, 5, 6, 6, 6));
  let upstream: RunningSim;
  let paper: RunningSim;
  let up: TestClient;
  let c: TestClient;

  beforeAll(async () => {
    upstream = await startSim({ clock, seed: 9, generatedAlts: 20, rateLimit: { enabled: false } });
    paper = await startSim({ clock, upstream: upstream.url, rateLimit: { enabled: false } });
    up = new TestClient({ url: upstream.url }, () => clock.now());
    c = new TestClient({ url: paper.url }, () => clock.now());
  });
  afterAll(async () => {
    await paper.close();
    await upstream.close();
  });

  it("serves the upstream's public answers, cached", async () => {
    expect((await c.get("/api/v3/exchangeInfo")).text).toBe((await up.get("/api/v3/exchangeInfo")).text);
    expect((await c.get("/api/v3/defaultSymbols")).text).toBe((await up.get("/api/v3/defaultSymbols")).text);
    const q = { symbol: "ETHUSDT", interval: "15m", limit: 50 };
    expect((await c.get("/api/v3/klines", q)).text).toBe((await up.get("/api/v3/klines", q)).text);
    expect((await c.get("/api/v3/ticker/24hr", { symbol: "BTCUSDT" })).text).toBe(
      (await up.get("/api/v3/ticker/24hr", { symbol: "BTCUSDT" })).text,
    );
    expect((await c.get("/api/v3/depth", { symbol: "NOPE" })).json.code).toBe(-1121);
    const before = upstream.sim.stats.requests["GET /api/v3/exchangeInfo"] ?? 0;
    for (let i = 0; i < 3; i++) await c.get("/api/v3/exchangeInfo");
    expect(upstream.sim.stats.requests["GET /api/v3/exchangeInfo"]).toBe(before);
    expect((await c.get("/api/v3/time")).json.serverTime).toBe(clock.now());
  });

  it("fills a market order against the upstream book, with local balances", async () => {
    const book = (await up.get("/api/v3/depth", { symbol: "ETHUSDT", limit: 5 })).json;
    const r = await c.order({ symbol: "ETHUSDT", side: "BUY", type: "MARKET", quoteOrderQty: "100" });
    expect(r.status).toBe(200);
    const t = (await c.signed("GET", "/api/v3/myTrades", { symbol: "ETHUSDT" })).json;
    expect(t[0].price).toBe(book.asks[0][0]);
    const acc = paper.sim.account();
    expect(Number(acc.balances.USDT?.free)).toBeGreaterThanOrEqual(900);
    expect(Number(acc.balances.USDT?.free)).toBeLessThan(900.05);
    expect(Number(acc.balances.ETH?.free)).toBeGreaterThan(0);
    expect(upstream.sim.account().balances.USDT?.free).toBe("1000");
    expect(upstream.sim.stats.ordersCreated).toBe(0);
    const bad = await c.order({
      symbol: "ETHUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.0000001",
      price: "100",
    });
    expect(bad.json.msg).toBe(" quantity scale is invalid");
  });

  it("a resting limit fills when the upstream market comes to it", async () => {
    const price = Number((await c.get("/api/v3/ticker/price", { symbol: "ADAUSDT" })).json.price);
    const limit = (price * 0.97).toFixed(4);
    const r = await c.order({ symbol: "ADAUSDT", side: "BUY", type: "LIMIT", quantity: "50", price: limit });
    expect(r.status).toBe(200);
    upstream.sim.market.regime("ADAUSDT", { kind: "dip", durationMs: 10 * 60_000 });
    await clock.advance(60 * 60_000);
    await paper.sim.market.tick();
    const o = (await c.getOrder("ADAUSDT", r.json.orderId)).json;
    expect(o.status).toBe("FILLED");
    const t = (await c.signed("GET", "/api/v3/myTrades", { symbol: "ADAUSDT" })).json;
    expect(t[0].isMaker).toBe(true);
    expect(Number(t[0].price)).toBe(Number(limit));
    expect(() => paper.sim.market.regime("ADAUSDT", { kind: "pump" })).toThrow();
  });
});
