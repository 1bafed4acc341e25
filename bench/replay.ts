// npm run bench:replay — a replay of N simulated days through the whole suite (runReplay, the synthetic market
// unless --history is given), one process. Prints simulated days per second, wall time, CPU and peak RSS, the
// record's size (samples, fills, messages) and the requests per simulated day by route, and for 60 days or more the
// CPU and requests a day of each 30 (does a day cost more as the account ages?); asserts nothing.
// Profile it with
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/replay.ts --days 2
//
//   node --import tsx bench/replay.ts [--days 7] [--pace candle|bot] [--step-ms N] [--history DIR] [--interval 15m]
//     [--from 2025-01-01] [--set k=v ...] [--synthetic-history 50]
//
// --synthetic-history N writes N symbols of seeded candles (bench/replay-history.ts; the replay's days plus two of
// warm-up) into a temporary folder and replays them: a year of 50 pairs without a network.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replayConfig } from "../src/replay/config.js";
import { intervalMs } from "../src/replay/options.js";
import type { Pace } from "../src/replay/pace.js";
import { runReplay } from "../src/replay/runner.js";
import { writeSyntheticHistory } from "./replay-history.js";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "7" },
    pace: { type: "string", default: "candle" },
    "step-ms": { type: "string" },
    history: { type: "string" },
    interval: { type: "string", default: "15m" },
    set: { type: "string", multiple: true, default: [] },
    from: { type: "string", default: "2025-01-01" },
    "synthetic-history": { type: "string" },
  },
});
const overrides = Object.fromEntries(
  (args.set ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const days = Number(args.days);
const from = Date.parse(`${args.from}T00:00:00Z`);
const toMs = from + days * 86_400_000;
const out = mkdtempSync(join(tmpdir(), "mpb-bench-replay-"));
let history = args.history;
if (args["synthetic-history"]) {
  const g0 = performance.now();
  history = join(out, "history");
  const symbols = writeSyntheticHistory(history, {
    count: Number(args["synthetic-history"]),
    fromMs: from - 2 * 86_400_000,
    toMs,
    intervalMs: intervalMs(args.interval),
    interval: args.interval,
    seed: 42,
  });
  process.stdout.write(
    `${"synthetic history".padEnd(34)}${symbols.length} symbols, ${days + 2} days, written in ${((performance.now() - g0) / 1000).toFixed(1)} s\n`,
  );
}
const routes = new Map<string, number>();
// Sampled in real time, not per step: reading the RSS costs a system call (3 % of a replay read it every step).
let peakRss = process.memoryUsage.rss();
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 200);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const cpuSec = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
/** Wall and CPU at the first and the last step: what stepping costs, without the start (loading the history, the
 * suite's start) and the end (the last sync, the report, its chart). */
let first: { wall: number; cpu: number } | undefined;
let last: { wall: number; cpu: number } | undefined;
/**
 * CPU and requests of each 30 simulated days of a replay of 60 days or more: whether a day costs more as the
 * account ages (its fills, orders and record grow), which the year's average alone would hide.
 */
const PERIOD_DAYS = 30;
const periods: { day: number; cpu: number; requests: number }[] = [];
let requests = 0;
try {
  const record = await runReplay({
    fromMs: from,
    toMs,
    interval: args.interval,
    pace: args.pace as Pace,
    config: await replayConfig(undefined, overrides),
    overrides,
    ...(history ? { history } : {}),
    outDir: out,
    ...(args["step-ms"] ? { stepMs: Number(args["step-ms"]) } : {}),
    // Read at the first and the last step only: process.cpuUsage() at every step cost 1 % of the run.
    onStep: (nowMs) => {
      const day = (nowMs - from) / 86_400_000;
      // The first step is one candle in: it opens the first period.
      if (days >= 2 * PERIOD_DAYS && (periods.length === 0 || day % PERIOD_DAYS === 0))
        periods.push({ day, cpu: cpuSec(process.cpuUsage()), requests });
      if (first && nowMs < toMs) return;
      last = { wall: performance.now(), cpu: cpuSec(process.cpuUsage()) };
      first ??= last;
    },
    onRequest: (method, path) => {
      const route = `${method} ${path}`;
      routes.set(route, (routes.get(route) ?? 0) + 1);
      requests++;
    },
  });
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(34)}${v}\n`);
  line("simulated days", String(days));
  line("pace", `${args.pace} (bot periods ${JSON.stringify(record.pace?.botPeriodsSec)})`);
  line("overrides", JSON.stringify(overrides));
  line("wall time", `${wall.toFixed(1)} s`);
  line("simulated days / s", (days / wall).toFixed(2));
  line("a year would take (est.)", `${((365 / days) * wall).toFixed(0)} s`);
  line("cpu (user + system)", `${cpuSec(cpu).toFixed(1)} s`);
  if (first && last) {
    const stepWall = (last.wall - first.wall) / 1000;
    const stepCpu = last.cpu - first.cpu;
    line("start (wall, to the first step)", `${((first.wall - t0) / 1000).toFixed(1)} s`);
    line(
      "stepping: cpu / simulated day",
      `${(stepCpu / days).toFixed(3)} s (wall ${(stepWall / days).toFixed(3)} s)`,
    );
    line("stepping: a year would take", `${((365 * stepCpu) / days).toFixed(0)} s cpu`);
    if (periods.length > 1) periods.push({ day: days, cpu: last.cpu, requests });
  }
  for (let k = 1; k < periods.length; k++) {
    const a = periods[k - 1] as (typeof periods)[number];
    const b = periods[k] as (typeof periods)[number];
    const n = b.day - a.day;
    if (n <= 0) continue;
    line(
      `  days ${Math.floor(a.day)}-${b.day}`,
      `${((b.cpu - a.cpu) / n).toFixed(3)} s cpu / simulated day, ${((b.requests - a.requests) / n).toFixed(0)} requests / day`,
    );
  }
  line("peak RSS", `${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  line(
    "samples / fills / messages",
    `${record.samples.length} / ${record.fills.length} / ${record.messages.length}`,
  );
  const total = [...routes.values()].reduce((a, b) => a + b, 0);
  line("requests / simulated day", (total / days).toFixed(0));
  for (const [route, n] of [...routes].sort((a, b) => b[1] - a[1])) line(`  ${route}`, (n / days).toFixed(1));
} finally {
  clearInterval(rssTimer);
  rmSync(out, { recursive: true, force: true });
}
