import type { MexcClient } from "../api/index.js";
import { D } from "../decimal.js";
import type { CostBasisSnapshot } from "../portfolio/cost-basis.js";
import { DEFAULT_TAKER_FEE, pnlTable } from "../portfolio/pnl-table.js";
import { groupOf } from "../portfolio/valuation.js";
import type { RunContext } from "./monitor.js";

/**
 * The profit sellers' periodic work, timed by the runs' clock (ctx.now) and kept in memory: every `notifyMs` a PnL
 * summary of the bot's assets ("report" event); for the core seller only, every `rebalanceMs` a portfolio
 * rebalance asked of the balancers ("rebalance-requested"), unless the total PnL is negative and
 * `rebalanceWhenPnlNegative` is off. The first run starts both clocks instead of reporting: a restart must not
 * send a burst of messages, and the balancers run at start on their own anyway.
 */

export interface PeriodicSettings {
  bot: string;
  kind: "core" | "alts";
  notifyMs: number;
  /** Only the core seller rebalances. */
  rebalanceMs: number | undefined;
  rebalanceWhenPnlNegative: boolean;
}

/** When each piece of periodic work was last done (runtime clock, ms); undefined before the first run. */
export interface PeriodicClock {
  lastSummary?: number;
  lastRebalance?: number;
}

/** What a due piece of periodic work reads: one price snapshot for both. */
interface Due {
  s: PeriodicSettings;
  ctx: RunContext;
  basis: CostBasisSnapshot;
  prices: ReadonlyMap<string, D>;
  takerFee: (asset: string) => D;
  reasons: string[];
}

const usd = (d: D): string => d.toDecimalPlaces(4, D.ROUND_HALF_EVEN).toFixed();

/** The PnL summary and the rebalance when due; returns short notes for the decision's summary. */
export async function periodic(
  client: Pick<MexcClient, "tickerPriceAll">,
  s: PeriodicSettings,
  clock: PeriodicClock,
  ctx: RunContext,
  basis: CostBasisSnapshot,
  fees: ReadonlyMap<string, D>,
  reasons: string[],
): Promise<string[]> {
  if (ctx.signal.aborted) return [];
  clock.lastSummary ??= ctx.now;
  clock.lastRebalance ??= ctx.now;
  const summaryDue = ctx.now - clock.lastSummary >= s.notifyMs;
  const rebalanceDue = s.rebalanceMs !== undefined && ctx.now - clock.lastRebalance >= s.rebalanceMs;
  if (!summaryDue && !rebalanceDue) return [];
  let prices: Map<string, D>;
  try {
    // One request (weight 2) prices every asset, alts included, which the total PnL needs.
    prices = new Map((await client.tickerPriceAll()).map((t) => [t.symbol, t.price]));
  } catch (err) {
    // Not marked done: the next run tries again.
    reasons.push(
      `periodic report postponed, prices unavailable: ${err instanceof Error ? err.message : String(err)}`,
    );
    return [];
  }
  const takerFee = (asset: string) => fees.get(asset) ?? DEFAULT_TAKER_FEE;
  const due: Due = { s, ctx, basis, prices, takerFee, reasons };
  const notes: string[] = [];
  if (summaryDue) {
    clock.lastSummary = ctx.now;
    notes.push(summary(due));
  }
  if (rebalanceDue) {
    clock.lastRebalance = ctx.now;
    notes.push(rebalance(due));
  }
  return notes;
}

function summary(due: Due): string {
  const { s, ctx, basis, prices, takerFee, reasons } = due;
  const group = s.kind === "core" ? "core" : "alt";
  const table = pnlTable(
    subset(basis, (a) => groupOf(a) === group),
    prices,
    takerFee,
    ctx.now,
  );
  ctx.emit({ type: "report", bot: s.bot, report: { kind: "pnl", scope: group, table } });
  reasons.push(
    `PnL summary sent: unrealized ${usd(table.totals.unrealized)}, realized ${usd(table.totals.realized)} USD`,
  );
  return "PnL summary sent";
}

function rebalance(due: Due): string {
  const { s, ctx, basis, prices, takerFee, reasons } = due;
  const all = pnlTable(basis, prices, takerFee, ctx.now);
  const total = all.totals.unrealized.plus(all.totals.realized);
  const unpriced = all.rows.filter((r) => r.price === undefined && r.quantity.gt(0)).map((r) => r.asset);
  const what =
    `total PnL ${usd(total)} USD (realized ${usd(all.totals.realized)}, unrealized ${usd(all.totals.unrealized)})` +
    (unpriced.length ? `, without the unpriced ${unpriced.join(", ")}` : "");
  if (total.isNegative() && !s.rebalanceWhenPnlNegative) {
    const why = `periodic rebalance skipped: ${what} is negative and rebalanceWhenPnlNegative is off`;
    reasons.push(why);
    ctx.emit({ type: "report", bot: s.bot, report: { kind: "rebalance-skipped", why } });
    return "rebalance skipped (PnL negative)";
  }
  const reason = `periodic rebalance (every ${(s.rebalanceMs ?? 0) / 1000} s): ${what}`;
  ctx.emit({ type: "rebalance-requested", by: s.bot, reason });
  reasons.push(`${reason}: requested`);
  return "rebalance requested";
}

/** The snapshot restricted to some assets, its realized PnL summed over them only. */
function subset(basis: CostBasisSnapshot, keep: (asset: string) => boolean): CostBasisSnapshot {
  const assets = new Map([...basis.assets].filter(([asset]) => keep(asset)));
  const realizedPnl = [...assets.values()].reduce((sum, p) => sum.plus(p.realizedPnl), new D(0));
  const warnings = basis.warnings.filter((w) => keep(w.asset));
  return { ...basis, assets, realizedPnl, warnings };
}
