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
import { takeProfit } from "../filters/index.js";
import type { Logger } from "../log.js";
import { type AssetPosition, type CostBasisSnapshot, unrealizedPnl } from "../portfolio/cost-basis.js";
import type { Ledger } from "../portfolio/ledger.js";
import { DEFAULT_TAKER_FEE } from "../portfolio/pnl-table.js";
import { groupOf } from "../portfolio/valuation.js";
import type { OrderPlacer, SubmitOutcome } from "../trading/order-placer.js";
import type { Funds, Lease } from "../trading/treasury.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
import { type PeriodicClock, periodic } from "./seller-periodic.js";

/**
 * Sells a position whose unrealized profit exceeds a threshold, with a limit order slightly under the market so it
 * fills quickly (the seed's PnLMonitor / AltsMonitor). One implementation for both bots:
 * - "core": the pairs of `config.pnlSeller` (BTCUSDC, ETHUSDC), threshold `pnlSeller.profitThresholdUsd`;
 * - "alts": every alt position of the ledger that has a USDT market, threshold `altsSeller.profitThresholdUsd`.
 * A sell frees quote: it is announced with a "funds-freed" event so the balancers can spend it.
 *
 * Periodic work (bots/seller-periodic.ts): every `notifyEverySec` a PnL summary of the bot's assets; for "core"
 * only, every `rebalanceEverySec` a portfolio rebalance asked of the balancers. The threshold rule is the filters'
 * pure `takeProfit`.
 */
export interface ProfitSellerDeps {
  kind: "core" | "alts";
  client: MexcClient;
  treasury: Funds;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  ledger: Ledger;
  config: Pick<Config, "pnlSeller" | "altsSeller">;
  log?: Logger;
}

/**
 * Our own fills are synced the moment the order manager sees them; the routine sync only catches trades made
 * elsewhere. The alts seller hands the ledger the account read it makes anyway, and a symbol is synced only when
 * its base total moved by more than the fills the ledger booked meanwhile, or hourly (portfolio/routine-sync.ts);
 * the core seller reads no account, so it compares the newest read the ledger holds, and falls back to once every
 * 5 minutes per symbol only when no read has come for that long.
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
  rebalanceWhenPnlNegative: boolean;
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
      rebalanceWhenPnlNegative: c.rebalanceWhenPnlNegative,
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
    rebalanceWhenPnlNegative: deps.config.pnlSeller.rebalanceWhenPnlNegative,
  };
}

const usd = (d: D): string => d.toDecimalPlaces(4, D.ROUND_HALF_EVEN).toFixed();

/**
 * The symbols to check, with their rules, and the cost basis after the sync; unknown symbols are reported, not
 * fatal.
 */
