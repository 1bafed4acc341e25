// npm run bench:ledger — the ledger's cost as its history grows: fills.jsonl of 10k / 100k / 1M generated fills
// (bench/ledger-fills.ts writes them straight to disk). For each size, in processes of their own:
// - first start: open fills.jsonl with no checkpoint (read and validate into the ledger's digest, replay, write the
//   checkpoint);
// - full replay of the cost basis from the file (`npm run pnl -- --replay` does this: stream, sort, the exact
//   book), median of --runs, wall and CPU time; beside it the book's loop alone (on the columns already read),
//   and up to 100k the decimal.js book on the same fills;
// - one new fill into the kept cost basis (apply + snapshot; the fsync'd append to fills.jsonl is not counted),
//   median and worst of 50 (every 64th also rewrites the checkpoint);
// - open, cold and warm, time, RSS after it and peak RSS, median of --runs fresh processes each: cold reads and
//   validates every line into the digest (no digest checkpoint, read only so it writes none); warm is a routine
//   start (the digest from its checkpoint plus the lines after it); both take the book from its checkpoint;
// - the digest checkpoint's write (at a clean stop, past 10,000 new lines) and its size.
// Prints a table; asserts nothing. With --json it prints the rows of `npm run bench` (bench/all.ts).
//
//   node --import tsx bench/ledger.ts [--sizes 10000,100000,1000000] [--runs 3] [--json]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Fill, parseFillJson } from "../src/portfolio/fill.js";
import { FillsDigest } from "../src/portfolio/fills-digest.js";
import { digestCheckpointPath } from "../src/portfolio/fills-digest-checkpoint.js";
import { readFillColumns, replayColumns, replayFillsFile } from "../src/portfolio/fills-replay.js";
import { KeptCostBasis, replay } from "../src/portfolio/kept-cost-basis.js";
import { JsonLinesFile } from "../src/store/index.js";
import { fillLine, writeFills } from "./ledger-fills.js";
import { mib, ms, procMemory, progress, quantile, report } from "./lib.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    runs: { type: "string", default: "3" },
    child: { type: "string" },
    phase: { type: "string" },
    dir: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const RUNS = Number(args.runs);
const NEW_FILLS = 50;

interface Prepared {
  generateMs: number;
  firstOpenMs: number;
  replayMs: number[];
  /** The replay's CPU time (user + system): on a machine shared with other jobs, steadier than its wall time. */
  replayCpuMs: number[];
  hotLoopMs: number[];
  decimalMs: number[];
  newFillMs: number[];
  checkpointMs: number;
  checkpointBytes: number;
}
interface Opened {
  openMs: number;
  rss: number;
  peak: number;
  origin: string;
}

/** The decimal.js book on parsed fills (the replay before issue 15), where the fills fit in memory. */
const DECIMAL_UP_TO = 100_000;

function prepare(n: number, path: string): Prepared {
  let t = performance.now();
  writeFills(path, n);
  const generateMs = performance.now() - t;
  t = performance.now();
  const digest = FillsDigest.open(path);
  const kept = new KeptCostBasis(digest.file);
  kept.snapshot();
  const firstOpenMs = performance.now() - t;
  const replayMs: number[] = [];
  const replayCpuMs: number[] = [];
  const hotLoopMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cpu = process.cpuUsage();
    t = performance.now();
    replayFillsFile(path, {}, digest.file.bytes);
    replayMs.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    replayCpuMs.push((used.user + used.system) / 1000);
    const columns = readFillColumns(path, digest.file.bytes);
    t = performance.now();
    replayColumns(columns);
    hotLoopMs.push(performance.now() - t);
  }
  const decimalMs: number[] = [];
  if (n <= DECIMAL_UP_TO) {
    const items = JsonLinesFile.read<Fill>(path, parseFillJson);
    for (let r = 0; r < RUNS; r++) {
      t = performance.now();
      replay(items).snapshot();
      decimalMs.push(performance.now() - t);
    }
  }
  const newFillMs: number[] = [];
  for (let k = 0; k < NEW_FILLS; k++) {
    const f = parseFillJson(JSON.parse(fillLine(n + k)));
    digest.append([f]);
    t = performance.now();
    kept.added([f]);
    kept.snapshot();
    newFillMs.push(performance.now() - t);
  }
  kept.save();
  // A clean stop: the digest's checkpoint covers the new fills too.
  t = performance.now();
  digest.checkpoint();
  const checkpointMs = performance.now() - t;
  const checkpointBytes = statSync(digestCheckpointPath(path)).size;
  return {
    generateMs,
    firstOpenMs,
    replayMs,
    replayCpuMs,
    hotLoopMs,
    decimalMs,
    newFillMs,
    checkpointMs,
    checkpointBytes,
  };
}

