/**
 * Start-up in sim mode, as an operator runs it: `node --import tsx src/main.ts` in a fresh data and log folder, no
 * .env, no Telegram. Measures from spawn to the first bot decision on the console (JSON lines, stdout not a TTY)
 * and to the moment every bot has decided, the process's RSS at that moment, then SIGINT: the time to exit and the
 * exit code (must be 0).
 *
 *   node --import tsx bench/startup.ts [--runs 3] [--json]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mib, procMemory, progress, quantile, report } from "./lib.js";

const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "boolean", default: false } },
});
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
  shutdownMs: number;
  exitCode: number | null;
  signal: string | null;
  /** "stopped cleanly" was logged. */
  clean: boolean;
}

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
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let expected = BOTS;
  const decided = new Set<string>();
  let first: { ms: number; bot: string } | undefined;
  let all: { ms: number; bot: string; rss: number; peak: number } | undefined;
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const at = performance.now() - t0;
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
      first ??= { ms: at, bot: rec.bot };
      decided.add(rec.bot);
      if (expected.every((b) => decided.has(b))) {
        const mem = procMemory(child.pid!) ?? { rss: Number.NaN, peak: Number.NaN };
        all = { ms: at, bot: rec.bot, rss: mem.rss, peak: mem.peak };
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (!first || !all) {
    child.kill("SIGKILL");
    throw new Error(
      `not every bot decided within ${TIMEOUT_MS / 1000} s (decided: ${[...decided].join(", ") || "none"})\n${stderr}`,
    );
  }
  // Keep reading stdout so the child never blocks on a full pipe while it shuts down, and check how it ended.
  let after = "";
  child.stdout.on("data", (c: Buffer) => (after += c.toString()));
  const tStop = performance.now();
  child.kill("SIGINT");
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
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
    shutdownMs,
    exitCode: code,
    signal,
    clean,
  };
}

const runs: Run[] = [];
const n = Math.max(1, Number(args.runs));
for (let i = 0; i < n; i++) {
  const r = await once();
  progress(
    `start-up run ${i + 1}/${n}: first decision ${(r.firstDecisionMs / 1000).toFixed(2)} s (${r.firstBot}), all ${(r.allDecidedMs / 1000).toFixed(2)} s (last: ${r.lastBot}), RSS ${mib(r.rss)}, shutdown ${(r.shutdownMs / 1000).toFixed(2)} s, exit ${r.exitCode ?? r.signal}`,
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

report([
  {
    measure: "start-up: spawn → first bot decision (sim)",
    result: spread((r) => r.firstDecisionMs, sec),
    notes: `${of}; first to decide: ${firstBots}; includes Node + tsx start and the in-process simulator (300 alts)`,
  },
  {
    measure: "start-up: spawn → every bot decided",
    result: spread((r) => r.allDecidedMs, sec),
    notes: `goal < 60 s (issue 8: "within a minute"): ${median((r) => r.allDecidedMs) < 60_000 ? "met" : "NOT MET"}; last: ${lastBots}`,
  },
  {
    measure: "RSS when every bot has decided",
    result: spread((r) => r.rss, mib),
    notes: `VmRSS of the main process (simulator inside it); peak VmHWM ${spread((r) => r.peakRss, mib)}`,
  },
  {
    measure: "shutdown: SIGINT → exit",
    result: spread((r) => r.shutdownMs, sec),
    notes: `goal: exit 0 after a clean stop; exit code ${[...new Set(exits)].join(", ")}, "stopped cleanly" logged in ${runs.filter((r) => r.clean).length} of ${runs.length}: ${allZero && allClean ? "met" : "NOT MET"}`,
  },
]);
