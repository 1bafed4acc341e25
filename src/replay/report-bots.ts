import { D } from "../decimal.js";
import type { ReplayFill, ReplayRecord, ReplaySample } from "./record.js";

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
 * Quote prices in USDT for the fills of a bot without a result row, walked forward with the fills (both lists are
 * oldest first, so a year of fills costs one pass over the samples): the quote's price at the last sample at or
 * before the fill, else its first price after (a fill before the first sample), else 1 (a stablecoin no sample
 * priced).
 */
class QuotePrices {
  private next = 0;
  private readonly last = new Map<string, string>();

  constructor(
    private readonly samples: ReplayRecord["samples"],
    private readonly assets: ReadonlySet<string>,
  ) {}

  usdt(fill: ReplayFill): D {
    const qty = new D(fill.quoteQty);
    if (fill.quote === "USDT") return qty;
    for (; this.next < this.samples.length; this.next++) {
      const s = this.samples[this.next] as ReplaySample;
      if (s.timeMs > fill.timeMs) break;
      for (const a of this.assets) {
        const p = s.pricesUsdt[a];
        if (p !== undefined) this.last.set(a, p);
      }
    }
    return qty.mul(this.last.get(fill.quote) ?? this.firstPrice(fill.quote) ?? "1");
  }

  private readonly first = new Map<string, string | undefined>();

  private firstPrice(asset: string): string | undefined {
    if (!this.first.has(asset)) {
      this.first.set(asset, this.samples.find((s) => s.pricesUsdt[asset] !== undefined)?.pricesUsdt[asset]);
    }
    return this.first.get(asset);
  }
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
  const unlisted = record.fills.filter((f) => !known.has(f.bot));
  const prices = new QuotePrices(record.samples, new Set(unlisted.map((f) => f.quote)));
  const turnover = new Map<string, D>();
  for (const f of [...unlisted].sort((a, b) => a.timeMs - b.timeMs)) {
    turnover.set(f.bot, (turnover.get(f.bot) ?? new D(0)).add(prices.usdt(f)));
  }
  for (const bot of extras) {
    const list = fills.get(bot) ?? [];
    rows.push({
      bot,
      orders: new Set(list.map((f) => f.orderId)).size,
      fills: list.length,
      realizedUsdt: null,
      unrealizedUsdt: null,
      turnoverUsdt: usdt(turnover.get(bot) ?? new D(0)),
      feesUsdt: usdt(sum(list.map((f) => f.feeUsdt))),
    });
  }
  return { rows, warnings };
}
