import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MonitorRuntime } from "../../src/bots/runtime.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import type { ValuePoint } from "../../src/telegram/chart.js";
import { type ControlBot, type ControlBotDeps, createControlBot } from "../../src/telegram/control-bot.js";
import { DailyReport } from "../../src/telegram/daily-report.js";
import type { Feature } from "../../src/telegram/features/index.js";
import { Notifier } from "../../src/telegram/notifier.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { type OrderIntent, OrderManager } from "../../src/trading/order-manager.js";
import type { JournalEntry } from "../../src/trading/order-state.js";
import { Proposals } from "../../src/trading/proposals.js";
import { tradingQueries } from "../../src/trading/queries.js";
import { Treasury } from "../../src/trading/treasury.js";
import { testBot } from "../bots/helpers.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";
import { type Call, startFakeTelegram } from "../support/fake-telegram.js";
import { writeJournal } from "../support/journal-entry.js";
import { captureLog } from "./helpers.js";

/**
 * The control bot as main would build it: the real grammY bot polling the fake Bot API over HTTP, and the real
 * runtime, order manager, proposals and ledger trading on the simulator over HTTP.
 */

export const TOKEN = "123456789:AAHcontrolBotTokenForTests_abcdefXYZ";
export const OWNER = 1001;
export const GROUP = -500;
export const STRANGER = 2002;

export interface HarnessOptions {
  expiryMs?: number;
  reports?: () => Promise<{ title: string; html: string }[]>;
  values?: ValuePoint[];
  /** The control bot's features, when not the real list (a test adding one). */
  features?: readonly Feature[];
  /** Orders already in the journal when the program starts. */
  journal?: readonly JournalEntry[];
  /** Read-only viewers (TELEGRAM_VIEWER_IDS). */
  viewerIds?: number[];
}

export async function startHarness(opts: HarnessOptions = {}) {
  const fake = await startFakeTelegram();
  // The simulator's market moves only when its own clock is advanced: prices hold still for the drift check.
  const simClock = new VirtualClock(Date.now());
  const ex = await startExchange({
    sim: {
      clock: simClock,
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000", USDT: "1000" } }],
    },
  });
  const store: Store = await tempStore();
  if (opts.journal) writeJournal(store.path, opts.journal);
  const clock = new RealClock();
  const logs = captureLog();
  const fills = join(mkdtempSync(join(tmpdir(), "tg-fills-")), "fills.jsonl");
  const ledger = new Ledger({ client: ex.client, store, fills, clock });
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
  const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 100 });
  const proposals = new Proposals({
    store,
    clock,
    client: ex.client,
    orders,
    treasury,
    expiryMs: opts.expiryMs ?? 600_000,
    maxPriceDriftPct: new D(1),
  });
  const runtime = new MonitorRuntime({
    monitors: [testBot("scanner", 60_000, undefined, true), testBot("pnl", 60_000)],
    clock,
    store,
    log: logs.log,
    emergencyStopPath: join(mkdtempSync(join(tmpdir(), "tg-stop-")), "EMERGENCY_STOP"),
  });
  const config = parseConfig(userConfig);
  const queries = tradingQueries({ client: ex.client, orders, ledger, proposals });
  // The daily report as the suite builds it, over the same ledger and journal; its notifier only holds reports.
  const notifier = new Notifier({
    sink: { send: async () => {} },
    clock,
    log: logs.log,
    mergeWindowSec: 60,
    minIntervalPerTypeSec: 0,
    levels: config.telegram.levels,
  });
  const daily = new DailyReport({
    clock,
    log: logs.log,
    notifier,
    hourUtc: config.telegram.dailyReportHourUtc,
    withChart: true,
    data: {
      valuation: queries.valuation,
      openOrders: queries.openOrders,
      fillsSince: (t) => ledger.fillsSince(t),
      realizedByBot: () => ledger.costBasis().byBot,
      valueHistory: () => opts.values ?? [],
    },
  });
  const deps: ControlBotDeps = {
    token: TOKEN,
    apiRoot: fake.url,
    allowedIds: [OWNER, GROUP],
    clock,
    log: logs.log,
    mode: "sim",
    startedAt: Date.now() - 3_600_000,
    queries,
    bots: runtime,
    killSwitch: orders,
    proposals,
    config,
    valueHistory: () => opts.values ?? [],
    reports: opts.reports ?? (async () => []),
    daily,
    ...(opts.viewerIds ? { viewerIds: opts.viewerIds } : {}),
  };
  let control: ControlBot = createControlBot(deps, opts.features);
  await control.start();

  /** Sends a message as `fromId` in `chatId` (the owner's private chat by default). */
  const say = (text: string, chatId = OWNER, fromId = chatId > 0 ? chatId : OWNER) =>
    fake.pushMessage({ chatId, fromId, text });
  const press = (data: string, messageId: number, chatId = OWNER, fromId = chatId > 0 ? chatId : OWNER) =>
    fake.pushCallback({ chatId, fromId, data, messageId });

  /** The next successful sendMessage to `chatId` after the calls seen so far. */
  const replyTo = async (text: string, chatId = OWNER, fromId?: number): Promise<Call> => {
    const seen = fake.calls("sendMessage").length;
    say(text, chatId, fromId);
    return fake.waitFor(
      "sendMessage",
      (c) => fake.calls("sendMessage").indexOf(c) >= seen && c.params.chat_id === chatId,
    );
  };

  return {
    fake,
    ex,
    store,
    ledger,
    orders,
    proposals,
    runtime,
    deps,
    notifier,
    daily,
    get control() {
      return control;
    },
    /** A new control bot on the same parts, as after a restart of the process. */
    async restart() {
      await control.stop();
      control = createControlBot(deps, opts.features);
      await control.start();
    },
    logs,
    say,
    press,
    replyTo,
    async close() {
      await control.stop();
      await fake.close();
      await store.close();
      // A test may have closed the exchange already, to see the bot cope without it.
      await ex.close().catch(() => {});
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** A real order request as a bot with autoTrade off would hand it over. */
export function buyRequest(quote = "20"): OrderIntent {
  return {
    bot: "scanner",
    reason: "score 0.8 < RSI & ok",
    symbol: "BTCUSDC",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D(quote),
  };
}

export const text = (c: Call): string => String(c.params.text ?? "");

/** The inline buttons' callback data of a call, row after row. */
export function buttons(c: Call): string[] {
  const markup = c.params.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "");
}

/** The message_id Telegram gave the message a call sent. */
export function messageId(c: Call): number {
  return (c.result as { message_id: number }).message_id;
}
