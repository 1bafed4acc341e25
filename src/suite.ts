import { join } from "node:path";
import { BOT_IDS, startTrading, type Trading } from "./app.js";
import { DailyLossGuard } from "./bots/daily-loss.js";
import type { MarketScanner } from "./bots/market-scanner.js";
import type { Monitor } from "./bots/monitor.js";
import { MonitorRuntime } from "./bots/runtime.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Exchange } from "./connect.js";
import type { Env } from "./env.js";
import type { Logger, Logs } from "./log.js";
import { lastPrices, valueAccount, valueBalances } from "./portfolio/account-value.js";
import { ValueHistory } from "./portfolio/value-history.js";
import type { Store } from "./store/index.js";
import { createMonitors } from "./suite-monitors.js";
import { fullReport } from "./suite-reports.js";
import { PortfolioWatch } from "./suite-watch.js";
import type { ControlBot } from "./telegram/control-bot.js";
import { DailyReport } from "./telegram/daily-report.js";
import { apiAlertMessage, eventMessage, orderMessage, proposalMessage } from "./telegram/event-messages.js";
import { Notifier } from "./telegram/notifier.js";
import { ConsoleSink, type MessageSink } from "./telegram/sink.js";
import { LIVE_STATES } from "./trading/order-state.js";
import { Proposals } from "./trading/proposals.js";
import { tradingQueries } from "./trading/queries.js";

export interface SuiteOptions {
  env: Env;
  config: Config;
  clock: Clock;
  logs: Logs;
  store: Store;
  dataDir: string;
  /** An exchange already connected (tests, soak); else connected per mode. */
  exchange?: Exchange;
  /** Where messages go when there is no Telegram bot; the console when absent. */
  sink?: MessageSink;
  /** How often the portfolio is valued for the daily loss limit (ms, default 60 s). */
  watchEveryMs?: number;
  /**
   * How often the runtime looks at the emergency-stop file and the kill switch (ms, default 1 s). A replay on the
   * virtual clock has no one to create the file: a minute saves 86,400 file checks per simulated day.
   */
  gateTickMs?: number;
  /** The order follow-up's period (ms, default 5 s; app.ts startTrading). */
  followEveryMs?: number;
}

export interface Suite {
  trading: Trading;
  proposals: Proposals;
  runtime: MonitorRuntime;
  notifier: Notifier;
  guard: DailyLossGuard;
  history: ValueHistory;
  monitors: readonly Monitor[];
  /** The Telegram control bot, when a token is configured. */
  telegram: ControlBot | undefined;
  /** The daily report (telegram.dailyReportHourUtc), also behind /daily. */
  daily: DailyReport;
  /** Starts the bots (the trading core already follows orders). */
  start(): void;
  /** Stops scheduling, waits up to `graceMs` for runs, optionally cancels open orders, flushes messages. */
  stop(opts: { graceMs: number; cancelOpenOrders: boolean }): Promise<{ unfinished: string[] }>;
}

export { autoTradeOf } from "./suite-monitors.js";

/**
 * The whole suite on one account: the trading core, the proposal queue, every enabled bot on the runtime, the
 * notifier, the daily loss limit and the value history. main.ts starts it; tests and the soak start it too.
 */
export async function startSuite(o: SuiteOptions): Promise<Suite> {
  const { env, config, clock, logs, store } = o;
  const log = logs.child("main");
  const trading = await startTrading(o);
  const { exchange, orders, treasury } = trading;
  const client = exchange.client;
  const proposals = new Proposals({
    store,
    clock,
    client,
    orders,
    treasury,
    log: logs.child("trading"),
    expiryMs: config.telegram.proposalExpirySec * 1000,
    maxPriceDriftPct: config.telegram.maxPriceDriftPct,
  });
  const { monitors, scanner } = createMonitors({
    trading,
    proposals,
    config,
    mode: env.mode,
    log: logs.child("bot"),
  });
  const runtime = createRuntime(o, monitors);
  const notifier = await createNotifier(o, trading, runtime, proposals);

  const guard = await startLossGuard(o, runtime, trading);
  const history = ValueHistory.open(join(o.dataDir, "values.jsonl"));
  const watch = portfolioWatch(o, { trading, proposals, guard, history });
  const daily = dailyReport(o, { trading, proposals, notifier, history });

  const telegram = await createTelegram(o, {
    trading,
    runtime,
    proposals,
    notifier,
    guard,
    history,
    scanner,
    daily,
  });

  return {
    trading,
    telegram,
    daily,
    proposals,
    runtime,
    notifier,
    guard,
    history,
    monitors,
    start() {
      runtime.start();
      watch.start();
      daily.start();
      void telegram?.start();
      log.info({ bots: monitors.map((m) => m.name) }, "bots started");
    },
    async stop({ graceMs, cancelOpenOrders }) {
      // First, before any await: a run past its abort checks must not send an order now (issue 13, defect 2).
      orders.refuseNewOrders("the program is stopping: no new orders are sent");
      const watched = watch.stop();
      await daily.stop();
      await telegram?.stop();
      const result = await runtime.stop({ graceMs });
      await watched;
      if (cancelOpenOrders) await cancelResting(orders, log);
      await trading.stop();
      await notifier.close();
      return result;
    },
  };
}

