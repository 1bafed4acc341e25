/**
 * Start-up in sim mode, as an operator runs it: `npm start` (scripts/start.mjs: the program from dist/) in a fresh
 * data and log folder, no .env, no Telegram. Measures from spawn to the first bot decision on the console (JSON
 * lines, stdout not a TTY) and to the moment every bot has decided, the program's RSS at that moment and the CPU
 * the whole process tree (npm included) had used by then, then SIGINT to the program: the time to exit and the
 * exit code (must be 0). CPU time is the steadier figure on a busy machine.
 *
 * dist/ is brought up to date once before the runs, so they measure an ordinary start, not the first one.
 * `--via node` runs `node scripts/start.mjs` (no npm); `--via tsx` runs the sources as `npm start` did before dist/
 * (`node --import tsx src/main.ts`), for a before/after on the same machine at the same moment.
 *
 * `--node-flags="<flags>"` (with --via node or tsx) passes V8/Node flags to the program's node, e.g.
 * `--max-semi-space-size=4` for what a smaller young generation does to RSS and CPU.
 *
 *   node --import tsx bench/startup.ts [--runs 3] [--via npm|node|tsx] [--node-flags="..."] [--json]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mib, procMemory, progress, quantile, report } from "./lib.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    via: { type: "string", default: "npm" },
    json: { type: "boolean", default: false },
    "node-flags": { type: "string", default: "" },
  },
});
const nodeFlags = args["node-flags"].split(/\s+/).filter(Boolean);
const COMMANDS: Record<string, { file: string; args: string[]; shows: string }> = {
  npm: { file: "npm", args: ["start"], shows: "npm start" },
  node: {
    file: process.execPath,
    args: [...nodeFlags, "scripts/start.mjs"],
    shows: ["node", ...nodeFlags, "scripts/start.mjs"].join(" "),
  },
  tsx: {
    file: process.execPath,
    args: [...nodeFlags, "--import", "tsx", "src/main.ts"],
    shows: ["node", ...nodeFlags, "--import tsx src/main.ts"].join(" "),
  },
};
const chosen = COMMANDS[args.via];
if (!chosen) throw new Error(`--via takes npm, node or tsx, not ${args.via}`);
if (nodeFlags.length > 0 && args.via === "npm") throw new Error("--node-flags needs --via node or --via tsx");
const command = chosen;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BOTS = ["scanner", "buyer", "pnl", "alts", "balancer", "reporter"];
const TIMEOUT_MS = 90_000;

interface Run {
  firstDecisionMs: number;
  firstBot: string;
  allDecidedMs: number;
  lastBot: string;
  rss: number;
  peakRss: number;
  /** CPU (user + system) of the process tree at the first decision and when every bot had decided. */
  firstCpuMs: number;
  allCpuMs: number;
  shutdownMs: number;
  exitCode: number | null;
  signal: string | null;
  /** "stopped cleanly" was logged. */
  clean: boolean;
  /** ms from spawn to each step of the start (MARKS), where it was seen. */
  marks: Record<string, number>;
}

/**
 * The steps of a start, as the console shows them: the first line is the banner (Node is up, the program loaded,
 * the state file open); the pre-flight's first answer (the transport loaded, the simulator listening); its report;
 * the trading core (journal reconciled, fills synced); the loss limit's baseline (valuation); the bots scheduled.
 */
