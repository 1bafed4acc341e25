import { join } from "node:path";
import { Api } from "grammy";
import { BOT_IDS, startTrading, type Trading } from "./app.js";
import { createBalanceBuyer } from "./bots/balance-buyer.js";
import { createBalancer5050 } from "./bots/balancer-5050.js";
import { DailyLossGuard } from "./bots/daily-loss.js";
import { createMarketScanner, type MarketScanner } from "./bots/market-scanner.js";
import type { Monitor } from "./bots/monitor.js";
import { createOrdersReporter } from "./bots/orders-reporter.js";
import { createProfitSeller } from "./bots/profit-seller.js";
import { MonitorRuntime } from "./bots/runtime.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Exchange } from "./connect.js";
import type { Env } from "./env.js";
import type { Logs } from "./log.js";
import { valueAccount } from "./portfolio/account-value.js";
import { ValueHistory } from "./portfolio/value-history.js";
import type { Store } from "./store/index.js";
import { fullReport } from "./suite-reports.js";
import { type ControlBot, createControlBot } from "./telegram/control-bot.js";
import { apiAlertMessage, eventMessage, orderMessage, proposalMessage } from "./telegram/event-messages.js";
import { Notifier } from "./telegram/notifier.js";
import { ConsoleSink, GrammySink, type MessageSink } from "./telegram/transport.js";
import { LIVE_STATES, UNSETTLED_STATES } from "./trading/order-state.js";
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
  /** Starts the bots (the trading core already follows orders). */
  start(): void;
  /** Stops scheduling, waits up to `graceMs` for runs, optionally cancels open orders, flushes messages. */
  stop(opts: { graceMs: number; cancelOpenOrders: boolean }): Promise<{ unfinished: string[] }>;
}

/** A bot may trade alone when its config says so; unset means yes in sim and paper, no in live mode. */
export function autoTradeOf(section: { autoTrade?: boolean | undefined }, mode: Env["mode"]): boolean {
  return section.autoTrade ?? mode !== "live";
}

/**
 * The whole suite on one account: the trading core, the proposal queue, every enabled bot on the runtime, the
 * notifier, the daily loss limit and the value history. main.ts starts it; tests and the soak start it too.
 */