/** The bots on their schedule; freed funds and rebalance requests make the USDC spenders look at once. */
function createRuntime(o: SuiteOptions, monitors: Monitor[]): MonitorRuntime {
  const runtime = new MonitorRuntime({
    monitors,
    clock: o.clock,
    store: o.store,
    log: o.logs.child("bot"),
    emergencyStopPath: join(o.dataDir, o.config.risk.emergencyStopFile),
    ...(o.gateTickMs !== undefined ? { tickMs: o.gateTickMs } : {}),
  });
  const spendNow = () => {
    runtime.runSoon(BOT_IDS.balancer5050);
    runtime.runSoon(BOT_IDS.balanceBuyer);
  };
  runtime.events.on("funds-freed", spendNow);
  runtime.events.on("rebalance-requested", spendNow);
  return runtime;
}

/**
 * The daily loss limit, with today's baseline taken before any buyer can run (issue 13): a purchase made before the
 * watch's first tick would sit inside the baseline it is measured against.
 */
async function startLossGuard(
  o: SuiteOptions,
  runtime: MonitorRuntime,
  trading: Trading,
): Promise<DailyLossGuard> {
  const guard = new DailyLossGuard({
    store: o.store,
    buyers: runtime,
    limitUsd: o.config.risk.dailyLossLimitUsd,
    log: o.logs.child("bot"),
  });
  try {
    // The balances the trading core read after reconciling (nothing has traded since), at the prices of now.
    const prices = await lastPrices(trading.exchange.client);
    await guard.observe(o.clock.now(), valueBalances(trading.startAccount.balances, prices).total);
  } catch (err) {
    o.logs
      .child("main")
      .warn(
        { err },
        "daily loss limit: no baseline yet (valuation failed); the watch takes it at its first tick",
      );
  }
  return guard;
}

function portfolioWatch(
  o: SuiteOptions,
  p: Pick<Suite, "trading" | "proposals" | "guard" | "history">,
): PortfolioWatch {
  const client = p.trading.exchange.client;
  return new PortfolioWatch({
    clock: o.clock,
    journal: p.trading.orders,
    log: o.logs.child("main"),
    proposals: p.proposals,
    archive: p.trading.archive,
    guard: p.guard,
    history: p.history,
    value: async () => (await valueAccount(client)).total,
    everyMs: o.watchEveryMs ?? 60_000,
    sampleEveryMs: o.config.telegram.valueSampleEverySec * 1000,
    // Ended orders stay in the journal for two days (reports, /orders), or two reporter periods if that is longer.
    keepJournalMs: Math.max(48 * 3_600_000, 2 * o.config.ordersReporter.intervalSec * 1000),
  });
}

/** The daily report, read from the ledger, the journal and the value history; the chart only with Telegram. */
function dailyReport(
  o: SuiteOptions,
  p: Pick<Suite, "trading" | "proposals" | "notifier" | "history">,
): DailyReport {
  const { client } = p.trading.exchange;
  const { orders, ledger } = p.trading;
  const queries = tradingQueries({ client, orders, ledger, proposals: p.proposals });
  return new DailyReport({
    clock: o.clock,
    log: o.logs.child("telegram"),
    notifier: p.notifier,
    hourUtc: o.config.telegram.dailyReportHourUtc,
    withChart: o.env.telegram !== undefined,
    // The last report's end in state.json: a restart neither repeats nor skips a day's report.
    memory: {
      load: () => o.store.state.dailyReport,
      save: (last) =>
        o.store.update((s) => {
          s.dailyReport = { ...last, realizedByBot: { ...last.realizedByBot } };
        }),
    },
    data: {
      valuation: queries.valuation,
      openOrders: queries.openOrders,
      fillsSince: (t) => ledger.fillsSince(t),
      realizedByBot: () => ledger.costBasis().byBot,
      valueHistory: () => p.history.points(),
    },
  });
}

