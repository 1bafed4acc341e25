import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { replayConfig } from "../replay/config.js";
import { gridOf, parseReplayArgs, type ReplayArgs, ReplayArgsError } from "../replay/options.js";
import { replayProgress } from "../replay/progress.js";
import { renderConsole } from "../replay/report-render.js";
import { runReplay } from "../replay/runner.js";
import { formatSweep, runSweep } from "../replay/sweep.js";
import { runCli, UsageError } from "./run-cli.js";

/**
 * npm run replay -- --from 2025-01-01 --to 2025-12-31 [--config file] [--start-balances USDT=500,USDC=500]
 * [--set key=value ...] [--history DIR] [--interval 15m] [--pace candle|bot] [--out DIR] [--workers N] [--rank return]:
 * the whole suite over a past period on the virtual clock; a `--set` with commas sweeps the grid in worker threads.
 * Exits 2 on a wrong flag or config value (naming it), before anything runs.
 */
async function main(argv: string[]): Promise<number> {
  let args: ReplayArgs;
  try {
    args = parseReplayArgs(argv);
  } catch (e) {
    if (e instanceof ReplayArgsError) throw new UsageError(`replay: ${e.message}`);
    throw e;
  }
  const points = gridOf(args.sets);
  // Every point's config is checked before any replay starts: a typo in the ninth point must not wait for eight.
  const configs = [];
  for (const p of points) configs.push(await replayConfig(args.configFile, p));
  const out = resolve(args.out ?? mkdtempSync(join(tmpdir(), "mpb-replay-out-")));
  const base = {
    fromMs: args.fromMs,
    toMs: args.toMs,
    interval: args.interval,
    pace: args.pace,
    ...(args.startBalances ? { startBalances: args.startBalances } : {}),
    ...(args.history ? { history: args.history } : {}),
    seed: args.seed,
  };
  const wallNow = () => performance.now();
  if (points.length === 1 && configs[0]) {
    const progress = replayProgress({ fromMs: args.fromMs, toMs: args.toMs, out: process.stderr, wallNow });
    const record = await runReplay({
      ...base,
      config: configs[0],
      overrides: points[0] ?? {},
      outDir: out,
      onStep: (now) => progress.update(now),
      onReport: (w) => {
        progress.done();
        process.stdout.write(renderConsole(w.report, { dir: w.dir, chartLabelled: w.chartLabelled }));
      },
    });
    if (record.samples.length === 0) process.stdout.write(`record: ${join(out, "record.json")}\n`);
    return 0;
  }
  process.stderr.write(`replay: sweeping ${points.length} points into ${out}\n`);
  const done = new Set<number>();
  const rows = await runSweep({
    points,
    base,
    configFile: args.configFile,
    outDir: out,
    ...(args.workers ? { workers: args.workers } : {}),
    rank: args.rank,
    onProgress: (i, now) => {
      if (now < args.toMs || done.has(i)) return;
      done.add(i);
      process.stderr.write(`replay: point ${i + 1} of ${points.length} done (${done.size} finished)\n`);
    },
  });
  process.stdout.write(`${formatSweep(rows, args.rank)}\n`);
  return rows.some((r) => r.error) ? 1 : 0;
}

runCli(() => main(process.argv.slice(2)));
