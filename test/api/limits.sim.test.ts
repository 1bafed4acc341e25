import { describe, expect, it } from "vitest";
import { D, roundPrice, roundQuantity } from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import {
  captureLogger,
  clientFor,
  rejection,
  restingBuyOrder,
  sleep,
  start,
  totalRequests,
} from "./sim-helpers.js";

describe("weight limiter against the simulator's real limit", () => {
  it("a flood of klines runs near the limit with zero 429s, and orders are not held behind it", async () => {
    // MEXC's rule scaled down 10x in time so the test takes seconds: 50 weight per 1 s per endpoint, and the
    // global request rate scaled alike (20/s → 200/s) so that the per-endpoint pool is the one that binds.
    const sim = await start({
      rateLimit: { enabled: true, windowMs: 1000, budget: 50, requestsPerSecond: 200 },
    });
    const client = clientFor(sim, {
      limits: { windowMs: 1000, budget: 50, margin: 3, requestsPerSecond: 200 },
    });
    const rules = (await client.symbolRules("BTCUSDT"))!;
    const price = roundPrice(rules, (await client.tickerPrice("BTCUSDT")).price.mul("0.7"), "BUY");
    const order = {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: roundQuantity(rules, new D(12).div(price)),
      price,
      clientOrderId: "prio-1",
    } as const;
    await client.account();

    const symbols = [...(await client.rules.all()).values()].filter((r) => r.tradable).map((r) => r.symbol);
    const N = 282; // 6 full windows of 47
    const t0 = Date.now();
    let floodDoneAt = 0;
    const flood = Promise.all(
      Array.from({ length: N }, (_, i) => client.klines(symbols[i % symbols.length]!, "15m")),
    ).then(() => (floodDoneAt = Date.now()));
    await new Promise((r) => setTimeout(r, 1500));
    await client.newOrder(order);
    const orderDoneAt = Date.now();
    await flood;
    const wall = Date.now() - t0;

    expect(sim.sim.stats.count429).toBe(0);
    expect(sim.sim.stats.count418).toBe(0);
    // The order jumps the queue of market-data requests: it is answered while the flood still waits for its windows
    // (an order, not a duration: a loaded machine slows both alike).
    expect(orderDoneAt).toBeLessThan(floodDoneAt);
    // At 47 per window the last batch starts in the 6th window: the limiter made the flood wait at least 5 s.
    expect(wall).toBeGreaterThanOrEqual(5000);
    client.close();
    await sim.close();
  });

  it("runs on a VirtualClock: requests beyond the budget wait for virtual time, not real time", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 5, 1));
    const sim = await start({ clock, rateLimit: { enabled: true, windowMs: 10_000, budget: 500 } });
    const client = clientFor(sim, { clock });
    let done = 0;
    const all = Promise.all(
      Array.from({ length: 480 }, () => client.tickerPrice("BTCUSDT").then(() => done++)),
    );
    const settle = async (target: number): Promise<void> => {
      for (let i = 0; i < 200 && done < target; i++) await sleep(20);
      await sleep(100);
    };
    // The strict defaults: 20 requests/s − margin 1 − 2 left to orders = 17 per second for market data; the rest
    // wait for the virtual clock to move the window.
    await settle(17);
    expect(done).toBe(17);
    await clock.advance(1_000);
    await settle(34);
    expect(done).toBe(34);
    for (let s = 0; s < 27; s++) {
      await clock.advance(1_000);
      await settle(Math.min(480, 34 + 17 * (s + 1)));
    }
    await all;
    expect(done).toBe(480);
    expect(sim.sim.stats.count429).toBe(0);
    client.close();
    await sim.close();
  });

  it("a 429 cuts the pools its request charged (once per burst, logged once), which climb back; a 418 still stops every call", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 5, 1));
    const sim = await start({ clock, rateLimit: { enabled: false } });
    const { logger, lines } = captureLogger();
    const client = clientFor(sim, { clock, logger });
    const order = await restingBuyOrder(client, "after-ban-1");
    await clock.advance(2_000); // the set-up requests have left every 1 s window
    const t0 = clock.now();
    // Three depth requests sent together, all answered 429: one burst, one cut of each pool they charged.
    sim.sim.faults.failNext("GET /api/v3/depth", { status: 429, count: 3, headers: { "retry-after": "1" } });
    const burst = Promise.all([
      client.depth("BTCUSDT", 5),
      client.depth("ETHUSDT", 5),
      client.depth("BTCUSDT", 5),
    ]);
    for (let i = 0; i < 100 && client.metrics().count429 < 3; i++) await sleep(10);
    expect(client.metrics().count429).toBe(3);
    await clock.advance(1_000); // the shared pause (Retry-After 1 s) ends; the three are retried
    await burst;
    const lowered = lines.filter((l) => l.includes("lowered"));
    expect(lowered).toHaveLength(2);
    expect(lowered.join("\n")).toContain("ceiling of ip:GET /api/v3/depth lowered from 285 to 142 per 10 s");
    expect(lowered.join("\n")).toContain("ceiling of rate:requests lowered from 19 to 9 per 1 s");

    // Three whole seconds after the cut: 9 + 3 × 2 = 15 requests/s, less the 2 left to orders: 13 market requests
    // pass at once (17 with the ceiling untouched).
    await clock.advanceTo(t0 + 3_000);
    const before = totalRequests(sim);
    const flood = Promise.all(Array.from({ length: 40 }, () => client.tickerPrice("BTCUSDT")));
    await sleep(300);
    expect(totalRequests(sim) - before).toBe(13);
    for (let i = 0; i < 10; i++) await clock.advance(1_000);
    await flood;
    expect(lines.filter((l) => l.includes("ceiling of rate:requests back at 19"))).toHaveLength(1);

    // A 418 still stops every call, whatever its pool.
    sim.sim.faults.failNext("GET /api/v3/ticker/price", { status: 418, headers: { "retry-after": "60" } });
    expect(await rejection(client.tickerPrice("BTCUSDT"))).toMatchObject({ kind: "banned", status: 418 });
    const sent = totalRequests(sim);
    const during = await Promise.all([
      rejection(client.depth("BTCUSDT")),
      rejection(client.account()),
      rejection(client.newOrder(order)),
      rejection(client.klines("BTCUSDT", "15m")),
    ]);
    for (const e of during) expect(e).toMatchObject({ kind: "banned" });
    expect(totalRequests(sim)).toBe(sent);
    client.close();
    await sim.close();
  });
});