const MARKS: [string, (line: string) => boolean][] = [
  ["banner", (l) => l.startsWith("=")],
  ["first answer", (l) => l.includes('"msg":"pre-flight server')],
  ["pre-flight done", (l) => l.startsWith("Pre-flight checks")],
  ["trading core", (l) => l.includes('"msg":"trading core ready"')],
  ["loss baseline", (l) => l.includes('"msg":"daily loss limit')],
  ["bots started", (l) => l.includes('"msg":"bots started"')],
  ["first decision", (l) => l.includes('"msg":"decision"')],
];

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bench-startup-"));
  // As test/support/spawn.ts isolatedEnv: its own data and log folders, and no developer .env (so no Telegram).
  const env = {
    PATH: process.env.PATH ?? "",
    ENV_FILE: join(dir, "no.env"),
    DATA_DIR: join(dir, "data"),
    LOG_DIR: join(dir, "logs"),
    MODE: "sim",
  };
  const t0 = performance.now();
  // A process group of its own, so that a timeout can kill npm, sh and the program at once.
  const child = spawn(command.file, command.args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let expected = BOTS;
  const decided = new Set<string>();
  let first: { ms: number; bot: string; cpu: number } | undefined;
  let all: { ms: number; bot: string; rss: number; peak: number; cpu: number } | undefined;
  const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), TIMEOUT_MS);
  const marks: Record<string, number> = {};
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const at = performance.now() - t0;
      for (const [name, seen] of MARKS) if (marks[name] === undefined && seen(line)) marks[name] = at;
      if (!line.startsWith("{")) continue;
      let rec: { msg?: string; bot?: string; bots?: string[] };
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      // The suite's own list of bots, logged once they are scheduled.
      if (rec.msg?.startsWith("started;") && Array.isArray(rec.bots) && rec.bots.length > 0)
        expected = rec.bots;
      if (rec.msg !== "decision" || !rec.bot) continue;
      first ??= { ms: at, bot: rec.bot, cpu: treeCpuMs(child.pid!) };
      decided.add(rec.bot);
      if (expected.every((b) => decided.has(b))) {
        const mem = procMemory(programPid(child.pid!)) ?? { rss: Number.NaN, peak: Number.NaN };
        all = { ms: at, bot: rec.bot, rss: mem.rss, peak: mem.peak, cpu: treeCpuMs(child.pid!) };
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (!first || !all) {
    killGroup(child.pid!, "SIGKILL");
    throw new Error(
      `not every bot decided within ${TIMEOUT_MS / 1000} s (decided: ${[...decided].join(", ") || "none"})\n${stderr}`,
    );
  }
  // Keep reading stdout so the child never blocks on a full pipe while it shuts down, and check how it ended.
  let after = "";
  child.stdout.on("data", (c: Buffer) => (after += c.toString()));
  const tStop = performance.now();
  // SIGINT to the program itself (as `kill -INT` or a supervisor sends it): npm then exits with the program's code.
  // Ctrl-C in a terminal signals npm as well, which then reports the signal instead of the program's exit code.
  process.kill(programPid(child.pid!), "SIGINT");
  const killer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), 60_000);
  const { code, signal } = await exited;
  clearTimeout(killer);
  const shutdownMs = performance.now() - tStop;
  const clean = after.includes('"msg":"stopped cleanly"');
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) progress(`main exited ${code ?? signal}: ${stderr.slice(-500)}`);
  return {
    firstDecisionMs: first.ms,
    firstBot: first.bot,
    allDecidedMs: all.ms,
    lastBot: all.bot,
    rss: all.rss,
    peakRss: all.peak,
    firstCpuMs: first.cpu,
    allCpuMs: all.cpu,
    shutdownMs,
    exitCode: code,
    signal,
    clean,
    marks,
  };
}

/** `pid` and every process below it, from /proc (npm → sh → node). */
function tree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const c of children ? children.split(/\s+/) : []) out.push(...tree(Number(c)));
    }
  } catch {}
  return out;
}

/** The program's own process: the node below npm and sh that runs it (sh's command line names the script too). */
function programPid(pid: number): number {
  const runs = (p: number) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
      return /node$/.test(argv[0] ?? "") && argv.some((a) => /start\.mjs$|main\.ts$/.test(a));
    } catch {
      return false;
    }
  };
  return tree(pid).find(runs) ?? pid;
}

/** CPU time (user + system) the tree has used so far, in ms; /proc/<pid>/stat counts in clock ticks of 10 ms. */
function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {}
}

