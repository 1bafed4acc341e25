import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { RankBy } from "./options.js";
import type { ReplayRunOptions } from "./runner.js";
import { type RunSummary, rankKey } from "./summary.js";
import type { WorkerAnswer, WorkerJob } from "./worker.js";

export interface SweepRow {
  overrides: Record<string, string>;
  dir: string;
  summary: RunSummary | undefined;
  /** Why the point did not finish (its replay threw). */
  error?: string;
}

/**
 * Every point of the grid replayed in a worker thread of its own (one per core by default), each into its own
 * subfolder of `outDir`; rows ranked best first (a failed point last). The config of every point must already
 * have been validated: a worker that fails is reported in its row, not thrown.
 */
export async function runSweep(o: {
  points: readonly Record<string, string>[];
  base: Omit<ReplayRunOptions, "config" | "onStep" | "overrides" | "outDir">;
  configFile: string | undefined;
  outDir: string;
  workers?: number;
  rank: RankBy;
  onProgress?: (point: number, nowMs: number) => void;
}): Promise<SweepRow[]> {
  const rows: SweepRow[] = o.points.map((overrides, i) => ({
    overrides,
    dir: join(o.outDir, pointDir(i, overrides)),
    summary: undefined,
  }));
  const width = Math.max(1, Math.min(o.workers ?? availableParallelism(), rows.length));
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i] as SweepRow;
      const job: WorkerJob = {
        run: { ...o.base, overrides: row.overrides, outDir: row.dir },
        configFile: o.configFile,
      };
      const answer = await inWorker(job, (nowMs) => o.onProgress?.(i, nowMs));
      if (answer.kind === "done") row.summary = answer.summary;
      else row.error = answer.message;
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return rankRows(rows, o.rank);
}

export function rankRows(rows: readonly SweepRow[], by: RankBy): SweepRow[] {
  return [...rows].sort((a, b) => {
    if (!a.summary || !b.summary) return a.summary ? -1 : b.summary ? 1 : 0;
    return rankKey(b.summary, by).comparedTo(rankKey(a.summary, by));
  });
}

/** `03-pnlSeller.profitThresholdUsd=0.5_balancer5050.deviationPct=10`: the point's number, then its settings. */
function pointDir(i: number, overrides: Record<string, string>): string {
  const settings = Object.entries(overrides)
    .map(([k, v]) => `${k}=${v}`)
    .join("_")
    .replace(/[^A-Za-z0-9._=-]/g, "-");
  return `${String(i + 1).padStart(2, "0")}${settings ? `-${settings}` : ""}`;
}

/**
 * Runs one job in a worker thread. From TypeScript sources (tsx, vitest) the worker registers tsx's loader first:
 * a worker inherits neither the main thread's hooks nor, for its entry module, `--import tsx`.
 */
function inWorker(
  job: WorkerJob,
  onProgress: (nowMs: number) => void,
): Promise<Extract<WorkerAnswer, { kind: "done" | "failed" }>> {
  const fromTs = import.meta.url.endsWith(".ts");
  const url = new URL(`./worker${fromTs ? ".ts" : ".js"}`, import.meta.url);
  const entry: URL | string = fromTs ? tsEntry(url) : url;
  return new Promise((resolve) => {
    let settled = false;
    const w = new Worker(entry, { workerData: job, eval: typeof entry === "string" });
    const end = (a: Extract<WorkerAnswer, { kind: "done" | "failed" }>) => {
      if (settled) return;
      settled = true;
      resolve(a);
      void w.terminate();
    };
    w.on("message", (a: WorkerAnswer) => (a.kind === "progress" ? onProgress(a.nowMs) : end(a)));
    w.on("error", (e) => end({ kind: "failed", message: e.stack ?? e.message }));
    w.on("exit", (code) =>
      end({ kind: "failed", message: `the worker exited (code ${code}) without a result` }),
    );
  });
}

/** A module that registers tsx's ESM loader, then imports the worker (tsx's ESM api, found through its exports). */
function tsEntry(url: URL): string {
  const pkgPath = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = pathToFileURL(join(dirname(pkgPath), pkg.exports["./esm/api"]?.import.default ?? "")).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
}

/** The ranked table: one line per point, its settings, return, max drawdown, fills and folder. */
export function formatSweep(rows: readonly SweepRow[], by: RankBy): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.overrides)))];
  const head = ["#", ...keys, "return %", "max drawdown %", "fills", "folder"];
  const body = rows.map((r, i) => [
    String(i + 1),
    ...keys.map((k) => r.overrides[k] ?? ""),
    r.summary?.returnPct ?? "failed",
    r.summary?.maxDrawdownPct ?? "",
    r.summary ? String(r.summary.fills) : "",
    r.dir,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => (b[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((x, c) => x.padEnd(widths[c] ?? 0))
      .join("  ")
      .trimEnd();
  const failed = rows.filter((r) => r.error).map((r) => `point ${r.dir} failed: ${r.error?.split("\n")[0]}`);
  return [`ranked by ${by}`, line(head), ...body.map(line), ...failed].join("\n");
}
