import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { D } from "../src/decimal.js";
import { parseArgs } from "../src/soak/options.js";
import { failures, formatReport } from "../src/soak/report.js";
import { runSoak } from "../src/soak/run.js";

describe("npm run soak", () => {
  // Six simulated hours: every bot runs hundreds of times, the scanner a few dozen, under a 5 % fault rate.
  // (A full simulated day costs about 70 s of CPU: too long for the suite; `npm run soak` runs the week.)
  it("keeps the zeros under 5 % faults for six simulated hours", async () => {
    const r = await runSoak({ days: 0.25, faultRate: 0.05, seed: 7 });
    const report = formatReport(r);
    if (failures(r).length === 0) rmSync(r.dir, { recursive: true, force: true });

    expect(r.duplicates.total, report).toBe(0);
    expect(r.floors.violations, report).toEqual([]);
    expect(r.ledger.total, report).toBe(0);
    expect(r.crashes.total, report).toBe(0);
    expect(r.journalVsExchange.count, report).toBe(0);
    expect(failures(r)).toEqual([]);

    // Not vacuous: orders went out and filled, the ledger saw them, faults really hit requests and orders.
    expect(r.orders.placed).toBeGreaterThan(10);
    expect(r.orders.filled).toBeGreaterThan(5);
    expect(r.ledger.trades).toBeGreaterThan(5);
    expect(r.floors.purchases).toBeGreaterThan(0);
    expect(new D(r.floors.lowestUsdc).gte(2)).toBe(true);
    const injected = Object.values(r.faults.injected).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(100);
    expect(r.wire.dropped).toBeGreaterThan(0);
    expect(r.wire.timedOut).toBeGreaterThan(0);
    expect(r.wire.count429).toBeGreaterThan(0);
    // Every bot kept deciding.
    for (const bot of ["scanner", "buyer", "pnl", "alts", "balancer", "reporter"])
      expect(r.logs.decisions[bot] ?? 0, bot).toBeGreaterThan(0);
  }, 120_000);

  it("reads its flags and refuses unknown ones", () => {
    expect(parseArgs([])).toMatchObject({ days: 7, faultRate: 0.05, seed: 42 });
    expect(parseArgs(["--days", "1", "--fault-rate=0.1", "--seed", "3"])).toMatchObject({
      days: 1,
      faultRate: 0.1,
      seed: 3,
    });
    expect(() => parseArgs(["--fault-rate", "2"])).toThrow(/within 0..1/);
    expect(() => parseArgs(["--weeks", "1"])).toThrow(/unknown flag --weeks/);
  });

  it("--real-variants turns on the simulator's real-exchange answer variants", () => {
    expect(parseArgs([]).realVariants).toBeUndefined();
    expect(parseArgs(["--seed", "5", "--real-variants", "--days", "2"])).toMatchObject({
      seed: 5,
      days: 2,
      realVariants: true,
    });
  });
});
