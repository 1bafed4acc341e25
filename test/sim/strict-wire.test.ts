import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, type SimOptions, startSim } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";

const T = Date.UTC(2026, 0, 5, 12);
let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function sim(opts: SimOptions = {}): Promise<{ clock: VirtualClock; c: TestClient; r: RunningSim }> {
  const clock = new VirtualClock(T);
  running = await startSim({
    clock,
    generatedAlts: 0,
    accounts: [
      { apiKey: KEY, apiSecret: SECRET, balances: { USDT: "100000" } },
      { apiKey: "other", apiSecret: "other-secret", balances: { USDT: "100000" } },
    ],
    ...opts,
  });
  return { clock, c: new TestClient({ url: running.url }, () => clock.now()), r: running };
}

const farBuy = (i: number) => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.001",
  price: "1000",
  newClientOrderId: `far-${i}`,
});

describe("Content-Type on POST, PUT and DELETE (MEXC 700013)", () => {
  it("refuses a missing or non-JSON type, accepts application/json with a charset, leaves GET alone", async () => {
    const { c } = await sim({ rateLimit: { enabled: false } });
    const none = await c.order(farBuy(1), { contentType: "" });
    expect(none.status).toBe(400);
    expect(none.json).toEqual({ code: 700013, msg: "Invalid content Type." });
    const form = await c.order(farBuy(2), { contentType: "application/x-www-form-urlencoded" });
    expect(form.json.code).toBe(700013);
    const del = await c.signed(
      "DELETE",
      "/api/v3/openOrders",
      { symbol: "BTCUSDT" },
      { contentType: "text/plain" },
    );
    expect(del.json).toEqual({ code: 700013, msg: "Invalid content Type." });
    const ok = await c.order(farBuy(3), { contentType: "Application/JSON; charset=utf-8" });
    expect(ok.status).toBe(200);
    expect((await c.signed("GET", "/api/v3/openOrders", { symbol: "BTCUSDT" })).json).toHaveLength(1);
    expect((await c.signed("DELETE", "/api/v3/openOrders", { symbol: "BTCUSDT" })).status).toBe(200);
  });

  it("reads a JSON body; a form body under application/json is refused, never guessed", async () => {
    const { c } = await sim({ rateLimit: { enabled: false } });
    expect((await c.order(farBuy(4), { where: "body" })).status).toBe(200);
    expect((await c.order(farBuy(5), { where: "mixed" })).status).toBe(200);
    const now = String(T);
    const r = await c.raw("POST", "/api/v3/order", "signature=00", `symbol=BTCUSDT&timestamp=${now}`, {
      "X-MEXC-APIKEY": KEY,
      "content-type": "application/json",
    });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe(33333);
  });
});

