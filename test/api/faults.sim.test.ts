import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError, type MexcClient } from "../../src/api/index.js";
import type { RunningSim } from "../../src/sim/index.js";
import {
  clientFor,
  collectAlerts,
  FAST_RETRY,
  rejection,
  restingBuyOrder,
  sleep,
  start,
  totalRequests,
} from "./sim-helpers.js";

let sim: RunningSim;
let client: MexcClient;
let seq = 0;

beforeAll(async () => {
  sim = await start();
  client = clientFor(sim, { timeoutMs: 500 });
});
afterEach(() => {
  sim.sim.faults.clear();
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const POST_ORDER = "POST /api/v3/order";
const requestsTo = (endpoint: string): number => sim.sim.stats.requests[endpoint] ?? 0;

/** A small resting BUY far below the market, with a fresh client id. */
function restingBuy(c: MexcClient = client) {
  return restingBuyOrder(c, `fault-${++seq}`);
}

describe("idempotent requests retry on transient failures", () => {
  it("5xx: retried with backoff until it succeeds", async () => {
    const before = requestsTo("GET /api/v3/depth");
    sim.sim.faults.failNext("GET /api/v3/depth", { status: 503, count: 2 });
    const book = await client.depth("BTCUSDT", 5);
    expect(book.bids.length).toBeGreaterThan(0);
    expect(requestsTo("GET /api/v3/depth") - before).toBe(3);
  });

  it("5xx that persists: 'unavailable' after 1 + retries attempts", async () => {
    const before = requestsTo("GET /api/v3/ticker/price");
    sim.sim.faults.failNext("GET /api/v3/ticker/price", { status: 502, count: 10 });
    const err = await rejection(client.tickerPrice("BTCUSDT"));
    expect(err).toMatchObject({ kind: "unavailable", status: 502, endpoint: "GET /api/v3/ticker/price" });
    expect(requestsTo("GET /api/v3/ticker/price") - before).toBe(1 + FAST_RETRY.retries);
  });

  it("dropped connections: 'network' with a safe cause after the retries", async () => {
    sim.sim.faults.randomFaults({ rate: 1, kinds: ["drop"] });
    const err = await rejection(client.bookTicker("BTCUSDT"));
    expect(err).toMatchObject({ kind: "network", endpoint: "GET /api/v3/ticker/bookTicker" });
    expect((err as ApiError).cause).toEqual({ code: "ECONNRESET", message: "socket hang up" });
  });

  it("timeouts on GET: 'network' (ETIMEDOUT) after the retries", async () => {
    sim.sim.faults.slow(1500);
    const before = requestsTo("GET /api/v3/ticker/24hr");
    const err = await rejection(client.ticker24hr("BTCUSDT"));
    expect(err).toMatchObject({ kind: "network", cause: { code: "ETIMEDOUT" } });
    expect(requestsTo("GET /api/v3/ticker/24hr") - before).toBe(1 + FAST_RETRY.retries);
  });

  it("a 5xx on cancel is retried: cancelling twice is harmless", async () => {
    const ack = await client.newOrder(await restingBuy());
    sim.sim.faults.failNext("DELETE /api/v3/order", { status: 500 });
    const cancelled = await client.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
    expect(cancelled.status).toBe("CANCELED");
  });
});

describe("POST /api/v3/order is never retried: unknown outcomes are returned, not hidden", () => {
  it.each([
    ["503 -1003 after storing the order", () => sim.sim.faults.acceptThen("503")],
    ["dropped connection after storing the order", () => sim.sim.faults.acceptThen("drop")],
    [
      "stall past the client's timeout after storing",
      () => sim.sim.faults.acceptThen("stall", { stallMs: 1500 }),
    ],
  ])("%s → unknown-outcome with the clientOrderId; exactly one order exists", async (_name, arrange) => {
    const order = await restingBuy();
    const before = requestsTo(POST_ORDER);
    arrange();
    const err = await rejection(client.newOrder(order));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      kind: "unknown-outcome",
      clientOrderId: order.clientOrderId,
      endpoint: POST_ORDER,
    });
    expect((err as Error).message).toContain(
      `do NOT resend it; look it up by clientOrderId ${order.clientOrderId}`,
    );
    expect(requestsTo(POST_ORDER) - before).toBe(1);
    expect(sim.sim.stats.ordersByClientId[order.clientOrderId]).toBe(1);
    // The order manager resolves it by lookup.
    const found = await client.getOrder({ symbol: "BTCUSDT", clientOrderId: order.clientOrderId });
    expect(found.status).toBe("NEW");
    await client.cancelOrder({ symbol: "BTCUSDT", orderId: found.orderId });
  });

  it("a plain 500 before storing is also unknown to us; the lookup then says 'unknown-order'", async () => {
    const order = await restingBuy();
    sim.sim.faults.failNext(POST_ORDER, { status: 500, body: { code: 500, msg: "Internal error" } });
    expect(await rejection(client.newOrder(order))).toMatchObject({ kind: "unknown-outcome", status: 500 });
    expect(sim.sim.stats.ordersByClientId[order.clientOrderId]).toBeUndefined();
    expect(
      await rejection(client.getOrder({ symbol: "BTCUSDT", clientOrderId: order.clientOrderId })),
    ).toMatchObject({ kind: "unknown-order" });
  });

  it("an unreadable acknowledgement means the order probably exists: unknown-outcome naming the field", async () => {
    const order = await restingBuy();
    sim.sim.faults.malformedNext(POST_ORDER, 1, "type");
    const err = await rejection(client.newOrder(order));
    expect(err).toMatchObject({ kind: "unknown-outcome", clientOrderId: order.clientOrderId });
    expect((err as Error).message).toMatch(/symbol: expected a non-empty string, got 12345/);
    expect(sim.sim.stats.ordersByClientId[order.clientOrderId]).toBe(1);
  });

  it("a refused connection never reached MEXC: 'network', not unknown", async () => {
    const dead = clientFor(sim, { baseUrl: "http://127.0.0.1:1", checkRules: false });
    const order = await restingBuy();
    const err = await rejection(dead.newOrder(order));
    expect(err).toMatchObject({ kind: "network", cause: { code: "ECONNREFUSED" } });
    dead.close();
  });
});

