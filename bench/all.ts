/**
 * npm run bench: every benchmark of the project, each in a child process of its own (so its RSS and CPU are its
 * own), one after the other (so they do not compete for the 2 cores), then one table: measure | result | goal/notes.
 * Everything runs on this machine over loopback (127.0.0.1): the simulator stands in for MEXC.
 *
 *   npm run bench            (about 2 minutes, and the ledger's million fills: several more)
 *
 * The benchmarks, each also runnable alone:
 * - bench/startup.ts  start-up to first decision and to every bot's decision in sim mode, RSS, SIGINT shutdown
 * - bench/scan.ts     full-market scan of 2,000 symbols with the real scanner, client and limiter, limits on
 * - bench/order.ts    order round trip overhead: p50/p99 of our time around a loopback POST /order
 * - bench/journal.ts  place() over newOrder and the reopen, with 100 / 1,000 / 10,000 orders in the journal
 * - bench/ledger.ts   the ledger at 10k / 100k / 1M fills: open, full replay, one new fill, RSS
 */
import { spawn } from "node:child_process";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { RESULT_PREFIX, type Row } from "./lib.js";

const BENCHES = [
  { name: "start-up (sim mode)", script: "startup.ts", args: ["--runs", "3"] },
  { name: "full-market scan", script: "scan.ts", args: ["--alts", "2000"] },
  { name: "order round trip", script: "order.ts", args: ["--orders", "300"] },
  { name: "journal growth", script: "journal.ts", args: ["--orders", "200"] },
  { name: "ledger growth", script: "ledger.ts", args: ["--runs", "3"], timeoutMs: 20 * 60_000 },
];
const TIMEOUT_MS = 5 * 60_000;

interface Outcome {
  rows: Row[];
  ok: boolean;
  seconds: number;
}

function run(script: string, args: string[], timeoutMs = TIMEOUT_MS): Promise<Outcome> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const t0 = performance.now();
  // --expose-gc: the benchmarks that measure heap growth collect garbage first.
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path, ...args, "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) {
        resolve({
          rows: (JSON.parse(line.slice(RESULT_PREFIX.length)) as { rows: Row[] }).rows,
          ok: true,
          seconds,
        });
        return;
      }
      const why = signal ? `killed by ${signal}${signal === "SIGKILL" ? " (timeout?)" : ""}` : `exit ${code}`;
      const tail = stdout.trim().split("\n").slice(-3).join(" ⏎ ");
      resolve({
        rows: [{ measure: script, result: "FAILED", notes: `${why}; ${tail}` }],
        ok: false,
        seconds,
      });
    });
  });
}

const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
const machine = [
  `machine: ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory`,
  `         Linux ${release()} ${process.arch}, Node ${process.version}; load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
];
console.log(machine.join("\n"));
console.log(`date: ${new Date().toISOString()}\n`);

const rows: Row[] = [];
let failed = 0;
const tAll = performance.now();
for (const [i, b] of BENCHES.entries()) {
  process.stderr.write(`[${i + 1}/${BENCHES.length}] ${b.name} (bench/${b.script})\n`);
  const out = await run(b.script, b.args, "timeoutMs" in b ? b.timeoutMs : undefined);
  process.stderr.write(`    ${out.ok ? "done" : "FAILED"} in ${out.seconds.toFixed(0)} s\n`);
  rows.push(...out.rows);
  if (!out.ok) failed++;
}

const header: Row = { measure: "measure", result: "result", notes: "goal / notes" };
const w1 = Math.max(...[header, ...rows].map((r) => r.measure.length));
const w2 = Math.max(...[header, ...rows].map((r) => r.result.length));
const line = (r: Row) => `| ${r.measure.padEnd(w1)} | ${r.result.padEnd(w2)} | ${r.notes} |`;
console.log(line(header));
console.log(`| ${"-".repeat(w1)} | ${"-".repeat(w2)} | --- |`);
for (const r of rows) console.log(line(r));
console.log(
  `\nload average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `${BENCHES.length} benchmarks in ${((performance.now() - tAll) / 1000).toFixed(0)} s${failed ? `, ${failed} FAILED` : ""}`,
);
process.exitCode = failed ? 1 : 0;
