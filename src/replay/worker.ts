import { parentPort, workerData } from "node:worker_threads";
import { replayConfig } from "./config.js";
import type { ReplayRunOptions } from "./runner.js";
import { runReplay } from "./runner.js";
import { type RunSummary, summarize } from "./summary.js";

/** What the sweep sends each worker: one point of the grid (everything but the config, which it builds itself). */
export interface WorkerJob {
  run: Omit<ReplayRunOptions, "config" | "onStep" | "onReport">;
  configFile: string | undefined;
}

export type WorkerAnswer =
  | { kind: "progress"; nowMs: number }
  | { kind: "done"; summary: RunSummary }
  | { kind: "failed"; message: string };

/** One sweep point in a worker thread: its own suite, simulator and clock; the record in its own folder. */
async function main(job: WorkerJob): Promise<void> {
  const post = (a: WorkerAnswer) => parentPort?.postMessage(a);
  try {
    const config = await replayConfig(job.configFile, job.run.overrides);
    let lastHour = 0;
    let summary: RunSummary | undefined;
    await runReplay({
      ...job.run,
      config,
      onStep: (nowMs) => {
        const hour = Math.floor(nowMs / 3_600_000);
        if (hour === lastHour) return;
        lastHour = hour;
        post({ kind: "progress", nowMs });
      },
      // The report the runner wrote for this point: its figures rank the point, computed once.
      onReport: (w) => {
        summary = summarize(w.report);
      },
    });
    if (!summary) throw new Error("the replay ended without writing its report");
    post({ kind: "done", summary });
  } catch (e) {
    post({ kind: "failed", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

if (parentPort) await main(workerData as WorkerJob);
