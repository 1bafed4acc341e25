import {
  checkOrder,
  clampToBand,
  type MexcClient,
  roundPrice,
  roundQuantity,
  type SymbolRules,
} from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import { type CostBasisSnapshot, unrealizedPnl } from "../portfolio/cost-basis.js";
import type { Ledger } from "../portfolio/ledger.js";
import { DEFAULT_TAKER_FEE, pnlTable } from "../portfolio/pnl-table.js";
import { groupOf } from "../portfolio/valuation.js";
import type { OrderPlacer } from "../trading/order-placer.js";
import type { Treasury } from "../trading/treasury.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";

/**
 * Sells a position whose unrealized profit exceeds a threshold, with a limit order slightly under the market so it
 * fills quickly (the seed's PnLMonitor / AltsMonitor). One implementation for both bots:
 * - "core": the pairs of `config.pnlSeller` (BTCUSDC, ETHUSDC), threshold `pnlSeller.profitThresholdUsd`;
 * - "alts": every alt position of the ledger that has a USDT market, threshold `altsSeller.profitThresholdUsd`.
 * A sell frees quote: it is announced with a "funds-freed" event so the balancers can spend it.
 *
 * Periodic work, timed by the runs' clock (ctx.now) and kept in memory: every `notifyEverySec` a PnL summary of the
 * bot's assets ("report" event); for "core" only, every `rebalanceEverySec` a portfolio rebalance, asked of the
 * balancers with a "rebalance-requested" event, unless the total PnL is negative and `rebalanceWhenPnlNegative` is
 * off. The first run starts both clocks instead of reporting: a restart must not send a burst of messages, and the
 * balancers run at start on their own anyway.
 */
export interface ProfitSellerDeps {
  kind: "core" | "alts";
  client: MexcClient;
  treasury: Treasury;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  ledger: Ledger;
  config: Pick<Config, "pnlSeller" | "altsSeller">;
  log?: Logger;
}

/**
 * Our own fills are synced the moment the order manager sees them; this routine sync only catches trades made
 * elsewhere, so once every 5 minutes per symbol is enough (instead of one myTrades call per symbol per run).
 */
const ROUTINE_SYNC_MS = 5 * 60_000;
const ALT_QUOTE = "USDT";

interface Settings {
  name: string;
  intervalMs: number;
  threshold: D;
  autoSell: boolean;
  limitPriceFactor: D;
  timeoutMs: number;
  notifyMs: number;
  /** Only the core seller rebalances. */
  rebalanceMs: number | undefined;
}

function settingsOf(deps: ProfitSellerDeps): Settings {
  if (deps.kind === "core") {
    const c = deps.config.pnlSeller;
    return {
      name: BOT_IDS.pnlSeller,
      intervalMs: c.intervalSec * 1000,
      threshold: c.profitThresholdUsd,
      autoSell: c.autoSell,
      limitPriceFactor: c.limitPriceFactor,
      timeoutMs: c.orderTimeoutSec * 1000,
      notifyMs: c.notifyEverySec * 1000,
      rebalanceMs: c.rebalanceEverySec * 1000,
    };
  }
  const c = deps.config.altsSeller;
  return {
    name: BOT_IDS.altsSeller,
    intervalMs: c.intervalSec * 1000,
    threshold: c.profitThresholdUsd,
    autoSell: true,
    limitPriceFactor: c.limitPriceFactor,
    timeoutMs: c.orderTimeoutSec * 1000,
    notifyMs: c.notifyEverySec * 1000,
    rebalanceMs: undefined,
  };
}

const usd = (d: D): string => d.toDecimalPlaces(4, D.ROUND_HALF_EVEN).toFixed();

