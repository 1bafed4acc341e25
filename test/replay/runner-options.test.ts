import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config-schema.js";
import { replayConfig } from "../../src/replay/config.js";
import { gridOf, parseReplayArgs, ReplayArgsError } from "../../src/replay/options.js";

const dir = mkdtempSync(join(tmpdir(), "mpb-replay-opts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run replay's flags", () => {
  it("reads the period (--to included), balances, sets and the defaults", () => {
    const a = parseReplayArgs([
      "--from",
      "2025-01-01",
      "--to=2025-01-02",
      "--start-balances",
      "USDT=500,USDC=250.5",
      "--set",
      "pnlSeller.profitThresholdUsd=0.07,0.5,2",
      "--set",
      "balancer5050.deviationPct=5,10",
      "--set",
      'scanner.excludedSymbols=["AUSDT","BUSDT"]',
    ]);
    expect(a.fromMs).toBe(Date.UTC(2025, 0, 1));
    expect(a.toMs).toBe(Date.UTC(2025, 0, 3));
    expect(a.startBalances).toEqual({ USDT: "500", USDC: "250.5" });
    expect(a).toMatchObject({ interval: "15m", rank: "return", seed: 42 });
    expect(a.sets["scanner.excludedSymbols"]).toEqual(['["AUSDT","BUSDT"]']);
    const grid = gridOf(a.sets);
    expect(grid).toHaveLength(6);
    expect(grid[0]).toEqual({
      "pnlSeller.profitThresholdUsd": "0.07",
      "balancer5050.deviationPct": "5",
      "scanner.excludedSymbols": '["AUSDT","BUSDT"]',
    });
    expect(new Set(grid.map((p) => JSON.stringify(p))).size).toBe(6);
  });

  it("refuses what it cannot read, naming the flag", () => {
    const base = ["--from", "2025-01-01", "--to", "2025-01-02"];
    expect(() => parseReplayArgs(["--from", "2025-01-01"])).toThrow(/--from and --to are required/);
    expect(() => parseReplayArgs(["--from", "2025-02-30", "--to", "2025-03-01"])).toThrow(
      /--from 2025-02-30/,
    );
    expect(() => parseReplayArgs([...base, "--interval", "2m"])).toThrow(ReplayArgsError);
    expect(() => parseReplayArgs([...base, "--rank", "sharpe"])).toThrow(/--rank sharpe/);
    expect(() => parseReplayArgs([...base, "--start-balances", "USDT:5"])).toThrow(/--start-balances/);
    expect(() => parseReplayArgs([...base, "--days", "3"])).toThrow(/unknown flag --days/);
  });
});

describe("a replay's config", () => {
  it("merges a partial --config file over src/config.ts, then the --set overrides, typed like the default", async () => {
    const file = join(dir, "partial.json");
    writeFileSync(
      file,
      JSON.stringify({ balancer5050: { deviationPct: 15 }, risk: { dailyLossLimitUsd: 9 } }),
    );
    const c = await replayConfig(file, { "balancer5050.deviationPct": "20", "pnlSeller.enabled": "false" });
    expect(c.balancer5050.deviationPct.toNumber()).toBe(20);
    expect(c.risk.dailyLossLimitUsd.toFixed()).toBe("9");
    expect(c.pnlSeller.enabled).toBe(false);
    // Untouched keys keep src/config.ts's values.
    expect(c.pnlSeller.profitThresholdUsd.toFixed()).toBe("0.07");
  });

  it("names a wrong key or value, from the file or from --set", async () => {
    await expect(replayConfig(undefined, { "pnlSeller.profitTreshold": "1" })).rejects.toThrow(
      /pnlSeller\.profitTreshold = 1: is not a known setting/,
    );
    await expect(replayConfig(undefined, { "balancer5050.deviationPct": "lots" })).rejects.toBeInstanceOf(
      ConfigError,
    );
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ scanner: { maxPears: 3 } }));
    await expect(replayConfig(file, {})).rejects.toThrow(/bad\.json[\s\S]*scanner\.maxPears/);
  });
});
