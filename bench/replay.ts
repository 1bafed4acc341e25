// npm run bench:replay — a replay of N simulated days through the whole suite (runReplay, the synthetic market
// unless --history is given), one process. Prints simulated days per second, wall time, CPU and peak RSS, and the
// record's size (samples, fills, messages); asserts nothing. Profile it with
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/replay.ts --days 2
//
//   node --import tsx bench/replay.ts [--days 7] [--step-ms 60000] [--history DIR] [--interval 15m] [--from 2025-01-01] [--set k=v ...]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replayConfig } from "../src/replay/config.js";
import { runReplay } from "../src/replay/runner.js";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "7" },
    "step-ms": { type: "string", default: "60000" },
    history: { type: "string" },
    interval: { type: "string", default: "15m" },
    set: { type: "string", multiple: true, default: [] },
    from: { type: "string", default: "2025-01-01" },
  },
});
const overrides = Object.fromEntries(
  (args.set ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const days = Number(args.days);
const from = Date.parse(`${args.from}T00:00:00Z`);
const out = mkdtempSync(join(tmpdir(), "mpb-bench-replay-"));
let peakRss = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
try {
  const record = await runReplay({
    fromMs: from,
    toMs: from + days * 86_400_000,
    interval: args.interval,
    config: await replayConfig(undefined, overrides),
    overrides,
    ...(args.history ? { history: args.history } : {}),
    outDir: out,
    stepMs: Number(args["step-ms"]),
    onStep: () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(28)}${v}\n`);
  line("simulated days", String(days));
  line("overrides", JSON.stringify(overrides));
  line("wall time", `${wall.toFixed(1)} s`);
  line("simulated days / s", (days / wall).toFixed(2));
  line("a year would take (est.)", `${((365 / days) * wall).toFixed(0)} s`);
  line("cpu (user + system)", `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  line("peak RSS", `${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  line(
    "samples / fills / messages",
    `${record.samples.length} / ${record.fills.length} / ${record.messages.length}`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
