import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { DAY, HOUR, MIN, type Scenario, startScenario } from "../support/suite.js";

/**
 * The daily report across restarts of the whole suite (in process, on one virtual clock, the same simulator and
 * data directory): the period's start is in state.json, so a restart neither repeats a day's report nor skips one,
 * and the report after it covers exactly the time since the last one.
 */

/** Monday 2026-11-16 00:00 UTC; the report hour is 08:00 (config.telegram.dailyReportHourUtc). */
const MONDAY = Date.UTC(2026, 10, 16);
const at = (day: number, hour: number, min = 0) => MONDAY + day * DAY + hour * HOUR + min * MIN;

/** No bot trades: the reports count only the trades a test makes, and a simulated day passes quickly. */
const quiet = (c: Config): Config => ({
  ...c,
  scanner: { ...c.scanner, enabled: false },
  balanceBuyer: { ...c.balanceBuyer, enabled: false },
  pnlSeller: { ...c.pnlSeller, enabled: false },
  altsSeller: { ...c.altsSeller, enabled: false },
  balancer5050: { ...c.balancer5050, enabled: false },
  ordersReporter: { ...c.ordersReporter, enabled: false },
});

let running: Scenario | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** The suite's first start, at `start`. */
async function first(start: number): Promise<Scenario> {
  running = await startScenario({ transport: "in-process", start, config: quiet, gateTickMs: MIN });
  running.suite.start();
  await running.settle();
  return running;
}

/** Stops `s`, lets the clock run while the program is down, and starts the suite again on the same state. */
async function restart(s: Scenario, downUntil: number): Promise<Scenario> {
  await s.stop();
  running = undefined;
  await s.clock.advanceTo(downUntil);
  running = await startScenario({
    transport: "in-process",
    simulator: s.sim,
    clock: s.clock,
    dataDir: s.dataDir,
    config: quiet,
    gateTickMs: MIN,
  });
  running.suite.start();
  await running.settle();
  return running;
}

