import { D } from "../decimal.js";
import type { ReplayFill, ReplayRecord } from "./record.js";

/**
 * The per-bot rows of the report. The suite's own figures (record.bots, from the same PnL code a live user sees)
 * are what the rows show; the fills list is the ground truth of what traded, so a bot that traded without a result
 * row (the runner's "manual") still gets one, and a result that disagrees with the fills is named in a warning
 * rather than silently trusted.
 */

export interface BotReport {
  readonly bot: string;
  readonly orders: number;
  readonly fills: number;
  /** null for a bot the suite kept no PnL for (it appears only in the fills). */
  readonly realizedUsdt: string | null;
  readonly unrealizedUsdt: string | null;
  readonly turnoverUsdt: string;
  readonly feesUsdt: string;
}

/** USDT amounts in the report: 8 decimals is below a cent's millionth and keeps the file readable. */
export function usdt(v: D): string {
  return v.toDecimalPlaces(8).toFixed();
}

/** A sum without spreading into arguments: a year's replay can hold more fills than a call takes. */
export function sum(values: Iterable<D | string | number>): D {
  let total = new D(0);
  for (const v of values) total = total.add(v);
  return total;
}

/**
 * A fill's quote amount in USDT, for a bot without a result row: the quote's price at the last sample at or
 * before the fill (the first sample for a fill before it); a quote no sample priced counts at 1 (USDT, USDC).
 */
function quoteUsdt(record: ReplayRecord, fill: ReplayFill): D {
  const qty = new D(fill.quoteQty);
  if (fill.quote === "USDT") return qty;
  let price: string | undefined;
  for (const s of record.samples) {
    if (s.timeMs > fill.timeMs && price !== undefined) break;
    price = s.pricesUsdt[fill.quote] ?? price;
  }
  return qty.mul(price ?? "1");
}

function byBot(fills: readonly ReplayFill[]): Map<string, ReplayFill[]> {
  const out = new Map<string, ReplayFill[]>();
  for (const f of fills) {
    const list = out.get(f.bot);
    if (list) list.push(f);
    else out.set(f.bot, [f]);
  }
  return out;
}

export function botReports(record: ReplayRecord): { rows: BotReport[]; warnings: string[] } {
  const fills = byBot(record.fills);
  const warnings: string[] = [];
  const rows: BotReport[] = record.bots.map((b) => {
    const counted = fills.get(b.bot)?.length ?? 0;
    if (counted !== b.fills) {
      warnings.push(`${b.bot}: the suite counts ${b.fills} fills, the fills list holds ${counted}`);
    }
    return {
      bot: b.bot,
      orders: b.orders,
      fills: b.fills,
      realizedUsdt: usdt(new D(b.realizedUsdt)),
      unrealizedUsdt: usdt(new D(b.unrealizedUsdt)),
      turnoverUsdt: usdt(new D(b.turnoverUsdt)),
      feesUsdt: usdt(new D(b.feesUsdt)),
    };
  });
  const known = new Set(record.bots.map((b) => b.bot));
  const extras = [...fills.keys()].filter((bot) => !known.has(bot)).sort();
  for (const bot of extras) {
    const list = fills.get(bot) ?? [];
    rows.push({
      bot,
      orders: new Set(list.map((f) => f.orderId)).size,
      fills: list.length,
      realizedUsdt: null,
      unrealizedUsdt: null,
      turnoverUsdt: usdt(sum(list.map((f) => quoteUsdt(record, f)))),
      feesUsdt: usdt(sum(list.map((f) => f.feeUsdt))),
    });
  }
  return { rows, warnings };
}
