import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hash2 } from "../sim/rng.js";
import { JournalLog } from "../store/journal-log.js";
import { journalLogOptions, journalPathOf } from "../trading/order-journal.js";
import { IN_DOUBT_STATES } from "../trading/order-state.js";
import { type AuditResult, audit, type ChaosFigures } from "./audit.js";
import { readExchangeBooks, readLocalBooks } from "./books.js";
import { chaosCaps, userConfig } from "./config.js";
import type { ChaosOptions } from "./options.js";
import { type Child, sleep, startSimulator, startSuite, waitFor } from "./processes.js";

export interface ChaosResult {
  dir: string;
  figures: ChaosFigures;
  counts: AuditResult["counts"];
  findings: string[];
  /** Each killed run: when it was killed (ms after spawn) and how far it had got. */
  runs: { lifeMs: number; stage: "starting" | "running" }[];
  seconds: number;
}

/**
 * Kills the suite (live mode, against the standalone simulator) at seeded random moments, restarts it on the same
 * data, then lets one last run settle and stop cleanly, and audits the exchange against the journal and the ledger.
 */
export async function runChaos(
  opts: ChaosOptions,
  onCycle?: (i: number, n: number) => void,
): Promise<ChaosResult> {
  const t0 = Date.now();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "mpb-chaos-"));
  mkdirSync(dir, { recursive: true });
  const sim = await startSimulator(dir, opts.seed);
  const startedAt = Date.now() - 60_000;
  const runs: ChaosResult["runs"] = [];
  const findings: string[] = [];
  let unexpectedExits = 0;
  try {
    for (let i = 0; i < opts.cycles; i++) {
      onCycle?.(i + 1, opts.cycles);
      const lifeMs = opts.minLifeMs + unit(opts.seed, i) * (opts.maxLifeMs - opts.minLifeMs);
      const suite = startSuite(dir, sim.url, i);
      await sleep(lifeMs);
      if (suite.exitedAlready()) {
        const { code, signal } = await suite.exited;
        unexpectedExits++;
        findings.push(
          `run ${i} ended by itself (code ${code}, signal ${signal}):\n${suite.tail().slice(-1500)}`,
        );
        continue;
      }
      runs.push({
        lifeMs: Math.round(lifeMs),
        stage: suite.tail().includes("started; stop with") ? "running" : "starting",
      });
      suite.child.kill("SIGKILL");
      await suite.exited;
    }
    const final = startSuite(dir, sim.url, opts.cycles);
    const stopped = await settleAndStop(final, dir, opts);
    if (stopped !== undefined) {
      unexpectedExits++;
      findings.push(stopped);
    }
    const result = audit(
      readLocalBooks(join(dir, "data", "live")),
      await readExchangeBooks(sim.url, startedAt),
      chaosCaps,
    );
    return {
      dir,
      figures: { ...result.figures, unexpectedExits },
      counts: result.counts,
      findings: [...findings, ...result.findings],
      runs,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    sim.child.kill("SIGTERM");
    await sim.exited;
  }
}

/** A seeded number in [0, 1) for cycle i. */
function unit(seed: number, i: number): number {
  return hash2(seed, i) / 2 ** 32;
}

/**
 * The last run: up until every entry is resolved (no PENDING or UNKNOWN left) and at least `settleMs` has passed,
 * then SIGTERM, which must end it with exit 0 within the grace time. Returns what went wrong, if anything.
 */
async function settleAndStop(final: Child, dir: string, opts: ChaosOptions): Promise<string | undefined> {
  try {
    await waitFor(final, /started; stop with/, 60_000);
  } catch (e) {
    return `the final run did not start: ${(e as Error).message}`;
  }
  const t = Date.now();
  while (Date.now() - t < opts.settleMaxMs) {
    if (Date.now() - t >= opts.settleMs && unresolvedIn(join(dir, "data", "live", "state.json")) === 0) break;
    await sleep(500);
  }
  final.child.kill("SIGTERM");
  const grace = userConfig.shutdown.graceSec * 1000 + 5_000;
  const ended = await Promise.race([final.exited, sleep(grace).then(() => undefined)]);
  if (!ended) {
    final.child.kill("SIGKILL");
    return `the final run did not stop within ${grace} ms of SIGTERM`;
  }
  if (ended.code !== 0) return `the final run stopped with code ${ended.code} (signal ${ended.signal})`;
  return undefined;
}

function unresolvedIn(statePath: string): number {
  try {
    const journal = JournalLog.read(journalLogOptions(journalPathOf(statePath)));
    return [...journal.values()].filter((e) => IN_DOUBT_STATES.has(e.state)).length;
  } catch {
    return -1; // a line being written: look again
  }
}
