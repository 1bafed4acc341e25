import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningSim, startSim } from "../src/sim/index.js";
import { SIM_KEY, SIM_SECRET } from "./support/exchange.js";
import { isolatedEnv, type Spawned, spawnTsx } from "./support/spawn.js";

/**
 * Setup errors found at start exit 2 (something for the operator to fix) and say what to fix.
 *
 * Issue 13, defect 5: a damaged fills.jsonl is something for the operator to fix, like a damaged state.json: exit 2
 * (a supervisor does not restart-loop on it) with the file, the line and what to do; the file is never rewritten.
 * Live mode against a simulator on loopback standing in for MEXC, because sim and paper mode start every session
 * on a fresh data directory (the damaged file would be moved aside).
 */

let exchange: RunningSim | undefined;
let run: Spawned | undefined;
afterEach(async () => {
  run?.child.kill("SIGKILL");
  await exchange?.close();
  exchange = undefined;
  run = undefined;
});

describe("npm start with a damaged fills.jsonl", () => {
  it("exits 2 naming the file, the line and what to do, and leaves the file as it was", async () => {
    exchange = await startSim({
      port: 0,
      seed: 7,
      generatedAlts: 5,
      rateLimit: { enabled: false },
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: "500", USDC: "500" } }],
    });
    const dir = mkdtempSync(join(tmpdir(), "mpb-main-damaged-"));
    const dataDir = join(dir, "data", "live");
    mkdirSync(dataDir, { recursive: true });
    const fills = join(dataDir, "fills.jsonl");
    const damaged = '{"id":"1","symbol":"BTCUSDC","side":"BUY"}\n';
    writeFileSync(fills, damaged);
    run = spawnTsx(
      "src/main.ts",
      ["--config", "test/fixtures/live-autotrade-config.ts"],
      isolatedEnv(dir, {
        MODE: "live",
        LIVE_TRADING: "yes",
        MEXC_API_KEY: SIM_KEY,
        MEXC_API_SECRET: SIM_SECRET,
        MEXC_BASE_URL: exchange.url,
      }),
    );
    const { code } = await run.exited;
    expect(run.out.stderr).toContain(`${fills} line 1 is damaged`);
    expect(run.out.stderr).toMatch(/then start again/);
    expect(run.out.stderr).not.toContain("fatal:");
    expect(code).toBe(2);
    expect(readFileSync(fills, "utf8")).toBe(damaged);
    // Nothing was traded with a ledger that could not be read.
    expect(exchange.sim.stats.ordersCreated).toBe(0);
  }, 60_000);
});

describe("npm start with contradictory settings (issue 13, defect 4)", () => {
  it("exits 2 naming both keys, before creating any state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-main-contradiction-"));
    run = spawnTsx("src/main.ts", ["--config", "test/fixtures/contradictory-config.ts"], isolatedEnv(dir));
    const { code } = await run.exited;
    expect(run.out.stderr).toContain("scanner.minBuyUsdt = 100");
    expect(run.out.stderr).toContain("scanner.sizing.maxBuyUsdt (50)");
    expect(code).toBe(2);
    expect(existsSync(join(dir, "data"))).toBe(false);
  }, 60_000);
});