export async function startSuite(o: SuiteOptions): Promise<Suite> {
  const { env, config, clock, logs, store } = o;
  const log = logs.child("main");
  const trading = await startTrading({
    env,
    config,
    clock,
    logs,
    store,
    dataDir: o.dataDir,
    ...(o.exchange ? { exchange: o.exchange } : {}),
  });
  const { exchange, orders, treasury, ledger } = trading;
  const client = exchange.client;
  const proposals = new Proposals({
    store,
    clock,
    client,
    orders,
    treasury,
    expiryMs: config.telegram.proposalExpirySec * 1000,
    maxPriceDriftPct: config.telegram.maxPriceDriftPct,
    log: logs.child("trading"),
  });
  const placer = (section: { autoTrade?: boolean | undefined }) =>
    proposals.placerFor(autoTradeOf(section, env.mode), orders);
  const botLog = logs.child("bot");
  const openOrdersOf = (bot: string) => () =>
    orders.entries((e) => e.bot === bot && UNSETTLED_STATES.has(e.state)).length;

  const monitors: Monitor[] = [];
  let scanner: MarketScanner | undefined;
  if (config.scanner.enabled) {
    scanner = createMarketScanner({ client, treasury, orders: placer(config.scanner), config, log: botLog });
    monitors.push(scanner);
  }
  if (config.balanceBuyer.enabled)
    monitors.push(
      createBalanceBuyer({
        client,
        treasury,
        orders: placer(config.balanceBuyer),
        openOrders: openOrdersOf(BOT_IDS.balanceBuyer),
        config,
        log: botLog,
      }),
    );
  if (config.pnlSeller.enabled)
    monitors.push(
      createProfitSeller({
        kind: "core",
        client,
        treasury,
        orders: placer(config.pnlSeller),
        ledger,
        config,
        log: botLog,
      }),
    );
  if (config.altsSeller.enabled)
    monitors.push(
      createProfitSeller({
        kind: "alts",
        client,
        treasury,
        orders: placer(config.altsSeller),
        ledger,
        config,
        log: botLog,
      }),
    );
  if (config.balancer5050.enabled)
    monitors.push(
      createBalancer5050({
        client,
        treasury,
        orders: placer(config.balancer5050),
        openOrders: openOrdersOf(BOT_IDS.balancer5050),
        config,
        log: botLog,
      }),
    );
  if (config.ordersReporter.enabled)
    monitors.push(createOrdersReporter({ orders, ledger, config, log: botLog }));

  const runtime = new MonitorRuntime({
    monitors,
    clock,
    store,
    log: logs.child("bot"),
    emergencyStopPath: join(o.dataDir, config.risk.emergencyStopFile),
  });

  // Freed funds and rebalance requests make the USDC spenders look now instead of at their next interval.
  const spendNow = () => {
    runtime.runSoon(BOT_IDS.balancer5050);
    runtime.runSoon(BOT_IDS.balanceBuyer);
  };
  runtime.events.on("funds-freed", spendNow);
  runtime.events.on("rebalance-requested", spendNow);

  const tg = env.telegram;
  const tgLog = logs.child("telegram");
  const sink = tg
    ? new GrammySink({
        api: new Api(tg.token.reveal(), tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined),
        chatIds: tg.allowedIds,
        log: tgLog,
      })
    : (o.sink ?? new ConsoleSink({ log: tgLog }));
  const notifier = new Notifier({
    sink,
    clock,
    log: logs.child("telegram"),
    mergeWindowSec: config.telegram.mergeWindowSec,
    minIntervalPerTypeSec: config.telegram.minIntervalPerTypeSec,
  });
  runtime.events.onAny((e) => {
    const n = eventMessage(e);
    if (n) notifier.notify(n);
  });
  orders.onChange((change) => {
    const n = orderMessage(change);
    if (n) notifier.notify(n);
  });
  client.onAlert((a) => notifier.notify(apiAlertMessage(a)));
  // With Telegram the control bot shows proposals with Execute/Skip buttons; without it the console says so.
  if (!tg)
    proposals.onChange((p) => {
      const n = proposalMessage(p);
      if (n) notifier.notify(n);
    });

  const guard = new DailyLossGuard({
    store,
    buyers: runtime,
    limitUsd: config.risk.dailyLossLimitUsd,
    log: logs.child("bot"),
  });
  // Today's baseline before any buyer can run (issue 13): a purchase made before the watch's first tick would sit
  // inside the baseline it is measured against.
  try {
    await guard.observe(clock.now(), (await valueAccount(client)).total);
  } catch (err) {
    log.warn(
      { err },
      "daily loss limit: no baseline yet (valuation failed); the watch takes it at its first tick",
    );
  }
  const history = ValueHistory.open(join(o.dataDir, "values.jsonl"));
  const watch = new AbortController();
  const watchEveryMs = o.watchEveryMs ?? 60_000;
  const sampleEveryMs = config.telegram.valueSampleEverySec * 1000;
  let watching: Promise<void> = Promise.resolve();
  const archive = trading.archive;
  // Ended orders stay in the state for two days (reports, /orders), or two reporter periods if that is longer.
  const keepJournalMs = Math.max(48 * 3_600_000, 2 * config.ordersReporter.intervalSec * 1000);
  let lastArchive = Number.NEGATIVE_INFINITY;

  /** Values the account for the loss limit and the chart, and ends proposals whose time is up. */
  async function watchOnce(lastSample: number): Promise<number> {
    await proposals.expireDue();
    if (clock.now() - lastArchive >= 3_600_000) {
      lastArchive = clock.now();
      await archive.archive(store, clock.now(), keepJournalMs, log);
    }
    const valuation = await valueAccount(client);
    const now = clock.now();
    await guard.observe(now, valuation.total);
    if (now - lastSample < sampleEveryMs) return lastSample;
    history.record(now, valuation.total);
    return now;
  }

  async function watchLoop(): Promise<void> {
    let lastSample = Number.NEGATIVE_INFINITY;
    while (!watch.signal.aborted) {
      try {
        lastSample = await watchOnce(lastSample);
      } catch (err) {
        log.warn({ err }, "portfolio watch failed; the daily loss limit is checked again at the next tick");
      }
      await clock.sleep(watchEveryMs, watch.signal).catch(() => {});
    }
  }

  const telegram = tg
    ? createControlBot({
        token: tg.token.reveal(),
        ...(tg.apiRoot ? { apiRoot: tg.apiRoot } : {}),
        allowedIds: tg.allowedIds,
        clock,
        log: tgLog,
        mode: env.mode,
        startedAt: clock.now(),
        queries: tradingQueries({ client, orders, ledger, proposals }),
        bots: runtime,
        killSwitch: orders,
        proposals,
        config,
        valueHistory: () => history.points(),
        reports: () =>
          fullReport({ client, orders, ledger, config, lastScan: () => scanner?.lastReport }, clock.now()),
        notifier,
        resetDailyLoss: async () => guard.reset(clock.now(), (await valueAccount(client)).total),
      })
    : undefined;

  return {
    trading,
    telegram,
    proposals,
    runtime,
    notifier,
    guard,
    history,
    monitors,
    start() {
      runtime.start();
      watching = watchLoop();
      void telegram?.start();
      log.info({ bots: monitors.map((m) => m.name) }, "bots started");
    },
    async stop({ graceMs, cancelOpenOrders }) {
      // First, before any await: a run past its abort checks must not send an order now (issue 13, defect 2).
      orders.refuseNewOrders("the program is stopping: no new orders are sent");
      watch.abort();
      await telegram?.stop();
      const result = await runtime.stop({ graceMs });
      await watching;
      if (cancelOpenOrders) {
        for (const e of orders.entries((x) => LIVE_STATES.has(x.state))) {
          await orders
            .cancel(e.clientOrderId, "shutdown: the config asks to cancel open orders")
            .catch((err) =>
              log.warn({ err, clientOrderId: e.clientOrderId }, "could not cancel at shutdown"),
            );
        }
      }
      await trading.stop();
      await notifier.close();
      return result;
    },
  };
}
