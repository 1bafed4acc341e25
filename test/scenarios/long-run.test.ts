import { afterEach, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { DAY, HOUR, MIN, type Scenario, startScenario } from "../support/suite.js";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const usdcOf = (x: Scenario) => {
  const b = x.sim.account().balances.USDC;
  return new D(b?.free ?? "0").plus(b?.locked ?? "0");
};

/** Journal entries not yet archived plus the archive: every order the suite ever sent. */
function everyOrder(x: Scenario) {
  return x.suite.trading.orders.entries();
}

describe("long runs: every bot together", () => {
  it("runs all six bots for days: no floor broken, no duplicate order, no crash, nothing left unresolved", async () => {
    // One day by default (about a minute here); `npm run soak` runs the full week. SCENARIO_DAYS=7 for the week here.
    const days = Number(process.env.SCENARIO_DAYS ?? 1);
    s = await startScenario({
      transport: "in-process",
      market: (sim, now) => {
        // Something to react to: a BTC dip on day one, an alt pump and a BTC rally on day two.
        sim.market.regime("BTCUSDC", {
          kind: "dip",
          startMs: now + 6 * HOUR,
          durationMs: 2 * HOUR,
          change: -0.08,
        });
        sim.market.regime("BTCUSDT", {
          kind: "dip",
          startMs: now + 6 * HOUR,
          durationMs: 2 * HOUR,
          change: -0.08,
        });
        sim.market.regime("ADAUSDT", { kind: "pump", startMs: now + DAY, durationMs: 2 * HOUR });
        sim.market.regime("BTCUSDC", {
          kind: "trend",
          startMs: now + DAY + 12 * HOUR,
          durationMs: 6 * HOUR,
          change: 0.1,
        });
      },
    });
    s.suite.start();
    let lowestUsdc = usdcOf(s);
    await s.run(days * DAY, MIN, () => {
      lowestUsdc = D.min(lowestUsdc, usdcOf(s as Scenario));
    });
    const x = s;
    // Every bot decided, many times.
    for (const bot of ["scanner", "buyer", "pnl", "alts", "balancer", "reporter"])
      expect(x.decisions(bot).length, bot).toBeGreaterThan(days * 10);
    // No order was ever sent twice: one exchange order per client id.
    expect(Object.values(x.sim.stats.ordersByClientId).every((n) => n === 1)).toBe(true);
    expect(x.sim.stats.ordersCreated).toBeGreaterThan(10);
    // The lowest USDC floor (the balance buyer's $2) always held.
    expect(lowestUsdc.gte(2)).toBe(true);
    // No crash of a loop, no failing bot.
    expect(x.lines.filter((l) => l.level >= 60)).toEqual([]);
    expect(x.suite.runtime.status().every((b) => b.consecutiveErrors === 0)).toBe(true);
    // Everything the suite sent is accounted for.
    await x.run(10 * MIN);
    expect(everyOrder(x).filter((e) => ["PENDING", "UNKNOWN", "LOST"].includes(e.state))).toEqual([]);
  }, 600_000);

  it("a restart mid-week resumes pauses and cooldowns from the store", async () => {
    const first = await startScenario({ transport: "in-process" });
    s = first;
    first.suite.start();
    await first.run(3 * MIN);
    await first.suite.runtime.pause("alts");
    const buyer = first.suite.runtime.status().find((b) => b.name === "buyer");
    expect(buyer?.cooldownUntil).toBeGreaterThan(first.clock.now());
    const cooldownUntil = buyer?.cooldownUntil as number;
    const buyerRuns = first.decisions("buyer").length;
    await first.stop();
    s = undefined;

    const again = await startScenario({
      transport: "in-process",
      simulator: first.sim,
      clock: first.clock,
      dataDir: first.dataDir,
    });
    s = again;
    again.suite.start();
    await again.run(MIN);
    const status = again.suite.runtime.status();
    expect(status.find((b) => b.name === "alts")).toMatchObject({ paused: true, why: ["paused by owner"] });
    expect(status.find((b) => b.name === "buyer")?.cooldownUntil).toBe(cooldownUntil);
    // The buyer does not run again before its cooldown ends, restart or not.
    expect(again.clock.now()).toBeLessThan(cooldownUntil);
    expect(again.decisions("buyer")).toEqual([]);
    await again.run(cooldownUntil - again.clock.now() + 2 * MIN);
    expect(again.decisions("buyer").length).toBeGreaterThan(0);
    expect(again.decisions("alts")).toEqual([]);
    expect(buyerRuns).toBeGreaterThan(0);
  });
});