export function createProfitSeller(deps: ProfitSellerDeps): Monitor {
  const s = settingsOf(deps);
  const { client, treasury, orders, ledger, log } = deps;
  const bot = s.name;
  let lastSummary: number | undefined;
  let lastRebalance: number | undefined;

  /**
   * The symbols to check, with their rules, and the cost basis after the sync; unknown symbols are reported, not
   * fatal.
   */
  async function pairsToCheck(
    reasons: string[],
  ): Promise<{ pairs: SymbolRules[]; basis: CostBasisSnapshot }> {
    let basis: CostBasisSnapshot;
    let symbols: string[];
    if (deps.kind === "core") {
      symbols = [...new Set(deps.config.pnlSeller.pairs)];
      await ledger.syncAll(symbols, { maxAgeMs: ROUTINE_SYNC_MS });
      basis = ledger.costBasis();
    } else {
      // Alts the ledger knows of, plus alts held now (bought by hand or by a bot whose symbol was never synced).
      const known = ledger.fills.filter((f) => groupOf(f.base) === "alt").map((f) => f.symbol);
      const held = (await client.account()).balances
        .filter((b) => groupOf(b.asset) === "alt" && b.free.plus(b.locked).gt(0))
        .map((b) => `${b.asset}${ALT_QUOTE}`);
      const candidates = [...new Set([...known, ...held])];
      const existing: string[] = [];
      for (const symbol of candidates) {
        if (await client.symbolRules(symbol)) existing.push(symbol);
      }
      await ledger.syncAll(existing, { maxAgeMs: ROUTINE_SYNC_MS });
      basis = ledger.costBasis();
      symbols = [];
      for (const [asset, position] of basis.assets) {
        if (groupOf(asset) !== "alt" || position.quantity.lte(0)) continue;
        symbols.push(`${asset}${ALT_QUOTE}`);
      }
    }
    const out: SymbolRules[] = [];
    for (const symbol of symbols) {
      const rules = await client.symbolRules(symbol);
      if (rules) out.push(rules);
      else reasons.push(`${symbol}: not a market of the exchange, skipped`);
    }
    return { pairs: out, basis };
  }

  async function run(ctx: RunContext): Promise<Decision> {
    const reasons: string[] = [];
    const sold: string[] = [];
    // One cost-basis pass per run: it replays the whole fill history.
    const { pairs, basis } = await pairsToCheck(reasons);
    const seen = new Set<string>();
    /** Taker fee by asset, from the rules read for the sales, for the periodic PnL figures. */
    const fees = new Map<string, D>();
    let checked = 0;
    // Beyond a few positions one all-symbols call (weight 2) beats one call per position (weight 1 each): the alts
    // seller may hold dozens of alts, checked every minute.
    const allPrices =
      pairs.length > 2 ? new Map((await client.tickerPriceAll()).map((t) => [t.symbol, t.price])) : undefined;

    for (const rules of pairs) {
      if (ctx.signal.aborted) {
        reasons.push("stopped before every position was checked");
        break;
      }
      const asset = rules.base;
      if (seen.has(asset)) continue;
      seen.add(asset);
      const position = basis.assets.get(asset);
      if (!position || position.quantity.lte(0)) {
        reasons.push(`${asset}: no position`);
        continue;
      }
      checked++;
      const price = allPrices?.get(rules.symbol) ?? (await client.tickerPrice(rules.symbol)).price;
      const fee = rules.takerCommission ?? DEFAULT_TAKER_FEE;
      fees.set(asset, fee);
      const pnl = unrealizedPnl(position, price, fee);
      const head = `${asset}: ${position.quantity.toFixed()} at avg ${usd(position.avgCost)}, ${rules.symbol} ${price.toFixed()}, unrealized ${usd(pnl)} USD vs threshold ${s.threshold.toFixed()}`;
      if (!pnl.gt(s.threshold)) {
        reasons.push(`${head}: below the threshold, holding`);
        continue;
      }
      if (!s.autoSell) {
        reasons.push(`${head}: above the threshold, but autoSell is off: not selling`);
        continue;
      }

      const free = await treasury.spendable(bot, asset);
      const quantity = roundQuantity(rules, D.min(position.quantity, free));
      // Never under MEXC's price band (measured from the last price): moved up into it, or not sold this run.
      const banded = clampToBand(
        rules.priceBand,
        rules.tick,
        "SELL",
        roundPrice(rules, price.mul(s.limitPriceFactor), "SELL"),
        price,
      );
      if (!banded.ok) {
        reasons.push(`${head}: not sold this run: ${banded.why}`);
        continue;
      }
      const limitPrice = banded.price;
      const check = checkOrder(rules, {
        side: "SELL",
        type: "LIMIT",
        quantity,
        price: limitPrice,
        marketPrice: price,
      });
      if (!check.ok) {
        reasons.push(
          `${head}: dust, not sold (${quantity.toFixed()} of ${free.toFixed()} free at ${limitPrice.toFixed()}: ${check.message})`,
        );
        continue;
      }
      const grant = await treasury.reserve(bot, asset, quantity);
      if (!grant.ok) {
        reasons.push(`${head}: cannot reserve ${quantity.toFixed()} ${asset}: ${grant.reason}`);
        continue;
      }
      const out = await orders.place({
        bot,
        reason: `take profit: unrealized ${usd(pnl)} USD > ${s.threshold.toFixed()}`,
        symbol: rules.symbol,
        side: "SELL",
        type: "LIMIT",
        quantity,
        price: limitPrice,
        marketPrice: price,
        lease: grant.lease,
        timeoutMs: s.timeoutMs,
      });
      const what = `SELL ${quantity.toFixed()} ${asset} at ${limitPrice.toFixed()} ${rules.quote}${banded.clamped ? " (raised into the exchange's price band)" : ""}`;
      if (out.kind === "refused") {
        reasons.push(`${head}: ${what} refused: ${out.reason}`);
        continue;
      }
      if (out.kind === "rejected") {
        reasons.push(`${head}: ${what} rejected: ${out.error.message}`);
        continue;
      }
      if (out.kind === "proposed") {
        reasons.push(
          `${head}: ${what} proposed for approval (${out.fresh ? "new" : "already waiting"}, ${out.proposal.id})`,
        );
        sold.push(`${what} (proposed)`);
        continue;
      }
      const entry = out.entry;
      if (out.kind === "unknown") {
        reasons.push(`${head}: ${what} sent, outcome unknown (being looked up)`);
        sold.push(`${what} (unknown)`);
        continue;
      }
      // Filled: what the exchange paid; resting: what the order will pay when it fills.
      const filledQuote = new D(entry.cummulativeQuoteQty);
      const freed = entry.state === "FILLED" && filledQuote.gt(0) ? filledQuote : quantity.mul(limitPrice);
      ctx.emit({ type: "funds-freed", asset: rules.quote, amount: freed.toFixed(), by: bot });
      reasons.push(`${head}: ${what} ${entry.state.toLowerCase()}, frees ~${usd(freed)} ${rules.quote}`);
      sold.push(`${what} (${entry.state.toLowerCase()})`);
      log?.info(
        {
          bot,
          symbol: rules.symbol,
          quantity: quantity.toFixed(),
          price: limitPrice.toFixed(),
          pnl: pnl.toFixed(),
          state: entry.state,
        },
        "profit sell",
      );
    }

    const notes = await periodic(ctx, basis, fees, reasons);
    const tail = notes.map((n) => ` · ${n}`).join("");
    if (sold.length) return { acted: true, summary: sold.join("; ") + tail, reasons };
    const summary =
      checked === 0
        ? "no positions to check"
        : `nothing to sell (${checked} position${checked === 1 ? "" : "s"} checked)`;
    return { acted: false, summary: summary + tail, reasons };
  }

  /** The PnL summary and the rebalance when due; returns short notes for the decision's summary. */
  async function periodic(
    ctx: RunContext,
    basis: CostBasisSnapshot,
    fees: ReadonlyMap<string, D>,
    reasons: string[],
  ): Promise<string[]> {
    if (ctx.signal.aborted) return [];
    lastSummary ??= ctx.now;
    lastRebalance ??= ctx.now;
    const summaryDue = ctx.now - lastSummary >= s.notifyMs;
    const rebalanceMs = s.rebalanceMs;
    const rebalanceDue = rebalanceMs !== undefined && ctx.now - lastRebalance >= rebalanceMs;
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
    const notes: string[] = [];

    if (summaryDue) {
      lastSummary = ctx.now;
      const group = deps.kind === "core" ? "core" : "alt";
      const table = pnlTable(
        subset(basis, (a) => groupOf(a) === group),
        prices,
        takerFee,
        ctx.now,
      );
      ctx.emit({ type: "report", bot, report: { kind: "pnl", scope: group, table } });
      reasons.push(
        `PnL summary sent: unrealized ${usd(table.totals.unrealized)}, realized ${usd(table.totals.realized)} USD`,
      );
      notes.push("PnL summary sent");
    }

    if (rebalanceDue) {
      lastRebalance = ctx.now;
      const all = pnlTable(basis, prices, takerFee, ctx.now);
      const total = all.totals.unrealized.plus(all.totals.realized);
      const unpriced = all.rows.filter((r) => r.price === undefined && r.quantity.gt(0)).map((r) => r.asset);
      const what =
        `total PnL ${usd(total)} USD (realized ${usd(all.totals.realized)}, unrealized ${usd(all.totals.unrealized)})` +
        (unpriced.length ? `, without the unpriced ${unpriced.join(", ")}` : "");
      if (total.isNegative() && !deps.config.pnlSeller.rebalanceWhenPnlNegative) {
        const why = `periodic rebalance skipped: ${what} is negative and rebalanceWhenPnlNegative is off`;
        reasons.push(why);
        ctx.emit({ type: "report", bot, report: { kind: "rebalance-skipped", why } });
        notes.push("rebalance skipped (PnL negative)");
      } else {
        const reason = `periodic rebalance (every ${(rebalanceMs ?? 0) / 1000} s): ${what}`;
        ctx.emit({ type: "rebalance-requested", by: bot, reason });
        reasons.push(`${reason}: requested`);
        notes.push("rebalance requested");
      }
    }
    return notes;
  }

  return { name: bot, intervalMs: s.intervalMs, buys: false, run };
}

/** The snapshot restricted to some assets, its realized PnL summed over them only. */
function subset(basis: CostBasisSnapshot, keep: (asset: string) => boolean): CostBasisSnapshot {
  const assets = new Map([...basis.assets].filter(([asset]) => keep(asset)));
  const realizedPnl = [...assets.values()].reduce((sum, p) => sum.plus(p.realizedPnl), new D(0));
  const warnings = basis.warnings.filter((w) => keep(w.asset));
  return { ...basis, assets, realizedPnl, warnings };
}
