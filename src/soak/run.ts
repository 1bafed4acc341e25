import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MexcClient } from "../api/index.js";
import { SIM_API_KEY } from "../connect.js";
import { D } from "../decimal.js";
import type { Fill } from "../portfolio/fill.js";
import type { RandomFaultKind } from "../sim/index.js";
import type { JournalEntry } from "../store/journal-schema.js";
import { JournalArchive } from "../trading/journal-archive.js";
import {
  type DuplicateFigures,
  duplicates,
  exchangeBooks,
  exchangeValue,
  finalStateMismatches,
  type JournalFigures,
  journalFigures,
  ledgerMismatch,
} from "./audit.js";
import type { FloorViolation } from "./floors.js";
import { type Harness, startHarness } from "./harness.js";
import type { LogCounts } from "./logs.js";
import { defaultOptions, type SoakOptions } from "./options.js";
import { CORE_SYMBOLS, makeSchedule } from "./schedule.js";
import type { WireStats } from "./transport.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A Monday at midnight UTC: the week starts with a fresh daily loss window. */
const START = Date.UTC(2026, 10, 16);
/** After the faults stop: time for unknown orders to resolve and resting ones to fill or time out. */
const CALM_MS = 30 * MIN;

export interface SoakResult {
  options: { days: number; faultRate: number; seed: number; kinds: RandomFaultKind[] };
  dir: string;
  orders: JournalFigures;
  duplicates: DuplicateFigures;
  /** Journal entries in a final state the exchange contradicts. */
  journalVsExchange: { count: number; examples: string[] };
  floors: { violations: FloorViolation[]; samples: number; purchases: number; lowestUsdc: string };
  ledger: {
    fills: number;
    trades: number;
    missing: number;
    extra: number;
    different: number;
    total: number;
    examples: string[];
  };
  /** "bot scheduler crashed" lines + unhandled rejections + uncaught exceptions (+ any other fatal line). */
  crashes: {
    total: number;
    schedulerCrashes: number;
    unhandled: number;
    otherFatal: number;
    examples: string[];
  };
  logs: LogCounts;
  /** Random faults by kind (dice rolls: accept503/acceptDrop act on accepted POST /order only) and timed ones. */
  faults: { injected: Record<string, number>; timed: Record<string, number> };
  wire: WireStats & { count429: number; count418: number; simCount429: number; simCount418: number };
  pnl: {
    startValueUsdt: string;
    endValueUsdt: string;
    changeUsdt: string;
    realizedUsd: string;
    /** Realized PnL per bot as the ledger books it (through the journal: MEXC's myTrades names no client id). */
    realizedByBotUsd: Record<string, string>;
    feesUsd: string;
  };
  messages: number;
  /** Messages delivered by level, and the reports held for the daily report (the notifier's counts). */
  messagesByLevel: Record<string, number>;
  /** cpuMs: user + system CPU of the process (real time depends on what else the machine runs). */
  time: { realMs: number; cpuMs: number; simulatedMs: number; steps: number; settleTurns: number };
  /** The busiest endpoints, by requests the simulator received. */
  busiest: [string, number][];
  /** The figures that must be zero, by name: the run fails when any is not. */
  mustBeZero: Record<string, number>;
}

/**
 * The whole suite (every bot, the runtime, treasury, order manager, ledger, notifier, daily loss guard) on a
 * virtual clock against the in-process simulator, with random faults and market regimes, then an audit of the
 * journal, the ledger and the balances against the simulator's own books.
 */
export async function runSoak(opts: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const o: SoakOptions = { ...defaultOptions, ...opts };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const dir = o.dir ?? mkdtempSync(join(fastTmp(), "mpb-soak-"));
  const unhandled: string[] = [];
  const onUnhandled = (err: unknown) =>
    unhandled.push(String(err instanceof Error ? err.stack : err).slice(0, 600));
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  try {
    const h = await startHarness({ seed: o.seed, start: START, dir, realVariants: o.realVariants ?? false });
    const startValue = exchangeValue(h.sim, SIM_API_KEY);
    const { steps, timed } = await week(h, o);
    await calmEnd(h);
    const result = await audit(h, { o, dir, t0, steps, timed, startValue, unhandled });
    await h.close();
    result.time.realMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    result.time.cpuMs = (cpu.user + cpu.system) / 1000;
    return result;
  } finally {
    // Only ours: a failure of the soak itself must reach the caller, not be counted and swallowed.
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
  }
}