describe("rate limits in their strictest readings", () => {
  it("per endpoint and IP: 300 weight per 10 s by default; other endpoints keep their own pool", async () => {
    const { clock, c } = await sim();
    for (let i = 0; i < 30; i++) {
      expect((await c.get("/api/v3/exchangeInfo")).status).toBe(200); // weight 10
      await clock.advance(100);
    }
    expect((await c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 })).status).toBe(200);
    const over = await c.get("/api/v3/exchangeInfo");
    expect(over.status).toBe(429);
    expect(Number(over.headers["retry-after"])).toBe(7);
  });

  it("per endpoint and account: 500 weight per 10 s, independent of another account on the same IP", async () => {
    const { clock, c, r } = await sim();
    const other = new TestClient({ url: r.url }, () => clock.now(), {
      apiKey: "other",
      secret: "other-secret",
    });
    for (let i = 0; i < 50; i++) {
      expect((await c.signed("GET", "/api/v3/account")).status).toBe(200); // weight 10
      await clock.advance(100);
    }
    expect((await other.signed("GET", "/api/v3/account")).status).toBe(200);
    expect((await c.signed("GET", "/api/v3/account")).status).toBe(429);
  });

  it("a new order weighs on the IP pool too (1 IP + 1 UID): two accounts on one IP share it", async () => {
    const { clock, c, r } = await sim({ rateLimit: { ipBudget: 3 } });
    const other = new TestClient({ url: r.url }, () => clock.now(), {
      apiKey: "other",
      secret: "other-secret",
    });
    expect((await c.order(farBuy(1))).status).toBe(200);
    expect((await c.order(farBuy(2))).status).toBe(200);
    expect((await other.order(farBuy(3))).status).toBe(200);
    expect((await other.order(farBuy(4))).status).toBe(429);
  });

  it("20 requests per second per IP, all endpoints together", async () => {
    const { clock, c } = await sim();
    for (let i = 0; i < 20; i++)
      expect((await c.get(i % 2 ? "/api/v3/ping" : "/api/v3/time")).status).toBe(200);
    const over = await c.get("/api/v3/ping");
    expect(over.status).toBe(429);
    expect(over.headers["retry-after"]).toBe("1");
    await clock.advance(1_000);
    expect((await c.get("/api/v3/ping")).status).toBe(200);
  });

  it("12 new orders and cancels per second per account", async () => {
    const { clock, c } = await sim();
    for (let i = 0; i < 8; i++) expect((await c.order(farBuy(i))).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      const cancel = await c.signed("DELETE", "/api/v3/order", {
        symbol: "BTCUSDT",
        origClientOrderId: `far-${i}`,
      });
      expect(cancel.status).toBe(200);
    }
    const over = await c.order(farBuy(99));
    expect(over.status).toBe(429);
    expect(over.headers["retry-after"]).toBe("1");
    await clock.advance(1_000);
    expect((await c.order(farBuy(99))).status).toBe(200);
  });
});

describe("maintenance bodies", () => {
  it("any HTTP status, and the text under `message` instead of `msg` when asked", async () => {
    const { clock, c, r } = await sim();
    r.sim.faults.maintenance(clock.now() + 60_000, { code: 11444, status: 502, textField: "message" });
    const m = await c.get("/api/v3/ping");
    expect(m.status).toBe(502);
    expect(m.json).toEqual({ code: 11444, message: "service not available, please try again" });
    expect(m.json).not.toHaveProperty("msg");
    r.sim.faults.clear();
    r.sim.faults.maintenance(clock.now() + 60_000);
    const d = await c.get("/api/v3/ping");
    expect(d.status).toBe(503);
    expect(d.json).toEqual({ code: 503, msg: "service not available, please try again" });
  });
});

describe("GET /api/v3/selfSymbols", () => {
  it("lists the symbols this key may trade, in defaultSymbols' envelope; others answer 10007", async () => {
    const { c, clock, r } = await sim({
      rateLimit: { enabled: false },
      accounts: [
        { apiKey: KEY, apiSecret: SECRET, balances: { USDT: "1000" }, selfSymbols: ["BTCUSDT", "MXUSDT"] },
        { apiKey: "other", apiSecret: "other-secret", balances: { USDT: "1000" } },
      ],
    });
    expect((await c.signed("GET", "/api/v3/selfSymbols")).json).toEqual({
      code: 200,
      data: ["BTCUSDT", "MXUSDT"],
      msg: null,
    });
    const other = new TestClient({ url: r.url }, () => clock.now(), {
      apiKey: "other",
      secret: "other-secret",
    });
    const all = (await other.signed("GET", "/api/v3/selfSymbols")).json;
    expect(all.data).toEqual((await c.get("/api/v3/defaultSymbols")).json.data);
    expect((await c.order({ ...farBuy(1), symbol: "ETHUSDT", price: "100", quantity: "0.1" })).json).toEqual({
      code: 10007,
      msg: "symbol not support api",
    });
    expect((await c.order(farBuy(2))).status).toBe(200);
    expect(
      (await other.order({ ...farBuy(3), symbol: "ETHUSDT", price: "100", quantity: "0.1" })).status,
    ).toBe(200);
  });
});
