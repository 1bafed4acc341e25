import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import { botOf } from "../portfolio/cost-basis.js";
import type { Fill } from "../portfolio/fill.js";
import type { Ledger } from "../portfolio/ledger.js";
import type { JournalEntry, OrderStateName } from "../store/journal-schema.js";
import {
  FAILED_STATES,
  IN_DOUBT_STATES,
  LIVE_STATES,
  TRADED_STATES,
  UNSETTLED_STATES,
} from "../trading/order-state.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
import type { BotOrderStats, FailedOrder, OrdersReport } from "./reports.js";

/**
 * The orders reporter: once per interval, what every bot did with orders since the previous report.
 *
 * Counts come from the order journal (the manager's own record of each order's life, with times); traded volume
 * and fees come from the ledger's fills, because only fills say what was actually paid, and a partly filled order
 * must not count its whole quote amount in every period it lives through. A period is (since, until]: a
 * transition or fill exactly at a report's time belongs to that report, and never to two.
 *
 * What counts as what, per order, within the period:
 * - placed: created in the period;
 * - filled: got a fill in the period (moved to FILLED, PARTIALLY_FILLED or PARTIALLY_CANCELED); `partial` are those
 *   not (yet) wholly filled at the end of the period;
 * - failed: reached REJECTED (the exchange said no), CANCELED (our journal's CANCELED means cancelled with nothing
 *   filled: a timed-out or cancelled limit order whose intent never happened) or LOST (never found after an
 *   unclear answer). A partially cancelled order is a partial fill, not a failure. A LOST order found later counts
 *   as failed in the period it was lost and as filled in the one it turned up;
 * - open: resting on the book (OPEN, PARTIALLY_FILLED) at the end of the period;
 * - unknown: PENDING or UNKNOWN at the end of the period, i.e. still being looked up by client id.
 */

export type { BotOrderStats, FailedOrder, OrdersReport } from "./reports.js";

const COUNTS = [
  "placed",
  "filled",
  "partial",
  "open",
  "failed",
  "rejected",
  "canceled",
  "lost",
  "unknown",
  "fills",
] as const;

function emptyStats(bot: string): BotOrderStats {
  return {
    bot,
    placed: 0,
    filled: 0,
    partial: 0,
    open: 0,
    failed: 0,
    rejected: 0,
    canceled: 0,
    lost: 0,
    unknown: 0,
    fills: 0,
    volume: new Map(),
    fees: new Map(),
  };
}

function add(map: Map<string, D>, key: string, value: D): void {
  map.set(key, (map.get(key) ?? new D(0)).plus(value));
}

/** The entry's state at time t (its last transition at or before t), or undefined if it did not exist yet. */
export function stateAt(entry: JournalEntry, t: number): OrderStateName | undefined {
  let state: OrderStateName | undefined;
  for (const tr of entry.transitions) if (tr.at <= t) state = tr.to;
  return state;
}

/** Pure: the orders of the period (since, until] per bot, from journal entries and ledger fills. */
export function ordersReport(
  entries: readonly JournalEntry[],
  fills: readonly Fill[],
  since: number,
  until: number,
): OrdersReport {
  const byBot = new Map<string, BotOrderStats>();
  const stats = (bot: string) => {
    let s = byBot.get(bot);
    if (!s) {
      s = emptyStats(bot);
      byBot.set(bot, s);
    }
    return s;
  };
  const failures: FailedOrder[] = [];
  const inPeriod = (t: number) => t > since && t <= until;

  for (const e of entries) {
    const moves = e.transitions.filter((tr) => inPeriod(tr.at));
    const end = stateAt(e, until);
    const live = end !== undefined && LIVE_STATES.has(end);
    const unresolved = end !== undefined && IN_DOUBT_STATES.has(end);
    if (moves.length === 0 && !live && !unresolved) continue;
    const s = stats(e.bot);
    if (inPeriod(e.createdAt)) s.placed++;
    if (moves.some((tr) => TRADED_STATES.has(tr.to))) {
      s.filled++;
      if (end !== "FILLED") s.partial++;
    }
    if (live) s.open++;
    if (unresolved) s.unknown++;
    const fail = moves.find((tr) => FAILED_STATES.has(tr.to));
    if (fail) {
      s.failed++;
      const state = fail.to as FailedOrder["state"];
      if (state === "REJECTED") s.rejected++;
      else if (state === "CANCELED") s.canceled++;
      else s.lost++;
      failures.push({
        bot: e.bot,
        clientOrderId: e.clientOrderId,
        symbol: e.intent.symbol,
        side: e.intent.side,
        state,
        why: state === "REJECTED" && e.rejection ? e.rejection.message : fail.note,
      });
    }
  }

  for (const f of fills) {
    if (!inPeriod(f.time)) continue;
    const s = stats(botOf(f));
    s.fills++;
    add(s.volume, f.quote, f.quoteQty);
    if (!f.fee.isZero()) add(s.fees, f.feeAsset, f.fee);
  }

  const bots = [...byBot.values()].sort((a, b) => a.bot.localeCompare(b.bot));
  const totals = emptyStats("total");
  for (const s of bots) {
    for (const k of COUNTS) totals[k] += s[k];
    for (const [asset, v] of s.volume) add(totals.volume, asset, v);
    for (const [asset, v] of s.fees) add(totals.fees, asset, v);
  }
  return { since, until, bots, totals, failures };
}

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** "12 placed, 10 filled, 1 open, 1 failed" (+ unknown when any). */
export function ordersSummary(r: OrdersReport): string {
  const t = r.totals;
  const unknown = t.unknown ? `, ${t.unknown} unknown` : "";
  return `${t.placed} placed, ${t.filled} filled, ${t.open} open, ${t.failed} failed${unknown}`;
}