/** The simulated days: regimes registered ahead, random faults on, timed faults applied as their time comes. */
async function week(h: Harness, o: SoakOptions): Promise<{ steps: number; timed: Record<string, number> }> {
  const { clock, sim, driver } = h;
  const alts = await busyAlts(h.client, h.config.balancer5050.altBasket);
  const schedule = makeSchedule({ seed: o.seed, startMs: START, days: o.days, alts });
  for (const r of schedule.regimes) sim.market.regime(r.symbol, r);
  // "slow" answers come after twice the client's timeout: they are timeouts, with the request processed anyway.
  sim.faults.randomFaults({
    rate: o.faultRate,
    kinds: o.kinds,
    seed: o.seed,
    slowMs: 2 * h.config.exchange.timeoutMs,
  });

  const timed: Record<string, number> = {};
  const end = START + o.days * DAY;
  const totalHours = Math.ceil((end - START) / HOUR);
  let steps = 0;
  let next = 0;
  let hour = 0;
  h.suite.start();
  await driver.settle();
  while (clock.now() < end) {
    for (let f = schedule.faults[next]; f && f.at <= clock.now(); f = schedule.faults[++next]) {
      f.apply(sim);
      timed[f.label] = (timed[f.label] ?? 0) + 1;
    }
    await driver.step(Math.min(o.stepMs, end - clock.now()));
    steps++;
    h.floorWatch.check();
    const now = Math.floor((clock.now() - START) / HOUR);
    if (now > hour) {
      hour = now;
      o.onHour?.(hour, totalHours);
    }
  }
  return { steps, timed };
}

/**
 * No more faults (the skew stays: the exchange's clock never runs back); the bots stop; the order manager resolves
 * what is unknown and follows resting orders to their timeouts; then a final ledger sync of every symbol traded,
 * repeated until the exchange has no trade the sync did not see.
 */
async function calmEnd(h: Harness): Promise<void> {
  const { sim, driver, suite } = h;
  sim.faults.randomFaults({ rate: 0, kinds: [] });
  await driver.during(suite.runtime.stop({ graceMs: 60_000 }));
  await driver.run(CALM_MS);
  h.floorWatch.check();
  const { trades } = exchangeBooks(sim, SIM_API_KEY);
  const { ledger, orders } = suite.trading;
  for (let round = 0; round < 3; round++) {
    await sim.market.tick();
    const before = trades.length;
    const symbols = new Set([
      ...trades.map((t) => t.symbol),
      ...ledger.tradedSymbols,
      ...orders.entries().map((e) => e.intent.symbol),
      ...CORE_SYMBOLS,
    ]);
    await driver.during(ledger.syncAll(symbols));
    await sim.market.tick();
    if (trades.length === before) break;
  }
}

