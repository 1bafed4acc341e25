import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { gridOf, parseReplayArgs } from "../../src/replay/options.js";
import type { ReplayRecord } from "../../src/replay/record.js";
import { rankKey } from "../../src/replay/summary.js";
import { formatSweep, rankRows, runSweep, type SweepRow } from "../../src/replay/sweep.js";

const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 0, 1);
const out = mkdtempSync(join(tmpdir(), "mpb-sweep-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("replay sweeps", () => {
  it("runs each point of the grid in a worker thread, into its own folder, and ranks them", async () => {
    const args = parseReplayArgs([
      "--from",
      "2025-01-01",
      "--to",
      "2025-01-01",
      "--set",
      "pnlSeller.profitThresholdUsd=0.07,2",
    ]);
    const points = gridOf(args.sets);
    const rows = await runSweep({
      points,
      base: { fromMs: FROM, toMs: FROM + HOUR, interval: "15m", seed: 42 },
      configFile: undefined,
      outDir: out,
      workers: 2,
      rank: "return",
    });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.error).toBeUndefined();
      expect(r.summary).toBeDefined();
      // Each point's record is in its own folder and carries the override it ran with.
      const record = JSON.parse(readFileSync(join(r.dir, "record.json"), "utf8")) as ReplayRecord;
      expect(record.overrides).toEqual(r.overrides);
      expect(record.samples.at(-1)?.timeMs).toBe(FROM + HOUR);
    }
    expect(new Set(rows.map((r) => r.overrides["pnlSeller.profitThresholdUsd"]))).toEqual(
      new Set(["0.07", "2"]),
    );
    const [a, b] = rows as [SweepRow, SweepRow];
    expect(new D(a.summary?.returnPct ?? "0").gte(b.summary?.returnPct ?? "0")).toBe(true);
    const table = formatSweep(rows, "return");
    expect(table).toMatch(/ranked by return/);
    expect(table).toMatch(/pnlSeller\.profitThresholdUsd/);
  }, 300_000);

  it("ranks by return, by the smallest drawdown, or by return per drawdown; a failed point last", () => {
    const row = (name: string, returnPct: string, maxDrawdownPct: string): SweepRow => ({
      overrides: { p: name },
      dir: name,
      summary: { startUsdt: "1000", endUsdt: "0", returnPct, maxDrawdownPct, fills: 1 },
    });
    const rows = [
      row("a", "10", "20"),
      row("b", "4", "2"),
      row("c", "-1", "1"),
      { overrides: { p: "x" }, dir: "x", summary: undefined, error: "boom" },
    ];
    const names = (by: "return" | "drawdown" | "return-per-drawdown") =>
      rankRows(rows, by).map((r) => r.overrides.p);
    expect(names("return")).toEqual(["a", "b", "c", "x"]);
    expect(names("drawdown")).toEqual(["c", "b", "a", "x"]);
    expect(names("return-per-drawdown")).toEqual(["b", "a", "c", "x"]);
    expect(
      rankKey(
        { startUsdt: "1", endUsdt: "1", returnPct: "1", maxDrawdownPct: "0", fills: 0 },
        "return-per-drawdown",
      ).gt(4),
    ).toBe(true);
  });

  it("a wrong --set exits 2 naming the key, before any replay runs", () => {
    const dir = join(out, "never");
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/replay.ts",
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-02",
        "--out",
        dir,
        "--set",
        "pnlSeller.profitThresholdUsd=0.07,2",
        "--set",
        "balancer5050.deviationPercent=5,10",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/balancer5050\.deviationPercent = "?5"?: is not a known setting/);
    expect(existsSync(dir)).toBe(false);
  }, 90_000);
});
