import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isolatedEnv, spawnTsx } from "./support/spawn.js";

async function npmScript(script: string, args: string[], dir: string) {
  const run = spawnTsx(script, args, isolatedEnv(dir));
  const { code } = await run.exited;
  return { code, ...run.out };
}

const CSV = [
  "time,symbol,side,price,quantity,quote_quantity,fee,fee_asset",
  "2024-01-02T10:00:00Z,BTCUSDT,BUY,40000,0.01,400,0.4,USDT",
  "2024-01-03T10:00:00Z,BTCUSDT,SELL,42000,0.005,210,0.21,USDT",
  "2024-01-04T10:00:00Z,ETH_USDC,buy,2000,0.1,200,0.0001,ETH",
].join("\n");

describe("npm run ledger -- import, npm run pnl", () => {
  it("imports a CSV once (idempotent) and prints the PnL table priced by the simulated market", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-cli-"));
    const csv = join(dir, "history.csv");
    writeFileSync(csv, CSV);
    const first = await npmScript("src/cli/ledger.ts", ["import", csv], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("3 row(s) read, 3 added");
    const again = await npmScript("src/cli/ledger.ts", ["import", csv], dir);
    expect(again.stdout).toContain("3 row(s) read, 0 added");

    const pnl = await npmScript("src/cli/pnl.ts", [], dir);
    expect(pnl.code).toBe(0);
    expect(pnl.stdout).toContain("PnL, SIM mode, 3 fills");
    // BTC: bought 0.01 for 400.4, sold half for 209.79 against a cost of 200.2 → realized 9.59.
    expect(pnl.stdout).toMatch(/BTC\s+0\.005\s+40040\s/);
    expect(pnl.stdout).toMatch(/total.*9\.59/);
    expect(pnl.stdout).toMatch(/ETH\s+0\.0999\s/);
    // --replay replays every fill; what the cost basis decides (quantity, average cost, realized) is the same to
    // the last digit printed (prices move between the two runs: each starts its own simulated market).
    const replayed = await npmScript("src/cli/pnl.ts", ["--replay"], dir);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("cost basis: every fill replayed");
    const basis = (out: string) =>
      out
        .split("\n")
        .filter((l) => /^(BTC|ETH|total) /.test(l))
        .map((l) => l.split(/\s+/))
        .map((c) => [c[0], c[0] === "total" ? "" : `${c[1]} ${c[2]}`, c.at(-1)]);
    expect(basis(replayed.stdout)).toEqual(basis(pnl.stdout));
    expect(basis(pnl.stdout)).toHaveLength(3);
  });

  it("reports bad rows with their line numbers and imports nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-cli-"));
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, `${CSV}\n2024-01-05T10:00:00Z,BTCUSDT,HOLD,1,1,1,0,USDT\n`);
    const r = await npmScript("src/cli/ledger.ts", ["import", csv], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nothing imported");
    expect(r.stderr).toContain("line 5");
    const pnl = await npmScript("src/cli/pnl.ts", [], dir);
    expect(pnl.stdout).toContain("No ledger yet");
  });

  it("answers a wrong command with its usage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-cli-"));
    const r = await npmScript("src/cli/ledger.ts", ["export"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run ledger -- import <file.csv>");
  });
});