// dist/ up to date before the first run: the runs measure an ordinary start, not the first one after a change.
if (args.via !== "tsx") {
  const prep = spawnSync(process.execPath, ["scripts/start.mjs", "--prepare-only"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (prep.status !== 0) throw new Error(`could not prepare dist/: ${prep.stderr}`);
}

const runs: Run[] = [];
const n = Math.max(1, Number(args.runs));
for (let i = 0; i < n; i++) {
  const r = await once();
  progress(
    `start-up run ${i + 1}/${n} (${command.shows}): first decision ${(r.firstDecisionMs / 1000).toFixed(2)} s, CPU ${(r.firstCpuMs / 1000).toFixed(2)} s (${r.firstBot}), all ${(r.allDecidedMs / 1000).toFixed(2)} s (last: ${r.lastBot}), RSS ${mib(r.rss)}, shutdown ${(r.shutdownMs / 1000).toFixed(2)} s, exit ${r.exitCode ?? r.signal}`,
  );
  runs.push(r);
}

const sec = (v: number) => `${(v / 1000).toFixed(2)} s`;
/** Median, with the range when there is more than one run. */
const spread = (pick: (r: Run) => number, fmt: (v: number) => string) => {
  const v = runs.map(pick);
  const med = fmt(quantile(v, 0.5));
  return v.length > 1 ? `${med} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})` : med;
};
const median = (pick: (r: Run) => number) => quantile(runs.map(pick), 0.5);
const exits = runs.map((r) => r.exitCode ?? r.signal);
const allZero = runs.every((r) => r.exitCode === 0);
const allClean = runs.every((r) => r.clean);
const of = `median of ${runs.length} run${runs.length > 1 ? "s" : ""} (range)`;
const firstBots = [...new Set(runs.map((r) => r.firstBot))].join("/");
const lastBots = [...new Set(runs.map((r) => r.lastBot))].join("/");

const timeline = MARKS.map(([name]) => {
  const seen = runs.map((r) => r.marks[name]).filter((v): v is number => v !== undefined);
  return seen.length > 0 ? `${name} ${sec(quantile(seen, 0.5))}` : `${name} –`;
}).join(" → ");

report([
  {
    measure: "start-up timeline (medians, from spawn)",
    result: timeline,
    notes:
      "banner: Node up, program loaded, state open; first answer: pre-flight's GET /api/v3/time (the transport loads here)",
  },
  {
    measure: "start-up: spawn → first bot decision (sim)",
    result: spread((r) => r.firstDecisionMs, sec),
    notes: `${of}; \`${command.shows}\`; first to decide: ${firstBots}; includes Node's start and the in-process simulator (300 alts); goal < 1 s`,
  },
  {
    measure: "start-up: CPU used by the first decision",
    result: spread((r) => r.firstCpuMs, sec),
    notes: `${of}; user + system of the process tree (npm, sh, node): the figure a busy machine disturbs least`,
  },
  {
    measure: "start-up: CPU used when every bot has decided",
    result: spread((r) => r.allCpuMs, sec),
    notes: of,
  },
  {
    measure: "start-up: spawn → every bot decided",
    result: spread((r) => r.allDecidedMs, sec),
    notes: `goal < 60 s (issue 8: "within a minute"): ${median((r) => r.allDecidedMs) < 60_000 ? "met" : "NOT MET"}; last: ${lastBots}`,
  },
  {
    measure: "RSS when every bot has decided",
    result: spread((r) => r.rss, mib),
    notes: `goal < 130 MiB; VmRSS of the program's process (simulator inside it), npm not counted; peak VmHWM ${spread((r) => r.peakRss, mib)}`,
  },
  {
    measure: "shutdown: SIGINT → exit",
    result: spread((r) => r.shutdownMs, sec),
    notes: `goal: exit 0 after a clean stop; exit code ${[...new Set(exits)].join(", ")}, "stopped cleanly" logged in ${runs.filter((r) => r.clean).length} of ${runs.length}: ${allZero && allClean ? "met" : "NOT MET"}`,
  },
]);