/** A start of the Ledger: the digest (cold: of every line; warm: from its checkpoint), the book from its own. */
function open(warm: boolean, path: string): Opened {
  const t = performance.now();
  const digest = FillsDigest.open(path, warm ? {} : { checkpoint: false, readOnly: true });
  const kept = new KeptCostBasis(digest.file);
  kept.snapshot();
  const openMs = performance.now() - t;
  const peak = procMemory(process.pid)?.peak ?? Number.NaN;
  const origin = `digest: ${digest.origin}, ${digest.ids.size} ids; book: ${kept.origin}`;
  return { openMs, rss: process.memoryUsage().rss, peak, origin };
}

function child<T>(n: number, phase: string, dir: string): T {
  const script = fileURLToPath(import.meta.url);
  const argv = ["--import", "tsx", script, "--child", String(n), "--phase", phase, "--dir", dir];
  const r = spawnSync(process.execPath, [...argv, "--runs", String(RUNS)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  if (r.status !== 0)
    throw new Error(`bench child ${phase} ${n} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as T;
}

if (args.child !== undefined) {
  const n = Number(args.child);
  const path = join(args.dir ?? ".", "fills.jsonl");
  const result = args.phase === "prepare" ? prepare(n, path) : open(args.phase === "warm", path);
  console.log(JSON.stringify(result));
} else {
  const rows: { measure: string; result: string; notes: string }[] = [];
  for (const n of args.sizes.split(",").map(Number)) {
    const dir = mkdtempSync(join(tmpdir(), "bench-ledger-"));
    try {
      progress(`${n} fills: generate, first start, full replay, new fills`);
      const p = child<Prepared>(n, "prepare", dir);
      const cold: Opened[] = [];
      const warm: Opened[] = [];
      for (let r = 0; r < RUNS; r++) {
        progress(`${n} fills: open cold and warm, run ${r + 1}/${RUNS}`);
        cold.push(child<Opened>(n, "cold", dir));
        warm.push(child<Opened>(n, "warm", dir));
      }
      const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
      const med = (xs: number[]) => quantile(xs, 0.5);
      const opened = (os: Opened[]) =>
        `${ms(med(os.map((o) => o.openMs)), 0)} / ${mib(med(os.map((o) => o.rss)))} / ${mib(med(os.map((o) => o.peak)))}`;
      rows.push(
        {
          measure: `fills ${label}: open warm (digest checkpoint) / RSS / peak`,
          result: opened(warm),
          notes: `median of ${RUNS} fresh processes; ${warm[0]?.origin}; goal at 1M < 4 s / < 250 MiB; the checkpoint ${mib(p.checkpointBytes)}, written in ${ms(p.checkpointMs, 0)}`,
        },
        {
          measure: `fills ${label}: open cold (every line) / RSS / peak`,
          result: opened(cold),
          notes: `median of ${RUNS} fresh processes; ${cold[0]?.origin}`,
        },
        {
          measure: `fills ${label}: full replay from the file`,
          result: ms(med(p.replayMs), 0),
          notes: `median of ${RUNS} (best ${ms(Math.min(...p.replayMs), 0)}, CPU ${ms(med(p.replayCpuMs), 0)}; the host's noise moves the median by ±20 %); the book's loop alone ${ms(med(p.hotLoopMs), 0)} (exact decimals)${p.decimalMs.length ? `, decimal.js ${ms(med(p.decimalMs), 0)}` : ""}; goal at 100k < 150 ms; first start without a checkpoint ${ms(p.firstOpenMs, 0)} (open + replay + checkpoint)`,
        },
        {
          measure: `fills ${label}: one new fill`,
          result: ms(med(p.newFillMs), 3),
          notes: `median of ${NEW_FILLS}, worst ${ms(Math.max(...p.newFillMs), 1)} (a checkpoint rewrite); goal < 1 ms; file generated in ${ms(p.generateMs, 0)}`,
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report(rows);
}
