/**
 * Shared by the benchmarks: how a benchmark hands its rows to `npm run bench` (bench/all.ts), the simulator in a
 * process of its own, percentiles and memory readings.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** One line of the table: what was measured, the figure, and the goal it is held to or what to know about it. */
export interface Row {
  measure: string;
  result: string;
  notes: string;
}

/** The last stdout line of a benchmark run with --json starts with this, followed by `{ rows: Row[] }`. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** Prints the rows: as the result line for bench/all.ts with --json, else as an aligned list for a person. */
export function report(rows: Row[]): void {
  if (process.argv.includes("--json")) {
    console.log(RESULT_PREFIX + JSON.stringify({ rows }));
    return;
  }
  const width = Math.max(...rows.map((r) => r.measure.length));
  for (const r of rows)
    console.log(`${r.measure.padEnd(width)}  ${r.result}${r.notes ? `  (${r.notes})` : ""}`);
}

/** Progress for a person; on stderr so that stdout stays the result. */
export function progress(text: string): void {
  process.stderr.write(`  · ${text}\n`);
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const ms = (n: number, digits = 2): string => `${n.toFixed(digits)} ms`;
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc; undefined where /proc is missing. */
export function procMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
  } catch {
    return undefined;
  }
}

/** What bench/sim-child.ts answers to "stats". */
export interface SimChildStats {
  count429: number;
  count418: number;
  requests: Record<string, number>;
  /** Time inside Simulator.handle, summed over every request, and per endpoint. */
  handleMs: number;
  handleMsBy: Record<string, number>;
}

export interface SimChild {
  url: string;
  pid: number;
  stats(): Promise<SimChildStats>;
  /** Simulator-clock instants (performance.now() of the simulator process) at which it accepted `endpoint`. */
  acceptedAt(endpoint: string): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * Starts the simulator in a process of its own (bench/sim-child.ts), so that its work and memory do not count as
 * the client's, and so the client's figures are not slowed by it on the same event loop.
 */
export async function startSimChild(options: Record<string, unknown>): Promise<SimChild> {
  const script = fileURLToPath(new URL("./sim-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error("the simulator process ended without answering");
    return JSON.parse(line.value) as T;
  };
  // One question at a time: answers come back in order.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(command: string): Promise<T> => {
    const answer = queue.then(() => {
      child.stdin!.write(`${command}\n`);
      return next<T>();
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  const { url } = await next<{ url: string }>();
  return {
    url,
    pid: child.pid!,
    stats: () => ask<SimChildStats>("stats"),
    acceptedAt: async (endpoint) => (await ask<{ times: number[] }>(`accepted ${endpoint}`)).times,
    close: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