/** Fills can carry the exchange's time, a little behind our clock's `createdAt` when the clocks disagree. */
const CLOCK_SLACK_MS = 10 * 60_000;

/**
 * The symbols whose fills the report may miss: those of orders still open or in doubt (they may have filled
 * since the tracker last looked), and those of orders that moved in the period with more executed (the
 * exchange's figure, in the journal) than the ledger holds fills for. An order whose fills all are in the ledger
 * (the usual case: the suite syncs a symbol whenever one of its orders fills) or that filled nothing needs no
 * myTrades call; the old rule synced every symbol that moved, one call each.
 */
export function symbolsToSync(
  entries: readonly JournalEntry[],
  since: number,
  fillsSince: (time: number) => readonly Fill[],
): Set<string> {
  const out = new Set<string>();
  const settled: JournalEntry[] = [];
  for (const e of entries) {
    if (UNSETTLED_STATES.has(e.state)) out.add(e.intent.symbol);
    else if (e.updatedAt > since && !new D(e.executedQty).isZero()) settled.push(e);
  }
  const unsure = settled.filter((e) => !out.has(e.intent.symbol));
  if (unsure.length === 0) return out;
  const from = Math.min(...unsure.map((e) => e.createdAt)) - CLOCK_SLACK_MS;
  const held = new Map<string, D>();
  for (const f of fillsSince(from)) held.set(f.orderId, (held.get(f.orderId) ?? new D(0)).plus(f.qty));
  for (const e of unsure) {
    const got = e.orderId === undefined ? undefined : held.get(e.orderId);
    if (!got?.eq(e.executedQty)) out.add(e.intent.symbol);
  }
  return out;
}

export interface OrdersReporterDeps {
  /** The order manager fits. */
  orders: { entries(): JournalEntry[] };
  /** Fills for volume and fees; synced for the period's symbols before each report. */
  ledger: Pick<Ledger, "fillsSince" | "syncAll">;
  config: Pick<Config, "ordersReporter">;
  log?: Logger;
}

const REPORTER_BOT = BOT_IDS.ordersReporter;

export function createOrdersReporter(deps: OrdersReporterDeps): Monitor {
  const intervalMs = deps.config.ordersReporter.intervalSec * 1000;
  // In memory: after a restart the first report covers the last interval, which is what a person expects to see.
  let last: number | undefined;

  async function run(ctx: RunContext): Promise<Decision> {
    const since = last ?? ctx.now - intervalMs;
    const until = ctx.now;
    const reasons = [`period ${utc(since)} → ${utc(until)} UTC`];
    const entries = deps.orders.entries();
    // Only the symbols whose fills the ledger may lack: one myTrades call each, not one per symbol ever traded.
    const symbols = symbolsToSync(entries, since, (t) => deps.ledger.fillsSince(t));
    let problem: string | undefined;
    try {
      await deps.ledger.syncAll(symbols);
    } catch (err) {
      // The counts stand on the journal alone; volume and fees may then miss the newest fills.
      problem = `fills not synced, volume and fees may be incomplete: ${err instanceof Error ? err.message : String(err)}`;
      reasons.push(problem);
      deps.log?.warn({ err }, "orders reporter: ledger sync failed");
    }
    const report = ordersReport(entries, deps.ledger.fillsSince(since), since, until);
    const summary = `report: ${ordersSummary(report)}`;
    reasons.push(summary);
    ctx.emit({
      type: "report",
      bot: REPORTER_BOT,
      report: { kind: "orders", orders: report, ...(problem ? { problem } : {}) },
    });
    last = until;
    return { acted: false, summary, reasons };
  }

  return { name: REPORTER_BOT, intervalMs, buys: false, run };
}
