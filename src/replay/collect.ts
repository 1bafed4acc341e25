import { D } from "../decimal.js";
import { valueBalances } from "../portfolio/account-value.js";
import type { Fill } from "../portfolio/fill.js";
import type { PnlTable } from "../portfolio/pnl-table.js";
import { usdtPrice } from "../portfolio/valuation.js";
import type { Simulator } from "../sim/index.js";
import type { JournalEntry } from "../store/journal-schema.js";
import type { ReplayBotResult, ReplayFill, ReplaySample } from "./record.js";

/** Amounts in the record: 8 decimals are finer than any MEXC step and keep the files readable. */
const money = (d: D) => d.toDecimalPlaces(8).toFixed();
/** The benchmarks' assets are priced in every sample, held or not. */
const ALWAYS_PRICED = ["BTC", "ETH", "USDC"];

/**
 * The account at this instant valued as the suite values it (portfolio/account-value.ts), from the simulator's own
 * books and last prices rather than over the wire: sampling must not spend the bots' request budget.
 */
export function sampleAccount(sim: Simulator, apiKey: string, timeMs: number): ReplaySample {
  const held = Object.entries(sim.account(apiKey).balances)
    .map(([asset, b]) => ({ asset, free: new D(b.free), locked: new D(b.locked) }))
    .filter((b) => !b.free.plus(b.locked).isZero());
  const assets = [...new Set([...held.map((b) => b.asset), ...ALWAYS_PRICED])].sort();
  const prices = new Map<string, D>();
  for (const symbol of ["USDCUSDT", ...assets.flatMap((a) => [`${a}USDT`, `${a}USDC`])]) {
    const p = priceOf(sim, symbol);
    if (p) prices.set(symbol, p);
  }
  const value = valueBalances(held, prices);
  const balances: Record<string, string> = {};
  for (const b of [...held].sort((x, y) => x.asset.localeCompare(y.asset)))
    balances[b.asset] = b.free.plus(b.locked).toFixed();
  const pricesUsdt: Record<string, string> = { USDT: "1" };
  for (const a of assets) {
    const p = usdtPrice(a, prices);
    if (p) pricesUsdt[a] = p.toFixed();
  }
  return { timeMs, valueUsdt: money(value.total), balances, pricesUsdt };
}

function priceOf(sim: Simulator, symbol: string): D | undefined {
  try {
    return new D(sim.market.price(symbol));
  } catch {
    return undefined; // no such market
  }
}

/** USDT per unit of `asset` at `timeMs`: the last sample at or before it (the first one before the first sample). */
function priceAt(samples: readonly ReplaySample[], asset: string, timeMs: number): D | undefined {
  if (asset === "USDT") return new D(1);
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((samples[mid]?.timeMs ?? 0) <= timeMs) lo = mid;
    else hi = mid - 1;
  }
  const p = samples[lo]?.pricesUsdt[asset];
  return p === undefined ? undefined : new D(p);
}

/** The ledger's fills as the record keeps them, each fee valued in USDT at the fill's time. */
export function recordFills(fills: readonly Fill[], samples: readonly ReplaySample[]): ReplayFill[] {
  return [...fills]
    .sort((a, b) => a.time - b.time || a.id.localeCompare(b.id))
    .map((f) => {
      const quoteUsdt = priceAt(samples, f.quote, f.time);
      // A base-asset fee is worth the fill's price in quote; a third asset (MX) is priced from the samples.
      const feeUsdt =
        f.feeAsset === f.quote
          ? quoteUsdt?.mul(f.fee)
          : f.feeAsset === f.base
            ? quoteUsdt?.mul(f.price).mul(f.fee)
            : priceAt(samples, f.feeAsset, f.time)?.mul(f.fee);
      return {
        timeMs: f.time,
        bot: f.bot ?? "manual",
        symbol: f.symbol,
        base: f.base,
        quote: f.quote,
        side: f.side,
        price: f.price.toFixed(),
        qty: f.qty.toFixed(),
        quoteQty: f.quoteQty.toFixed(),
        fee: f.fee.toFixed(),
        feeAsset: f.feeAsset,
        feeUsdt: money(feeUsdt ?? new D(0)),
        orderId: f.orderId,
        isMaker: f.isMaker,
      };
    });
}

/**
 * Per bot: its orders (journal entries) and fills, turnover and fees from its fills, realized PnL as the ledger
 * books it. The account's cost basis is pooled per asset, so unrealized PnL has no owner of its own: each asset's
 * (computePnl's row) is shared among the bots in proportion to what each still holds of it from its own fills
 * (bought minus sold, when above 0); the shares add up to the account's unrealized PnL.
 */
export function recordBots(
  journal: Readonly<Record<string, JournalEntry>>,
  fills: readonly ReplayFill[],
  realizedByBot: ReadonlyMap<string, D>,
  pnl: PnlTable,
  samples: readonly ReplaySample[],
): ReplayBotResult[] {
  const bots = new Set<string>([...realizedByBot.keys(), ...fills.map((f) => f.bot)]);
  for (const e of Object.values(journal)) bots.add(e.bot);
  const unrealized = unrealizedByBot(fills, pnl);
  return [...bots].sort().map((bot) => {
    const own = fills.filter((f) => f.bot === bot);
    const orders = Object.values(journal).filter((e) => e.bot === bot).length;
    const turnover = own.reduce(
      (s, f) => s.plus(new D(f.quoteQty).mul(priceAt(samples, f.quote, f.timeMs) ?? 0)),
      new D(0),
    );
    return {
      bot,
      orders,
      fills: own.length,
      realizedUsdt: money(realizedByBot.get(bot) ?? new D(0)),
      unrealizedUsdt: money(unrealized.get(bot) ?? new D(0)),
      turnoverUsdt: money(turnover),
      feesUsdt: money(own.reduce((s, f) => s.plus(f.feeUsdt), new D(0))),
    };
  });
}

function unrealizedByBot(fills: readonly ReplayFill[], pnl: PnlTable): Map<string, D> {
  const net = new Map<string, Map<string, D>>(); // asset → bot → quantity still held from its own fills
  for (const f of fills) {
    const byBot = net.get(f.base) ?? new Map<string, D>();
    const q = new D(f.qty).mul(f.side === "BUY" ? 1 : -1);
    byBot.set(f.bot, (byBot.get(f.bot) ?? new D(0)).plus(q));
    net.set(f.base, byBot);
  }
  const out = new Map<string, D>();
  for (const row of pnl.rows) {
    if (!row.unrealized) continue;
    const holders = [...(net.get(row.asset) ?? new Map<string, D>())].filter(([, q]) => q.gt(0));
    const total = holders.reduce((s, [, q]) => s.plus(q), new D(0));
    if (total.isZero()) continue;
    for (const [bot, q] of holders)
      out.set(bot, (out.get(bot) ?? new D(0)).plus(row.unrealized.mul(q).div(total)));
  }
  return out;
}