describe("malformed answers", () => {
  it("cut JSON → bad-response, not retried, no crash", async () => {
    sim.sim.faults.malformedNext("GET /api/v3/klines", 1, "json");
    const err = await rejection(client.klines("BTCUSDT", "1m", { limit: 5 }));
    expect(err).toMatchObject({ kind: "bad-response", endpoint: "GET /api/v3/klines", status: 200 });
    expect((err as Error).message).toMatch(/the body is not JSON/);
  });

  it("a field of the wrong type → bad-response naming the field path", async () => {
    sim.sim.faults.malformedNext("GET /api/v3/klines", 1, "type");
    const klines = await rejection(client.klines("BTCUSDT", "1m", { limit: 5 }));
    expect((klines as Error).message).toContain(
      '[0][0]: open time: expected a time in ms (an integer), got "not-a-number"',
    );
    sim.sim.faults.malformedNext("GET /api/v3/account", 1, "type");
    const account = await rejection(client.account());
    expect(account).toMatchObject({ kind: "bad-response", endpoint: "GET /api/v3/account" });
    expect((account as Error).message).toMatch(
      /^GET \/api\/v3\/account failed \(bad-response, HTTP 200\): \w+/,
    );
  });
});

describe("rate limits", () => {
  it("429 with Retry-After: one shared pause for every caller, one alert", async () => {
    const c = clientFor(sim);
    const alerts = collectAlerts(c);
    await c.account(); // time synced, so later signed calls need no /time request
    const order = await restingBuy(c);
    sim.sim.faults.failNext("GET /api/v3/depth", { status: 429, count: 2, headers: { "retry-after": "2" } });
    const t0 = Date.now();
    const first = Promise.all([c.depth("BTCUSDT", 5), c.depth("ETHUSDT", 5)]);
    await sleep(150); // both 429s are in: the pause is on
    const baseline = totalRequests(sim);
    const others = Promise.all([
      c.tickerPrice("BTCUSDT"),
      c.account(),
      c.openOrders("BTCUSDT"),
      c.newOrder(order),
    ]);
    await sleep(1500);
    expect(totalRequests(sim)).toBe(baseline); // nobody sent anything during the pause
    await Promise.all([first, others]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1950);
    expect(alerts.filter((a) => a.kind === "rate-limited")).toHaveLength(1);
    expect(alerts[0]!.untilMs).toBeGreaterThan(t0 + 1900);
    expect(c.metrics().count429).toBe(2);
    c.close();
  });

  it("418: fails fast for every caller until the ban ends, with a 'banned' alert", async () => {
    const c = clientFor(sim);
    const alerts = collectAlerts(c);
    const order = { ...(await restingBuy(c)), clientOrderId: "banned-1" };
    sim.sim.faults.failNext("GET /api/v3/ticker/price", { status: 418, headers: { "retry-after": "1" } });
    const err = await rejection(c.tickerPrice("BTCUSDT"));
    expect(err).toMatchObject({ kind: "banned", status: 418 });
    const before = totalRequests(sim);
    const during = await Promise.all([
      rejection(c.depth("BTCUSDT")),
      rejection(c.account()),
      rejection(c.newOrder(order)),
    ]);
    for (const e of during) expect(e).toMatchObject({ kind: "banned" });
    expect((during[0] as Error).message).toMatch(/banned this IP .* Banned until \d{4}-/);
    expect(totalRequests(sim)).toBe(before);
    expect(alerts).toEqual([expect.objectContaining({ kind: "banned", untilMs: c.bannedUntil })]);
    await sleep(1050);
    expect(c.bannedUntil).toBe(0);
    await c.depth("BTCUSDT", 5);
    c.close();
  });

  it("a client configured above the real limit still obeys the exchange's 429s: no ban follows", async () => {
    const strict = await start({ rateLimit: { enabled: true, windowMs: 1000, budget: 20 } });
    const c = clientFor(strict, { limits: { budget: 1000, requestsPerSecond: 1000, maxInFlight: 1 } });
    const alerts = collectAlerts(c);
    const results = await Promise.all(Array.from({ length: 60 }, () => c.tickerPrice("BTCUSDT")));
    expect(results).toHaveLength(60);
    expect(strict.sim.stats.count429).toBeGreaterThan(0);
    expect(strict.sim.stats.count418).toBe(0);
    expect(alerts.some((a) => a.kind === "rate-limited")).toBe(true);
    c.close();
    await strict.close();
  });
});

