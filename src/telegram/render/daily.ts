import { D } from "../../decimal.js";
import type { Fill, OrderView } from "../../trading/queries.js";
import { amount, bold, escapeHtml, percent, table, usd, utcTime } from "../format.js";

/**
 * The daily report's words: one message a day that says what the 630 routine messages used to (issue 17). Amounts
 * stay Decimal until they are printed; volumes and fees are per asset, as MEXC charged them, never summed across
 * assets at a guessed price.
 */

export interface DailyFigures {
  now: number;
  value: D;
  /** The value to compare with, and when it was recorded; absent when nothing earlier was recorded. */
  before?: { at: number; value: D } | undefined;
  /** Realized PnL by bot since the ledger began (USD). */
  realizedByBot: ReadonlyMap<string, D>;
  /** The same at the last report, when this process sent one: the change per bot is the difference. */
  realizedBefore?: ReadonlyMap<string, D> | undefined;
  /** The fills of the period. */
  fills: readonly Fill[];
  openOrders: readonly OrderView[];
  /** The held reports' summary lines (held-reports.ts). */
  held: readonly string[];
}

/** At most this many open orders are listed; /orders shows them all. */
const OPEN_LISTED = 10;

function sumBy<T>(items: readonly T[], key: (t: T) => string, value: (t: T) => D): Map<string, D> {
  const out = new Map<string, D>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? new D(0)).plus(value(t)));
  return out;
}

/** `dp`: a volume reads well in cents; a fee in BTC needs all its decimals. */
const perAsset = (m: ReadonlyMap<string, D>, dp = 8) =>
  [...m]
    .filter(([, v]) => !v.isZero())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, v]) => amount(v, asset, dp))
    .join(", ") || "none";

function valueLine(f: DailyFigures): string {
  const now = `${bold("Value")}: ${usd(f.value)} (USDT)`;
  if (!f.before) return `${now}; no earlier value recorded to compare with.`;
  const change = f.value.minus(f.before.value);
  const pct = f.before.value.isZero() ? "" : `, ${percent(change.div(f.before.value).mul(100))}`;
  return `${now}, ${usd(change, { signed: true })}${pct} since ${escapeHtml(utcTime(f.before.at))}`;
}

function pnlLines(f: DailyFigures): string[] {
  const bots = [...f.realizedByBot.keys()].sort();
  if (bots.length === 0) return [`${bold("Realized PnL by bot")}: nothing sold yet.`];
  const rows = bots.map((b) => {
    const total = f.realizedByBot.get(b) ?? new D(0);
    const before = f.realizedBefore?.get(b);
    const since = f.realizedBefore ? usd(total.minus(before ?? 0), { signed: true }) : "—";
    return [b, since, usd(total, { signed: true })];
  });
  return [bold("Realized PnL by bot"), table(rows, { header: ["bot", "period", "total"] })];
}

function tradeLines(fills: readonly Fill[]): string[] {
  const buys = fills.filter((x) => x.side === "BUY").length;
  const volume = sumBy(
    fills,
    (x) => x.quote,
    (x) => x.quoteQty,
  );
  const fees = sumBy(
    fills,
    (x) => x.feeAsset,
    (x) => x.fee,
  );
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  return [
    `${bold("Trades")}: ${fills.length} (${n(buys, "buy")}, ${n(fills.length - buys, "sell")}), volume ${escapeHtml(perAsset(volume, 2))}`,
    `${bold("Fees")}: ${escapeHtml(perAsset(fees))}`,
  ];
}

function openLines(open: readonly OrderView[]): string[] {
  if (open.length === 0) return [`${bold("Open orders")}: none`];
  const listed = open
    .slice(0, OPEN_LISTED)
    .map((o) => `• ${escapeHtml(`${o.bot}: ${o.side} ${o.symbol} ${o.state}`)}`);
  const more = open.length > OPEN_LISTED ? [`… and ${open.length - OPEN_LISTED} more: /orders`] : [];
  return [`${bold("Open orders")}: ${open.length}`, ...listed, ...more];
}

export function dailyReportText(f: DailyFigures): string {
  return [
    `📊 ${bold(`Daily report, ${utcTime(f.now)}`)}`,
    valueLine(f),
    ...pnlLines(f),
    ...tradeLines(f.fills),
    ...openLines(f.openOrders),
    ...f.held,
  ].join("\n");
}