async function pairsToCheck(
  deps: ProfitSellerDeps,
  reasons: string[],
): Promise<{ pairs: SymbolRules[]; basis: CostBasisSnapshot }> {
  const { client, ledger } = deps;
  let symbols: string[];
  if (deps.kind === "core") {
    symbols = [...new Set(deps.config.pnlSeller.pairs)];
    await ledger.syncAll(symbols, { routine: { maxAgeMs: ROUTINE_SYNC_MS } });
  } else {
    // Alts the ledger knows of, plus alts held now (bought by hand or by a bot whose symbol was never synced).
    const known = ledger.tradedPairs.filter((p) => groupOf(p.base) === "alt").map((p) => p.symbol);
    const { balances } = await client.account();
    const held = balances
      .filter((b) => groupOf(b.asset) === "alt" && b.free.plus(b.locked).gt(0))
      .map((b) => `${b.asset}${ALT_QUOTE}`);
    const existing: string[] = [];
    for (const symbol of new Set([...known, ...held])) {
      if (await client.symbolRules(symbol)) existing.push(symbol);
    }
    await ledger.syncAll(existing, { routine: { maxAgeMs: ROUTINE_SYNC_MS, balances } });
    symbols = [];
  }
  const basis = ledger.costBasis();
  if (deps.kind === "alts") {
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

/** One position priced and judged: what the run needs to sell it, and the head of its reason line. */
interface Judged {
  rules: SymbolRules;
  asset: string;
  position: AssetPosition;
  price: D;
  pnl: D;
  head: string;
}

/** A sale sized to what is free, priced into MEXC's band, checked against the symbol's rules; or why not. */
function sizeSale(
  s: Settings,
  j: Judged,
  free: D,
): { ok: true; quantity: D; limitPrice: D; clamped: boolean } | { ok: false; why: string } {
  const { rules, price } = j;
  const quantity = roundQuantity(rules, D.min(j.position.quantity, free));
  // Never under MEXC's price band (measured from the last price): moved up into it, or not sold this run.
  const target = roundPrice(rules, price.mul(s.limitPriceFactor), "SELL");
  const banded = clampToBand(rules.priceBand, rules.tick, "SELL", target, price);
  if (!banded.ok) return { ok: false, why: `not sold this run: ${banded.why}` };
  const limitPrice = banded.price;
  const order = { side: "SELL", type: "LIMIT", quantity, price: limitPrice, marketPrice: price } as const;
  const check = checkOrder(rules, order);
  if (!check.ok) {
    return {
      ok: false,
      why: `dust, not sold (${quantity.toFixed()} of ${free.toFixed()} free at ${limitPrice.toFixed()}: ${check.message})`,
    };
  }
  return { ok: true, quantity, limitPrice, clamped: banded.clamped };
}

/** The order itself: a LIMIT sell slightly under the market, cancelled after the bot's timeout. */
function placeSell(
  deps: ProfitSellerDeps,
  s: Settings,
  j: Judged,
  quantity: D,
  limitPrice: D,
  lease: Lease,
): Promise<SubmitOutcome> {
  return deps.orders.place({
    bot: s.name,
    reason: `take profit: unrealized ${usd(j.pnl)} USD > ${s.threshold.toFixed()}`,
    symbol: j.rules.symbol,
    side: "SELL",
    type: "LIMIT",
    quantity,
    price: limitPrice,
    marketPrice: j.price,
    lease,
    timeoutMs: s.timeoutMs,
  });
}

/** Sells one position above the threshold; answers what was sold (for the summary), or undefined. */
async function sell(
  deps: ProfitSellerDeps,
  s: Settings,
  ctx: RunContext,
  j: Judged,
  reasons: string[],
): Promise<string | undefined> {
  const { rules, asset, head } = j;
  const bot = s.name;
  const free = await deps.treasury.spendable(bot, asset);
  const sized = sizeSale(s, j, free);
  if (!sized.ok) {
    reasons.push(`${head}: ${sized.why}`);
    return undefined;
  }
  const { quantity, limitPrice } = sized;
  const grant = await deps.treasury.reserve(bot, asset, quantity);
  if (!grant.ok) {
    reasons.push(`${head}: cannot reserve ${quantity.toFixed()} ${asset}: ${grant.reason}`);
    return undefined;
  }
  const out = await placeSell(deps, s, j, quantity, limitPrice, grant.lease);
  const what = `SELL ${quantity.toFixed()} ${asset} at ${limitPrice.toFixed()} ${rules.quote}${sized.clamped ? " (raised into the exchange's price band)" : ""}`;
  switch (out.kind) {
    case "refused":
      reasons.push(`${head}: ${what} refused: ${out.reason}`);
      return undefined;
    case "rejected":
      reasons.push(`${head}: ${what} rejected: ${out.error.message}`);
      return undefined;
    case "proposed":
      reasons.push(
        `${head}: ${what} proposed for approval (${out.fresh ? "new" : "already waiting"}, ${out.proposal.id})`,
      );
      return `${what} (proposed)`;
    case "unknown":
      reasons.push(`${head}: ${what} sent, outcome unknown (being looked up)`);
      return `${what} (unknown)`;
    case "placed":
      break;
  }
  const entry = out.entry;
  // Filled: what the exchange paid; resting: what the order will pay when it fills.
  const filledQuote = new D(entry.cummulativeQuoteQty);
  const freed = entry.state === "FILLED" && filledQuote.gt(0) ? filledQuote : quantity.mul(limitPrice);
  ctx.emit({ type: "funds-freed", asset: rules.quote, amount: freed.toFixed(), by: bot });
  reasons.push(`${head}: ${what} ${entry.state.toLowerCase()}, frees ~${usd(freed)} ${rules.quote}`);
  const fields = { quantity: quantity.toFixed(), price: limitPrice.toFixed(), pnl: j.pnl.toFixed() };
  deps.log?.info({ bot, symbol: rules.symbol, ...fields, state: entry.state }, "profit sell");
  return `${what} (${entry.state.toLowerCase()})`;
}

/** Prices one position and applies the threshold rule; sells it when the rule says so. */
async function consider(
  deps: ProfitSellerDeps,
  s: Settings,
  ctx: RunContext,
  rules: SymbolRules,
  position: AssetPosition,
  price: D,
  reasons: string[],
): Promise<string | undefined> {
  const asset = rules.base;
  const pnl = unrealizedPnl(position, price, rules.takerCommission ?? DEFAULT_TAKER_FEE);
  const head = `${asset}: ${position.quantity.toFixed()} at avg ${usd(position.avgCost)}, ${rules.symbol} ${price.toFixed()}, unrealized ${usd(pnl)} USD vs threshold ${s.threshold.toFixed()}`;
  switch (takeProfit(pnl, s.threshold, s.autoSell)) {
    case "hold":
      reasons.push(`${head}: below the threshold, holding`);
      return undefined;
    case "auto-sell-off":
      reasons.push(`${head}: above the threshold, but autoSell is off: not selling`);
      return undefined;
    case "sell":
      return sell(deps, s, ctx, { rules, asset, position, price, pnl, head }, reasons);
  }
}

export function createProfitSeller(deps: ProfitSellerDeps): Monitor {
  const s = settingsOf(deps);
  const { client } = deps;
  const bot = s.name;
  const clock: PeriodicClock = {};

  async function run(ctx: RunContext): Promise<Decision> {
    const reasons: string[] = [];
    const sold: string[] = [];
    // One cost-basis pass per run: it replays the whole fill history.
    const { pairs, basis } = await pairsToCheck(deps, reasons);
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
      fees.set(asset, rules.takerCommission ?? DEFAULT_TAKER_FEE);
      const done = await consider(deps, s, ctx, rules, position, price, reasons);
      if (done) sold.push(done);
    }

    const periodicSettings = { ...s, bot, kind: deps.kind };
    const notes = await periodic(client, periodicSettings, clock, ctx, basis, fees, reasons);
    const tail = notes.map((n) => ` · ${n}`).join("");
    if (sold.length) return { acted: true, summary: sold.join("; ") + tail, reasons };
    const summary =
      checked === 0
        ? "no positions to check"
        : `nothing to sell (${checked} position${checked === 1 ? "" : "s"} checked)`;
    return { acted: false, summary: summary + tail, reasons };
  }

  return { name: bot, intervalMs: s.intervalMs, buys: false, run };
}
