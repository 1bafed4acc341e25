import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualClock } from "../clock.js";
import type { Config } from "../config-schema.js";
import { SIM_API_KEY, SIM_API_SECRET } from "../connect.js";
import { computePnl } from "../portfolio/queries.js";
import { Simulator } from "../sim/index.js";
import { type InProcessSuite, startInProcessSuite } from "../soak/harness.js";
import { soakLogs } from "../soak/logs.js";
import { wholeJournal } from "../soak/run.js";
import { newWireStats, Timeouts } from "../soak/transport.js";
import { recordBots, recordFills, sampleAccount } from "./collect.js";
import { checkMarket, marketOptions } from "./market.js";
import { recordingSink } from "./messages.js";
import { intervalMs } from "./options.js";
import { CandleGrid, type Pace, pacedConfig, type ReplayPace } from "./pace.js";
import type { ReplayRecord, ReplaySample } from "./record.js";
import { type WrittenReport, writeReportFiles } from "./report-files.js";

const HOUR = 3_600_000;

export interface ReplayRunOptions {
  fromMs: number;
  toMs: number;
  interval: string;
  config: Config;
  /** The `--set` overrides the config was built with, kept in the record. */
  overrides: Readonly<Record<string, string>>;
  /** The simulator account's balances at the start; the config's `sim.startingBalances` when absent. */
  startBalances?: Readonly<Record<string, string>>;
  /** Folder of history files; the synthetic market when absent. */
  history?: string;
  /** The synthetic market's seed. */
  seed?: number;
  /** Where record.json (and the report) go; created if missing. */
  outDir: string;
  /** How often the bots decide (pace.ts): once a candle by default, or each at its own period ("bot"). */
  pace?: Pace;
  /**
   * Virtual time per step (ms). A step never jumps over a bot: the clock wakes every sleeper due within it at its own
   * instant. By default the pace's: a candle, or 60 s (the bots' shortest period) at the bot pace.
   */
  stepMs?: number;
  /** Called with each request the suite sends the simulator (a bench counts them by route). */
  onRequest?: (method: string, path: string) => void;
  /** Called after each step with the virtual now (progress). */
  onStep?: (nowMs: number) => void;
  /** Called with the report once its folder is written (the CLI prints its one screen). */
  onReport?: (written: WrittenReport) => void;
}

/**
 * The whole suite (the same bots, client, order manager, treasury, ledger and guards main.ts composes in sim mode)
 * on a virtual clock from `fromMs` to `toMs` against the in-process simulator, without faults; the account sampled
 * every hour; at the end the fills, per-bot PnL and messages in a ReplayRecord, written as `record.json`, and the
 * report beside it (report.json, report.md, trades.csv, messages.txt, chart.png).
 */