async function audit(
  h: Harness,
  a: {
    o: SoakOptions;
    dir: string;
    t0: number;
    steps: number;
    timed: Record<string, number>;
    startValue: D;
    unhandled: string[];
  },
): Promise<SoakResult> {
  const { sim, suite, floorWatch, logCounts: counts, wire, clock } = h;
  const books = exchangeBooks(sim, SIM_API_KEY);
  const journal = wholeJournal(join(h.dataDir, "journal-archive.jsonl"), suite.trading.orders.entries());
  const exchangeIds = new Set(books.orders.map((x) => x.clientOrderId ?? ""));
  const dups = duplicates(sim, books.orders, journal);
  const vsExchange = finalStateMismatches(journal, books.orders);
  // The soak's ledger is small: its fills streamed into one list for the comparison.
  const fills: Fill[] = [];
  suite.trading.ledger.forEachFill((f) => fills.push(f));
  const ledgerCheck = ledgerMismatch(fills, books.trades);
  const basis = suite.trading.ledger.costBasis();
  const endValue = exchangeValue(sim, SIM_API_KEY);
  const crashes = {
    schedulerCrashes: counts.schedulerCrashes,
    unhandled: a.unhandled.length,
    otherFatal: counts.otherFatal,
    total: counts.schedulerCrashes + a.unhandled.length + counts.otherFatal,
    examples: [...a.unhandled, ...counts.samples.filter((l) => l.includes('"level":60'))].slice(0, 10),
  };
  return {
    options: { days: a.o.days, faultRate: a.o.faultRate, seed: a.o.seed, kinds: a.o.kinds },
    dir: a.dir,
    orders: journalFigures(journal, exchangeIds),
    duplicates: dups,
    journalVsExchange: vsExchange,
    floors: {
      violations: floorWatch.violations,
      samples: floorWatch.samples,
      purchases: floorWatch.purchases,
      lowestUsdc: (floorWatch.lowest ?? new D(0)).toFixed(),
    },
    ledger: { fills: suite.trading.ledger.fillCount, trades: books.trades.length, ...ledgerCheck },
    crashes,
    logs: counts,
    faults: { injected: h.injected, timed: a.timed },
    wire: wireFigures(wire, sim),
    pnl: pnlFigures(a.startValue, endValue, basis),
    messages: h.messages(),
    messagesByLevel: { ...suite.notifier.sent, held: suite.notifier.held.total },
    busiest: Object.entries(sim.stats.requests)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 6),
    time: {
      realMs: performance.now() - a.t0,
      cpuMs: 0,
      simulatedMs: clock.now() - START,
      steps: a.steps,
      settleTurns: h.driver.turns,
    },
    mustBeZero: {
      duplicates: dups.total,
      "floor violations": floorWatch.violations.length,
      "ledger vs simulator fills": ledgerCheck.total,
      "bot crashes": crashes.total,
      "journal final state vs exchange": vsExchange.count,
    },
  };
}

type CostBasis = ReturnType<Harness["suite"]["trading"]["ledger"]["costBasis"]>;

function pnlFigures(startValue: D, endValue: D, basis: CostBasis): SoakResult["pnl"] {
  return {
    startValueUsdt: startValue.toFixed(2),
    endValueUsdt: endValue.toFixed(2),
    changeUsdt: endValue.minus(startValue).toFixed(2),
    realizedUsd: basis.realizedPnl.toFixed(2),
    realizedByBotUsd: Object.fromEntries(
      [...basis.byBot].sort(([x], [y]) => x.localeCompare(y)).map(([bot, v]) => [bot, v.toFixed(2)]),
    ),
    feesUsd: basis.feesUsd.toFixed(2),
  };
}

/** The client's view of the wire, next to what the simulator itself refused. */
function wireFigures(wire: Harness["wire"], sim: Harness["sim"]): SoakResult["wire"] {
  return {
    ...wire,
    count429: wire.byStatus[429] ?? 0,
    count418: wire.byStatus[418] ?? 0,
    simCount429: sim.stats.count429,
    simCount418: sim.stats.count418,
  };
}

/**
 * The journal as the suite keeps it: the entries still in state.json, and the ended ones the suite moved to its
 * archive after two days (an entry in both, after a crash between the two writes, is the same order: state wins).
 */
export function wholeJournal(
  archivePath: string,
  live: readonly JournalEntry[],
): Record<string, JournalEntry> {
  const all: Record<string, JournalEntry> = {};
  for (const e of JournalArchive.open(archivePath).entries) all[e.clientOrderId] = e;
  for (const e of live) all[e.clientOrderId] = e;
  return all;
}

/** The journal, state and fills are written (and fsynced) on every change: tmpfs keeps a week of writes cheap. */
function fastTmp(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

/** Alts worth moving: the busiest USDT pairs (the scanner scans the top by volume) and the balancer's basket. */
async function busyAlts(client: MexcClient, basket: readonly string[]): Promise<string[]> {
  const skip = /^(BTC|ETH|USDC|FDUSD|TUSD|DAI|USDE)USDT$/;
  const tickers = await client.ticker24hrAll();
  return tickers
    .filter((t) => t.symbol.endsWith("USDT") && !skip.test(t.symbol))
    .sort((x, y) => (y.quoteVolume ?? new D(0)).comparedTo(x.quoteVolume ?? new D(0)))
    .slice(0, 30)
    .map((t) => t.symbol)
    .concat(basket);
}
