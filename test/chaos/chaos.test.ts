import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/chaos/options.js";
import { runChaos } from "../../src/chaos/run.js";

// The short version of `npm run chaos` (the README says how to run a long one): three SIGKILLs at seeded moments,
// start-up included, then a clean stop and the audit through the simulator's signed API.
describe("npm run chaos, short", () => {
  it("kills the live suite three times and finds the exchange, the journal and the ledger in agreement", async () => {
    const opts = parseArgs(["--cycles", "3", "--seed", "7", "--max-life-sec", "10", "--settle-sec", "6"]);
    const r = await runChaos(opts);
    expect(r.findings).toEqual([]);
    expect(Object.values(r.figures).every((v) => v === 0)).toBe(true);
    expect(r.runs.length).toBe(3);
    // It traded: the audit compared something.
    expect(r.counts.exchangeOrders).toBeGreaterThan(0);
    expect(r.counts.exchangeTrades).toBeGreaterThan(0);
  }, 240_000);

  it("refuses bad flags with the usage", () => {
    expect(() => parseArgs(["--cycles=-1"])).toThrow(/--cycles must be an integer ≥ 0/);
    expect(() => parseArgs(["--min-life-sec", "5", "--max-life-sec", "1"])).toThrow(/max-life-sec/);
  });
});