export async function runReplay(o: ReplayRunOptions): Promise<ReplayRecord> {
  mkdirSync(o.outDir, { recursive: true });
  // The suite's own files (state, journal, fills: fsynced on every change) go to a fresh folder on tmpfs, never data/.
  const work = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "mpb-replay-"));
  try {
    const paced = pacedConfig(o.config, intervalMs(o.interval), o.pace ?? "candle");
    const config = paced.config;
    const stepMs = o.stepMs ?? paced.timers.stepMs;
    const pace = { ...paced.pace, stepSec: stepMs / 1000 };
    const startBalances = o.startBalances ?? balancesOf(config);
    const clock = new VirtualClock(o.fromMs);
    const wire = newWireStats();
    const timeouts = new Timeouts(clock, config.exchange.timeoutMs, () => {
      wire.timedOut++;
    });
    const market = { history: o.history, interval: o.interval };
    const sim = new Simulator({
      clock: timeouts.forSimulator(),
      seed: o.seed ?? 42,
      generatedAlts: config.sim.generatedAlts,
      feeAsset: config.sim.feeAsset,
      accounts: [{ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, balances: { ...startBalances } }],
      ...marketOptions(market),
    });
    checkMarket(sim, market, o.fromMs, o.toMs);
    if (o.onRequest) countRequests(sim, o.onRequest);
    // Warnings only: a replay reads none of the info lines, and making a year of them (every decision, every held
    // report's text) cost pino and the line counter 3 % of the CPU.
    const { logs } = soakLogs(join(work, "warn.log"), "warn");
    const { sink, messages } = recordingSink(clock);
    const run = await startInProcessSuite({
      clock,
      config: config,
      sim,
      timeouts,
      wire,
      logs,
      dir: work,
      sink,
      gateTickMs: paced.timers.gateTickMs,
      watchEveryMs: paced.timers.watchEveryMs,
      timeSyncMs: paced.timers.timeSyncMs,
      followEveryMs: paced.timers.followEveryMs,
    });
    const samples = await drive(run, sim, clock, { ...o, stepMs, grid: pace });
    const record = await finish(run, sim, { o, samples, messages, startBalances, pace });
    writeFileSync(join(o.outDir, "record.json"), `${JSON.stringify(record, null, 1)}\n`);
    // Written whether anyone listens or not (an optional call would skip its argument).
    const written = await writeReportFiles(record, o.outDir);
    o.onReport?.(written);
    return record;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function countRequests(sim: Simulator, on: (method: string, path: string) => void): void {
  const handle = sim.handle.bind(sim);
  sim.handle = (req) => {
    on(req.method, req.path);
    return handle(req);
  };
}

function balancesOf(config: Config): Record<string, string> {
  return Object.fromEntries(Object.entries(config.sim.startingBalances).map(([a, d]) => [a, d.toFixed()]));
}

/** Starts the bots and moves time to `toMs`, a sample at the start, at every hour and at the end. */
async function drive(
  run: InProcessSuite,
  sim: Simulator,
  clock: VirtualClock,
  o: ReplayRunOptions & { stepMs: number; grid: ReplayPace },
): Promise<ReplaySample[]> {
  const { suite, driver } = run;
  const { stepMs } = o;
  const samples: ReplaySample[] = [sampleAccount(sim, SIM_API_KEY, clock.now())];
  const grid = new CandleGrid(suite.runtime, o.fromMs, o.grid);
  suite.start();
  await driver.settle();
  let nextSample = (Math.floor(o.fromMs / HOUR) + 1) * HOUR;
  while (clock.now() < o.toMs) {
    await driver.step(Math.min(stepMs, o.toMs - clock.now()));
    if (grid.atStep(clock.now())) await driver.settle();
    if (clock.now() >= nextSample || clock.now() >= o.toMs) {
      samples.push(sampleAccount(sim, SIM_API_KEY, clock.now()));
      nextSample += HOUR * Math.max(1, Math.ceil((clock.now() - nextSample + 1) / HOUR));
    }
    o.onStep?.(clock.now());
  }
  return samples;
}

/**
 * The bots stop at `toMs` (a run in progress is not waited for: its time is over); then a last ledger sync of
 * every symbol traded, so every fill the exchange made is in the record; then the suite closes.
 */
async function finish(
  run: InProcessSuite,
  sim: Simulator,
  a: {
    o: ReplayRunOptions;
    samples: ReplaySample[];
    messages: ReplayRecord["messages"];
    startBalances: Readonly<Record<string, string>>;
    pace: ReplayPace;
  },
): Promise<ReplayRecord> {
  const { suite, driver, client } = run;
  const { ledger, orders } = suite.trading;
  await driver.during(suite.runtime.stop({ graceMs: 0 }));
  const symbols = new Set([...ledger.tradedSymbols, ...orders.entries().map((e) => e.intent.symbol)]);
  await driver.during(ledger.syncAll(symbols));
  const pnl = await driver.during(computePnl(client, ledger, sim.clock.now()));
  const basis = ledger.costBasis();
  const journal = wholeJournal(join(run.dataDir, "journal-archive.jsonl"), orders.entries());
  const fills = recordFills(ledger.fillsSince(0), a.samples);
  const bots = recordBots(journal, fills, basis.byBot, pnl, a.samples);
  await run.close();
  return {
    fromMs: a.o.fromMs,
    toMs: a.o.toMs,
    interval: a.o.interval,
    startBalances: { ...a.startBalances },
    samples: a.samples,
    fills,
    bots,
    messages: [...a.messages],
    overrides: { ...a.o.overrides },
    pace: a.pace,
  };
}
