import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";

async function limited(budget: number): Promise<{ clock: VirtualClock; running: RunningSim; c: TestClient }> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5));
  const running = await startSim({
    clock,
    generatedAlts: 0,
    // The per-endpoint pools alone: the request and order rates get their own tests below.
    rateLimit: { windowMs: 2_000, budget, banMs: 3_000, requestsPerSecond: 1_000, ordersPerSecond: 1_000 },
    accounts: [
      { apiKey: KEY, apiSecret: SECRET, balances: { USDT: "100" } },
      { apiKey: "other", apiSecret: "other-secret", balances: {} },
    ],
  });
  return { clock, running, c: new TestClient({ url: running.url }, () => clock.now()) };
}

describe("rate limits", () => {
  it("429 with Retry-After past the budget, then 418 for a client that keeps sending, then recovery", async () => {
    const { clock, running, c } = await limited(20);
    try {
      for (let i = 0; i < 20; i++)
        expect((await c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 })).status).toBe(200);
      const over = await c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 });
      expect(over.status).toBe(429);
      expect(over.json).toEqual({ code: 429, msg: "Too Many Requests" });
      expect(over.headers["retry-after"]).toBe("2");
      const ban = await c.get("/api/v3/time");
      expect(ban.status).toBe(418);
      expect(ban.headers["retry-after"]).toBe("3");
      await clock.advance(2_000);
      const still = await c.get("/api/v3/ping");
      expect(still.status).toBe(418);
      expect(Number(still.headers["retry-after"])).toBeLessThanOrEqual(1);
      await clock.advance(1_000);
      expect((await c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 })).status).toBe(200);
      expect(running.sim.stats.count429).toBe(1);
      expect(running.sim.stats.count418).toBe(2);
    } finally {
      await running.close();
    }
  });

  it("a client that honours Retry-After is not banned", async () => {
    const { clock, running, c } = await limited(5);
    try {
      for (let i = 0; i < 5; i++)
        await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 1 });
      const over = await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 1 });
      expect(over.status).toBe(429);
      await clock.advance(Number(over.headers["retry-after"]) * 1000);
      expect((await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 1 })).status).toBe(
        200,
      );
      expect(running.sim.stats.count418).toBe(0);
    } finally {
      await running.close();
    }
  });

  it("weights per endpoint, budgets independent per endpoint and per account", async () => {
    const { running, c } = await limited(50);
    try {
      expect((await c.get("/api/v3/ticker/24hr")).status).toBe(200); // all symbols: weight 40
      for (let i = 0; i < 10; i++)
        expect((await c.get("/api/v3/ticker/24hr", { symbol: "ETHUSDT" })).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await c.get("/api/v3/exchangeInfo")).status).toBe(200); // weight 10 each
      for (let i = 0; i < 5; i++) expect((await c.signed("GET", "/api/v3/account")).status).toBe(200); // 10 each
      const other = new TestClient({ url: running.url }, () => Date.UTC(2026, 0, 5), {
        apiKey: "other",
        secret: "other-secret",
      });
      expect((await other.signed("GET", "/api/v3/account")).status).toBe(200);
      expect((await c.signed("GET", "/api/v3/account")).status).toBe(429);
    } finally {
      await running.close();
    }
  });

  it("can be disabled", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5));
    const running = await startSim({ clock, generatedAlts: 0, rateLimit: { enabled: false, budget: 1 } });
    try {
      const c = new TestClient({ url: running.url }, () => clock.now());
      for (let i = 0; i < 30; i++)
        expect((await c.get("/api/v3/exchangeInfo", { symbol: "BTCUSDT" })).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