describe("clock skew: 700003 → resync → one safe resend", () => {
  it.each([
    ["+1.5 s", 1500],
    ["−1.5 s", -1500],
    ["+6 s", 6000],
    ["−6 s", -6000],
  ])("exchange clock %s after the last sync → exactly one order placed", async (_name, skewMs) => {
    const c = clientFor(sim);
    await c.account(); // synced without skew
    const order = await restingBuy(c);
    sim.sim.faults.skewClock(skewMs);
    const before = requestsTo(POST_ORDER);
    const ack = await c.newOrder(order);
    expect(ack.clientOrderId).toBe(order.clientOrderId);
    expect(sim.sim.stats.ordersByClientId[order.clientOrderId]).toBe(1);
    // Beyond +1 s ahead or recvWindow behind, the first send is refused (700003) and resent once.
    const expectedSends = skewMs === 1500 ? 1 : 2;
    expect(requestsTo(POST_ORDER) - before).toBe(expectedSends);
    expect(Math.abs((c.clockOffsetMs ?? 0) - (expectedSends === 2 ? skewMs : 0))).toBeLessThan(200);
    await c.cancelOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
    c.close();
  });
});

describe("other failures", () => {
  it("maintenance: GETs are retried then 'unavailable'", async () => {
    sim.sim.faults.maintenance(sim.sim.serverTime() + 60_000);
    expect(await rejection(client.ping())).toMatchObject({ kind: "unavailable", status: 503, code: 503 });
  });

  it("orders hidden just after creation read as 'unknown-order' (the order manager looks again)", async () => {
    sim.sim.faults.hideOrders(5000, { count: 1 });
    const order = await restingBuy();
    await client.newOrder(order);
    expect(
      await rejection(client.getOrder({ symbol: "BTCUSDT", clientOrderId: order.clientOrderId })),
    ).toMatchObject({ kind: "unknown-order", code: -2013 });
    await client.cancelOrder({ symbol: "BTCUSDT", clientOrderId: order.clientOrderId });
  });

  it("auth failures say what to do and raise an alert; without keys nothing is sent", async () => {
    const wrong = clientFor(sim, { apiSecret: "not-the-secret" });
    const alerts = collectAlerts(wrong);
    expect(await rejection(wrong.account())).toMatchObject({ kind: "auth", code: 700002 });
    expect(alerts.map((a) => a.kind)).toEqual(["auth"]);
    wrong.close();

    sim.sim.faults.failNext("GET /api/v3/account", {
      status: 400,
      body: { code: 700006, msg: "IP [127.0.0.1] not in the ip white list" },
    });
    const err = await rejection(client.account());
    expect((err as Error).message).toContain("add it in MEXC → API Management");

    const anonymous = clientFor(sim, { apiKey: undefined, apiSecret: undefined });
    const before = totalRequests(sim);
    expect(await rejection(anonymous.account())).toMatchObject({ kind: "auth" });
    expect(totalRequests(sim)).toBe(before);
    anonymous.close();
  });
});