/** The Telegram control bot (commands, buttons, approvals), when a token is configured. */
async function createTelegram(
  o: SuiteOptions,
  p: Pick<Suite, "trading" | "runtime" | "proposals" | "notifier" | "guard" | "history" | "daily"> & {
    scanner: MarketScanner | undefined;
  },
): Promise<ControlBot | undefined> {
  const { env, config, clock } = o;
  if (!env.telegram) return undefined;
  const { orders, ledger } = p.trading;
  const client = p.trading.exchange.client;
  // Loaded only with a token: without Telegram, grammY, auto-retry and resvg stay off the start-up (issue 15).
  const { createControlBot } = await import("./telegram/control-bot.js");
  return createControlBot({
    token: env.telegram.token.reveal(),
    ...(env.telegram.apiRoot ? { apiRoot: env.telegram.apiRoot } : {}),
    allowedIds: env.telegram.allowedIds,
    clock,
    log: o.logs.child("telegram"),
    mode: env.mode,
    startedAt: clock.now(),
    queries: tradingQueries({ client, orders, ledger, proposals: p.proposals }),
    bots: p.runtime,
    killSwitch: orders,
    proposals: p.proposals,
    config,
    valueHistory: () => p.history.points(),
    reports: () =>
      fullReport({ client, orders, ledger, config, lastScan: () => p.scanner?.lastReport }, clock.now()),
    notifier: p.notifier,
    daily: p.daily,
    viewerIds: env.telegram.viewerIds,
    resetDailyLoss: async () => p.guard.reset(clock.now(), (await valueAccount(client)).total),
  });
}

/** Shutdown with `cancelOpenOrders`: every resting order is cancelled; one that fails is logged and left. */
async function cancelResting(orders: Trading["orders"], log: Logger): Promise<void> {
  for (const e of orders.notFinal((x) => LIVE_STATES.has(x.state))) {
    await orders
      .cancel(e.clientOrderId, "shutdown: the config asks to cancel open orders")
      .catch((err) => log.warn({ err, clientOrderId: e.clientOrderId }, "could not cancel at shutdown"));
  }
}

/** The Telegram sink, with grammY loaded now: only a configured token pays for it. */
async function telegramSink(tg: NonNullable<Env["telegram"]>, log: Logger): Promise<MessageSink> {
  const [{ Api }, { GrammySink }] = await Promise.all([import("grammy"), import("./telegram/transport.js")]);
  return new GrammySink({
    api: new Api(tg.token.reveal(), tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined),
    chatIds: tg.allowedIds,
    log,
  });
}

/**
 * Where the suite's messages go: Telegram when a token is configured, else the console (or the sink a test gives);
 * bot events, order changes and the client's alerts all pass the notifier's anti-spam.
 */
async function createNotifier(
  o: SuiteOptions,
  trading: Trading,
  runtime: MonitorRuntime,
  proposals: Proposals,
): Promise<Notifier> {
  const { env, config, clock, logs } = o;
  const tg = env.telegram;
  const tgLog = logs.child("telegram");
  const sink = tg ? await telegramSink(tg, tgLog) : (o.sink ?? new ConsoleSink({ log: tgLog }));
  const notifier = new Notifier({
    sink,
    clock,
    log: logs.child("telegram"),
    mergeWindowSec: config.telegram.mergeWindowSec,
    minIntervalPerTypeSec: config.telegram.minIntervalPerTypeSec,
    levels: config.telegram.levels,
    tradeDigestSec: config.telegram.tradeDigestSec,
  });
  runtime.events.onAny((e) => {
    const n = eventMessage(e);
    if (n) notifier.notify(n);
  });
  trading.orders.onChange((change) => {
    const n = orderMessage(change);
    if (n) notifier.notify(n);
  });
  trading.exchange.client.onAlert((a) => notifier.notify(apiAlertMessage(a)));
  // With Telegram the control bot shows proposals with Execute/Skip buttons; without it the console says so.
  if (!tg)
    proposals.onChange((p) => {
      const n = proposalMessage(p);
      if (n) notifier.notify(n);
    });
  return notifier;
}
