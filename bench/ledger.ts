// npm run bench:ledger — the ledger's cost as its history grows: fills.jsonl of 10k / 100k / 1M generated fills
// (bench/ledger-fills.ts writes them straight to disk). For each size, in processes of their own:
// - first start: open fills.jsonl with no checkpoint (read, validate, replay, write the checkpoint);
// - full replay of the cost basis (`npm run pnl -- --replay` does this), median of --runs;
// - one new fill into the kept cost basis (apply + snapshot; the fsync'd append to fills.jsonl is not counted),
//   median and worst of 50 (every 64th also rewrites the checkpoint);
// - open with the checkpoint (a routine start), time and RSS, median of --runs fresh processes.
// Prints a table; asserts nothing. With --json it prints the rows of `npm run bench` (bench/all.ts).
//
//   node --import tsx bench/ledger.ts [--sizes 10000,100000,1000000] [--runs 3] [--json]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Fill, fillToJson, parseFillJson } from "../src/portfolio/fill.js";
import { openFillsDigest } from "../src/portfolio/fills-digest.js";
import { KeptCostBasis, readCheckpointBook, replay } from "../src/portfolio/kept-cost-basis.js";
import { JsonLinesFile } from "../src/store/index.js";
import { fillLine, writeFills } from "./ledger-fills.js";
import { mib, ms, progress, quantile, report } from "./lib.js";

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
  newFillMs: number[];
}
interface Opened {
  openMs: number;
  rss: number;
  origin: string;
}

function prepare(n: number, path: string): Prepared {
  let t = performance.now();
  writeFills(path, n);
  const generateMs = performance.now() - t;
  t = performance.now();
  const file = JsonLinesFile.open<Fill>(path, parseFillJson);
  const kept = new KeptCostBasis(file);
  kept.snapshot();
  const firstOpenMs = performance.now() - t;
  const replayMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    t = performance.now();
    replay(file.items).snapshot();
    replayMs.push(performance.now() - t);
  }
  const newFillMs: number[] = [];
  for (let k = 0; k < NEW_FILLS; k++) {
    const f = parseFillJson(JSON.parse(fillLine(n + k)));
    file.append([f], fillToJson);
    t = performance.now();
    kept.added([f]);
    kept.snapshot();
    newFillMs.push(performance.now() - t);
  }
  kept.save();
  return { generateMs, firstOpenMs, replayMs, newFillMs };
}

function open(_n: number, path: string): Opened {
  const t = performance.now();
  const file = JsonLinesFile.open<Fill>(path, parseFillJson);
  const kept = new KeptCostBasis(file);
  kept.snapshot();
  const openMs = performance.now() - t;
  return { openMs, rss: process.memoryUsage().rss, origin: kept.origin };
}

/** What a lean ledger would do at a start (not wired yet): validate every line, keep a digest, resume the book. */
function openLean(_n: number, path: string): Opened {
  const t = performance.now();
  const digest = openFillsDigest(path);
  const book = readCheckpointBook(digest.file);
  const openMs = performance.now() - t;
  return {
    openMs,
    rss: process.memoryUsage().rss,
    origin: book ? `${digest.ids.size} ids kept` : "no checkpoint",
  };
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
  const phase = args.phase === "prepare" ? prepare : args.phase === "lean" ? openLean : open;
  console.log(JSON.stringify(phase(n, path)));
} else {
  const rows: { measure: string; result: string; notes: string }[] = [];
  for (const n of args.sizes.split(",").map(Number)) {
    const dir = mkdtempSync(join(tmpdir(), "bench-ledger-"));
    try {
      progress(`${n} fills: generate, first start, full replay, new fills`);
      const p = child<Prepared>(n, "prepare", dir);
      const opens: Opened[] = [];
      const leans: Opened[] = [];
      for (let r = 0; r < RUNS; r++) {
        progress(`${n} fills: open with the checkpoint, run ${r + 1}/${RUNS}`);
        opens.push(child<Opened>(n, "open", dir));
        leans.push(child<Opened>(n, "lean", dir));
      }
      const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
      const med = (xs: number[]) => quantile(xs, 0.5);
      rows.push(
        {
          measure: `fills ${label}: open (checkpoint) / RSS`,
          result: `${ms(med(opens.map((o) => o.openMs)), 0)} / ${mib(med(opens.map((o) => o.rss)))}`,
          notes: `median of ${RUNS} fresh processes; ${opens[0]?.origin}; goal at 1M < 4 s / < 250 MiB`,
        },
        {
          measure: `fills ${label}: lean open (digest) / RSS`,
          result: `${ms(med(leans.map((o) => o.openMs)), 0)} / ${mib(med(leans.map((o) => o.rss)))}`,
          notes: `median of ${RUNS}; every line validated, only ids, pairs, manual and the last 1000 fills kept, book from the checkpoint (${leans[0]?.origin}); not wired into the Ledger yet`,
        },
        {
          measure: `fills ${label}: full replay`,
          result: ms(med(p.replayMs), 0),
          notes: `median of ${RUNS}; goal at 100k < 150 ms; first start without a checkpoint ${ms(p.firstOpenMs, 0)} (open + replay + checkpoint)`,
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