interface Sent {
  /** When it was built, from its title. */
  at: string;
  /** Since when its value compares, from its value line. */
  since: string | undefined;
  text: string;
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

function reports(s: Scenario): Sent[] {
  return s.messages
    .filter((m) => m.includes("Daily report, "))
    .map((text) => ({
      at: /Daily report, ([\d-]+ [\d:]+ UTC)/.exec(text)?.[1] ?? "?",
      since: / since ([\d-]+ [\d:]+ UTC)/.exec(text)?.[1],
      text,
    }));
}

/** A market buy outside any bot, synced into the ledger: a trade the next report must count once. */
async function buy(s: Scenario, id: string): Promise<void> {
  await s.client.newOrder({
    symbol: "BTCUSDC",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D("20"),
    clientOrderId: id,
  });
  await s.suite.trading.ledger.sync("BTCUSDC");
}

describe("the daily report across restarts", () => {
  it("a restart before the hour: the report comes at the hour, covering the time since the last one", async () => {
    let s = await first(at(0, 7, 30));
    await s.run(at(0, 8) - s.clock.now(), HOUR);
    expect(reports(s).map((r) => r.at)).toEqual([utc(at(0, 8))]);
    expect(s.store.state.dailyReport).toMatchObject({ at: at(0, 8), slot: at(0, 8) });

    await s.run(at(1, 6) - s.clock.now(), HOUR);
    await buy(s, "manual-0000000000restart1");
    s = await restart(s, at(1, 7, 50));
    expect(reports(s)).toEqual([]);
    await s.run(at(1, 8) - s.clock.now() - MIN, MIN);
    expect(reports(s)).toEqual([]);
    await s.run(MIN, MIN);
    const [day2, ...more] = reports(s);
    expect(more).toEqual([]);
    expect(day2).toMatchObject({ at: utc(at(1, 8)), since: utc(at(0, 8)) });
    // The trade made before the restart is in this day's period, once.
    expect(day2?.text).toContain("<b>Trades</b>: 1 (1 buy, 0 sells)");
    await s.run(at(2, 8) - s.clock.now(), HOUR);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([
      [utc(at(1, 8)), utc(at(0, 8))],
      [utc(at(2, 8)), utc(at(1, 8))],
    ]);
    expect(reports(s)[1]?.text).toContain("<b>Trades</b>: 0 (0 buys, 0 sells)");
  }, 120_000);

  it("a restart after the hour, the day's report sent: no second one that day; the next comes tomorrow", async () => {
    let s = await first(at(0, 7, 30));
    await s.run(at(0, 9) - s.clock.now(), HOUR);
    expect(reports(s).map((r) => r.at)).toEqual([utc(at(0, 8))]);
    s = await restart(s, at(0, 9, 30));
    await s.run(at(1, 8) - s.clock.now() - MIN, HOUR);
    expect(reports(s)).toEqual([]);
    await s.run(MIN, MIN);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([[utc(at(1, 8)), utc(at(0, 8))]]);
  }, 120_000);

  it("a restart after the hour that the program was down for: the missed report at once, then the next at the hour", async () => {
    let s = await first(at(0, 7, 30));
    await s.run(at(1, 7) - s.clock.now(), HOUR);
    expect(reports(s).map((r) => r.at)).toEqual([utc(at(0, 8))]);
    s = await restart(s, at(1, 8, 20));
    await s.run(MIN, MIN);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([[utc(at(1, 8, 20)), utc(at(0, 8))]]);
    expect(s.store.state.dailyReport).toMatchObject({ at: at(1, 8, 20), slot: at(1, 8) });
    // A second restart the same day finds the day's report sent.
    s = await restart(s, at(1, 9));
    await s.run(at(2, 8) - s.clock.now() - MIN, HOUR);
    expect(reports(s)).toEqual([]);
    await s.run(MIN, MIN);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([[utc(at(2, 8)), utc(at(1, 8, 20))]]);
  }, 120_000);

  it("across a missed day: one report at the start covers everything since the last, and the schedule goes on", async () => {
    let s = await first(at(0, 7, 30));
    await s.run(at(0, 12) - s.clock.now(), HOUR);
    await buy(s, "manual-0000000000restart2");
    // Down from Monday noon to Wednesday 10:00: Tuesday's and Wednesday's 08:00 passed unseen.
    s = await restart(s, at(2, 10));
    await s.run(MIN, MIN);
    const [missed, ...more] = reports(s);
    expect(more).toEqual([]);
    expect(missed).toMatchObject({ at: utc(at(2, 10)), since: utc(at(0, 8)) });
    expect(missed?.text).toContain("<b>Trades</b>: 1 (1 buy, 0 sells)");
    await s.run(at(3, 8) - s.clock.now() - MIN, HOUR);
    expect(reports(s)).toHaveLength(1);
    await s.run(MIN, MIN);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([
      [utc(at(2, 10)), utc(at(0, 8))],
      [utc(at(3, 8)), utc(at(2, 10))],
    ]);
  }, 120_000);

  it("the exchange down at the hour: tried again every 15 min, sent once as that day's, the next day's on time", async () => {
    let s = await first(at(0, 7, 30));
    s.sim.faults.maintenance(at(0, 8, 40));
    await s.run(at(0, 9) - s.clock.now(), MIN);
    expect(reports(s).map((r) => r.at)).toEqual([utc(at(0, 8, 45))]);
    const retries = s.lines.filter((l) => l.msg === "daily report not built; trying again");
    expect(retries).toHaveLength(3);
    expect(s.store.state.dailyReport).toMatchObject({ at: at(0, 8, 45), slot: at(0, 8) });
    s = await restart(s, at(0, 10));
    await s.run(at(1, 8) - s.clock.now(), HOUR);
    expect(reports(s).map((r) => [r.at, r.since])).toEqual([[utc(at(1, 8)), utc(at(0, 8, 45))]]);
  }, 120_000);
});
