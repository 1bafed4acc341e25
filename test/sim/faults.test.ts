import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { TestClient } from "./helpers.js";

const T0 = Date.UTC(2026, 4, 4, 4, 4, 4);
const buy = (cid: string) => ({
  symbol: "ETHUSDT",
  side: "BUY",
  type: "MARKET",
  quoteOrderQty: "20",
  newClientOrderId: cid,
});
const rest = (cid: string) => ({
  symbol: "ETHUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.01",
  price: "500",
  newClientOrderId: cid,
});

describe("faults on demand", () => {
  const clock = new VirtualClock(T0);
  let running: RunningSim;
  let c: TestClient;

  beforeAll(async () => {
    running = await startSim({ clock, generatedAlts: 0, control: true, rateLimit: { enabled: false } });
    c = new TestClient({ url: running.url }, () => clock.now());
  });
  afterAll(() => running.close());

  const byCid = (cid: string) =>
    c.signed("GET", "/api/v3/order", { symbol: "ETHUSDT", origClientOrderId: cid });

  it("failNext: the next N calls to an endpoint answer the given status, body and headers", async () => {
    running.sim.faults.failNext("GET /api/v3/ticker/price", {
      count: 2,
      status: 502,
      body: { code: 502, msg: "bad gateway" },
      headers: { "x-sim": "1" },
    });
    for (let i = 0; i < 2; i++) {
      const r = await c.get("/api/v3/ticker/price", { symbol: "BTCUSDT" });
      expect(r.status).toBe(502);
      expect(r.json).toEqual({ code: 502, msg: "bad gateway" });
      expect(r.headers["x-sim"]).toBe("1");
    }
    expect((await c.get("/api/v3/ticker/price", { symbol: "BTCUSDT" })).status).toBe(200);
  });

  it("acceptThen 503: the order exists although the answer is 503 -1003", async () => {
    running.sim.faults.acceptThen("503");
    const r = await c.order(buy("acc-503"));
    expect(r.status).toBe(503);
    expect(r.json.code).toBe(-1003);
    expect((await byCid("acc-503")).json.status).toBe("FILLED");
    expect(running.sim.stats.ordersByClientId["acc-503"]).toBe(1);
    expect((await c.order(buy("acc-after"))).status).toBe(200);
  });

  it("acceptThen drop: the connection dies without an answer, the order exists", async () => {
    running.sim.faults.acceptThen("drop");
    await expect(c.order(buy("acc-drop"))).rejects.toThrow();
    expect((await byCid("acc-drop")).json.status).toBe("FILLED");
  });

  it("acceptThen stall: the answer comes after the client gave up, the order exists", async () => {
    running.sim.faults.acceptThen("stall", { stallMs: 30_000 });
    const signal = AbortSignal.timeout(300);
    await expect(c.signed("POST", "/api/v3/order", buy("acc-stall"), {}, signal)).rejects.toThrow();
    expect((await byCid("acc-stall")).json.status).toBe("FILLED");
    await clock.advance(30_000);
  });

  it("hideOrders: new orders invisible to queries for a while", async () => {
    running.sim.faults.hideOrders(5_000, { count: 1 });
    const hidden = await c.order(rest("hide-1"));
    const shown = await c.order(rest("hide-2"));
    expect((await byCid("hide-1")).json).toEqual({ code: -2013, msg: "Order does not exist." });
    expect((await byCid("hide-2")).json.status).toBe("NEW");
    const ids = async (path: string) =>
      ((await c.signed("GET", path, { symbol: "ETHUSDT" })).json as { orderId: string }[]).map(
        (o) => o.orderId,
      );
    expect(await ids("/api/v3/openOrders")).not.toContain(hidden.json.orderId);
    expect(await ids("/api/v3/allOrders")).not.toContain(hidden.json.orderId);
    expect(await ids("/api/v3/openOrders")).toContain(shown.json.orderId);
    await clock.advance(5_000);
    expect((await byCid("hide-1")).json.status).toBe("NEW");
    expect(await ids("/api/v3/allOrders")).toContain(hidden.json.orderId);
    running.sim.faults.hideOrders(60_000);
    await c.order(rest("hide-3"));
    await c.order(rest("hide-4"));
    expect((await byCid("hide-3")).json.code).toBe(-2013);
    expect((await byCid("hide-4")).json.code).toBe(-2013);
    running.sim.faults.clear();
    await c.signed("DELETE", "/api/v3/openOrders", { symbol: "ETHUSDT" });
  });

  it("skewClock and maintenance", async () => {
    running.sim.faults.skewClock(2_500);
    expect((await c.get("/api/v3/time")).json.serverTime).toBe(clock.now() + 2_500);
    running.sim.faults.skewClock(0);
    running.sim.faults.maintenance(clock.now() + 60_000);
    const r = await c.get("/api/v3/ping");
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ code: 503, msg: "service not available, please try again" });
    expect((await c.order(buy("maint"))).status).toBe(503);
    await clock.advance(60_000);
    expect((await c.get("/api/v3/ping")).status).toBe(200);
    expect((await byCid("maint")).json.code).toBe(-2013);
  });

  it("malformedNext: invalid JSON, or a field of the wrong type", async () => {
    running.sim.faults.malformedNext("GET /api/v3/time", 2);
    for (let i = 0; i < 2; i++) {
      const r = await c.get("/api/v3/time");
      expect(r.status).toBe(200);
      expect(r.json).toBeUndefined();
    }
    expect((await c.get("/api/v3/time")).json.serverTime).toBeTypeOf("number");
    running.sim.faults.malformedNext("GET /api/v3/time", 1, "type");
    expect((await c.get("/api/v3/time")).json.serverTime).toBeTypeOf("string");
    running.sim.faults.malformedNext("GET /api/v3/klines", 1, "type");
    const k = (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 2 })).json;
    expect(k[0][0]).toBeTypeOf("string");
  });

  it("randomFaults: seeded, so the same seed gives the same faults", async () => {
    const statuses = async (): Promise<number[]> => {
      running.sim.faults.randomFaults({ rate: 0.5, kinds: ["5xx", "429", "malformed"], seed: 7 });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await c.get("/api/v3/ping");
        out.push(r.json === undefined ? -1 : r.status);
      }
      running.sim.faults.clear();
      return out;
    };
    const a = await statuses();
    const b = await statuses();
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([200, 503, 429, -1]));
    running.sim.faults.randomFaults({ rate: 1, kinds: ["drop"], seed: 1 });
    await expect(c.get("/api/v3/ping")).rejects.toThrow();
    running.sim.faults.randomFaults({ rate: 1, kinds: ["accept503"], seed: 1 });
    expect((await c.order(buy("rnd-acc"))).status).toBe(503);
    running.sim.faults.clear();
    expect((await byCid("rnd-acc")).json.status).toBe("FILLED");
  });

  it("counts requests per endpoint, orders by client id", () => {
    const s = running.sim.stats;
    expect(s.requests["GET /api/v3/time"]).toBeGreaterThanOrEqual(5);
    expect(s.requests["POST /api/v3/order"]).toBeGreaterThanOrEqual(8);
    expect(s.ordersByClientId["acc-drop"]).toBe(1);
    expect(s.ordersByClientId.maint).toBeUndefined();
  });

  it("control routes over HTTP", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${running.url}/__sim/${path}`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
    expect((await post("faults/failNext", { endpoint: "GET /api/v3/ping", status: 500 })).status).toBe(200);
    expect((await c.get("/api/v3/ping")).status).toBe(500);
    expect((await post("faults/failNext", { endpoint: "GET /api/v3/ping" })).status).toBe(400);
    await post("faults/skewClock", { ms: -700 });
    expect((await c.get("/api/v3/time")).json.serverTime).toBe(clock.now() - 700);
    await post("faults/clear", {});
    expect((await c.get("/api/v3/time")).json.serverTime).toBe(clock.now());
    await post("market/regime", { symbol: "MXUSDT", kind: "pump" });
    const stats = (await (await fetch(`${running.url}/__sim/stats`)).json()) as {
      requests: Record<string, number>;
    };
    expect(stats.requests["GET /api/v3/ping"]).toBeGreaterThan(0);
    const price = (await (await fetch(`${running.url}/__sim/price?symbol=BTCUSDT`)).json()) as {
      price: string;
    };
    expect(price.price).toBe(running.sim.market.price("BTCUSDT"));
    const acct = (await (await fetch(`${running.url}/__sim/account`)).json()) as {
      balances: Record<string, unknown>;
    };
    expect(acct.balances).toHaveProperty("USDT");
  });
});

describe("slow answers and disabled control routes", () => {
  it("slow(ms) delays every answer (real clock); /__sim is 404 without the control option", async () => {
    const running = await startSim({ clock: new RealClock(), generatedAlts: 0 });
    try {
      const c = new TestClient({ url: running.url }, () => Date.now());
      running.sim.faults.slow(250);
      const t = Date.now();
      expect((await c.get("/api/v3/ping")).status).toBe(200);
      expect(Date.now() - t).toBeGreaterThanOrEqual(240);
      running.sim.faults.slow(0);
      expect((await c.get("/__sim/stats")).status).toBe(404);
    } finally {
      await running.close();
    }
  });
});
