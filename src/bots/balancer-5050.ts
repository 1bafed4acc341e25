import type { MexcClient, SymbolRules } from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import { checkRebalanceBuy } from "../filters/index.js";
import type { Logger } from "../log.js";
import { valuePortfolio } from "../portfolio/valuation.js";
import type { OrderPlacer } from "../trading/order-placer.js";
import type { Treasury } from "../trading/treasury.js";
import {
  type BookBuyResult,
  bookBuy,
  describeBuy,
  type HypeReading,
  hypeLine,
  ordered,
  outcomeOf,
  readHype,
  sizeBuy,
} from "./book-buy.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";

/**
 * 50/50 balancer (seed: Balancer5050): keeps alts and BTC/ETH at half of the invested value each (stables left
 * out). When one side is off 50 % by more than `deviationPct`, it buys the lagging side with free USDC: half the
 * gap in USD, at most `maxPerOperationUsdc`, keeping `keepUsdc` (the treasury's floor). BTC/ETH are split by
 * `btcEthSplitPct`; alts are spread over `altBasket`, the least held first, one symbol when the amount is small.
 * Each symbol passes the softer anti-hype check (checkRebalanceBuy). Buys with book-priced limit orders.
 */

const BALANCER_BOT = BOT_IDS.balancer5050;
const USDC = "USDC";
const TARGET_PCT = new D(50);
/** Half the gap per operation: the market moves while orders fill, and a full correction would overshoot. */
const GAP_FRACTION = new D("0.5");

export interface Balancer5050Deps {
  client: MexcClient;
  treasury: Treasury;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  /**
   * This bot's orders not yet settled (resting, or being looked up). While any rests, what it bought is not in the
   * balances yet, so deciding again would buy the same gap twice: the bot waits for them to fill or time out.
   */
  openOrders?: () => number;
  config: Pick<Config, "balancer5050" | "antiHype" | "scanner">;
  log?: Logger;
}

interface Candidate {
  symbol: string;
  rules: SymbolRules;
  hype: HypeReading;
  /** What the account holds of the base, in USDT; orders the alt basket (least held first). */
  held: D;
  /** Share of the side (percent), BTC/ETH side only. */
  splitPct?: D;
  /** Last price, to check a planned quote against the minimums before the book is read. */
  price: D;
}

interface Part {
  x: Candidate;
  quote: D;
}

const money = (d: D): string => d.toDecimalPlaces(2, D.ROUND_HALF_EVEN).toFixed();
const share = (d: D): string => d.toDecimalPlaces(1, D.ROUND_HALF_EVEN).toFixed();

export function createBalancer5050(deps: Balancer5050Deps): Monitor {
  const { client, treasury, orders, config, log } = deps;
  const c = config.balancer5050;
  const bot = BALANCER_BOT;

  /** Symbols of one side that exist, are tradable and pass the filter; the others are reported. */
  async function candidatesOf(
    symbols: { symbol: string; splitPct?: D }[],
    heldOf: (asset: string) => D,
    reasons: string[],
  ): Promise<Candidate[]> {
    const out: Candidate[] = [];
    const unusable: string[] = [];
    for (const { symbol, splitPct } of symbols) {
      const rules = await client.symbolRules(symbol);
      if (!rules) {
        unusable.push(`${symbol} (not a market of the exchange)`);
        continue;
      }
      if (!rules.tradable || rules.tradeSide === "closed" || rules.tradeSide === "sell-only") {
        unusable.push(
          `${symbol} (not tradable: ${rules.tradable ? `${rules.tradeSide} orders only` : "offline or not for the API"})`,
        );
        continue;
      }
      const hype = await readHype(
        client,
        symbol,
        { interval: config.scanner.klineInterval, limit: config.scanner.klineLimit },
        (input) => checkRebalanceBuy(config.antiHype, input),
      );
      reasons.push(hypeLine(symbol, hype, "blocked by the rebalance anti-hype filter: skipped"));
      if (hype.verdict.verdict === "blocked") continue;
      const price = hype.lastPrice ?? (await client.tickerPrice(symbol)).price;
      out.push({ symbol, rules, hype, price, held: heldOf(rules.base), ...(splitPct ? { splitPct } : {}) });
    }
    if (unusable.length > 0) reasons.push(`skipped: ${unusable.join(", ")}`);
    return out;
  }

  /** The quote each chosen symbol gets, its anti-hype multiplier applied. */
  function allocate(side: "core" | "alt", cands: Candidate[], amount: D, reasons: string[]): Part[] {
    const min = c.minPerAssetUsd;
    const part = (x: Candidate, quote: D): Part => ({ x, quote: quote.mul(x.hype.verdict.multiplier) });
    // Each part must clear minPerAssetUsd and the exchange's own minimums at the current price.
    const fits = (parts: Part[], base: D) =>
      base.gte(min) && parts.every((p) => sizeBuy(p.x.rules, p.quote, p.x.price).ok);
    if (side === "core") {
      // A blocked asset's share goes to the other: the point is the side's total.
      const sum = cands.reduce((s, x) => s.plus(x.splitPct ?? 0), new D(0));
      const parts = cands.map((x) => part(x, amount.mul(x.splitPct ?? 0).div(sum)));
      const smallest = D.min(...cands.map((x) => amount.mul(x.splitPct ?? 0).div(sum)));
      if (parts.length > 1 && !fits(parts, smallest)) {
        const first = [...cands].sort((a, b) =>
          (b.splitPct ?? new D(0)).comparedTo(a.splitPct ?? new D(0)),
        )[0];
        if (!first) return [];
        reasons.push(
          `${money(amount)} USDC is too little to split (${min.toFixed()} USD per asset): ${first.symbol} only`,
        );
        return [part(first, amount)];
      }
      return parts;
    }
    // Alts: the least held first, so the basket fills evenly over the operations; as many as the amount allows.
    const byHeld = [...cands].sort((a, b) => a.held.comparedTo(b.held));
    for (let n = Math.min(byHeld.length, amount.div(min).floor().toNumber()); n >= 1; n--) {
      const each = amount.div(n);
      const parts = byHeld.slice(0, n).map((x) => part(x, each));
      if (n > 1 && !fits(parts, each)) continue;
      if (n < byHeld.length) {
        reasons.push(
          `${money(amount)} USDC is enough for ${n} of ${byHeld.length} basket alts (${min.toFixed()} USD each at least): ${parts.map((p) => p.x.symbol).join(", ")}`,
        );
      }
      return parts;
    }
    return [];
  }

  async function run(ctx: RunContext): Promise<Decision> {
    const reasons: string[] = [];
    const skip = (why: string): Decision => ({
      acted: false,
      summary: `no purchase: ${why}`,
      reasons: [...reasons, why],
    });
    const resting = deps.openOrders?.() ?? 0;
    if (resting > 0)
      return skip(
        `${resting} order${resting === 1 ? "" : "s"} of mine still open: waiting for them to fill or time out`,
      );

    const balances = (await client.account()).balances;
    const holdings = new Map(balances.map((b) => [b.asset, b.free.plus(b.locked)]));
    const prices = new Map((await client.tickerPriceAll()).map((t) => [t.symbol, t.price]));
    const v = valuePortfolio(holdings, prices);
    if (v.unpriced.length > 0) reasons.push(`no price for ${v.unpriced.join(", ")}: counted as 0`);
    const altShare = v.altShareOfInvested;
    if (altShare === undefined) return skip("neither alts nor BTC/ETH held: nothing to balance");
    const invested = v.byGroup.alt.plus(v.byGroup.core);
    reasons.push(
      `alts ${share(altShare)} % (${money(v.byGroup.alt)} USD) vs BTC/ETH ${share(new D(100).minus(altShare))} % (${money(v.byGroup.core)} USD)`,
    );
    const deviation = altShare.minus(TARGET_PCT);
    if (deviation.abs().lte(c.deviationPct)) {
      return skip(`alts within ${c.deviationPct.toFixed()} points of 50 %`);
    }
    const side = deviation.gt(0) ? "core" : "alt";
    reasons.push(
      `off 50 % by ${share(deviation.abs())} points: buying ${side === "core" ? "BTC/ETH" : "alts"}`,
    );

    // Spendable already keeps the floor (keepUsdc).
    const free = await treasury.spendable(bot, USDC);
    const floor = treasury.floorOf(bot, USDC);
    if (free.lt(c.minUsdc)) {
      return skip(
        `free USDC ${money(free)} (after keeping ${floor.toFixed()}) is below the minimum ${c.minUsdc.toFixed()}`,
      );
    }
    const gapUsd = v.byGroup.alt.minus(invested.div(2)).abs();
    const amount = D.min(c.maxPerOperationUsdc, free, gapUsd.mul(GAP_FRACTION));
    reasons.push(
      `amount ${money(amount)} USDC = min(max ${c.maxPerOperationUsdc.toFixed()}, free ${money(free)} after keeping ${floor.toFixed()}, half the ${money(gapUsd)} USD gap)`,
    );
    if (amount.lt(c.minPerAssetUsd))
      return skip(`${money(amount)} USDC is under ${c.minPerAssetUsd.toFixed()} USD per asset`);

    const heldOf = (asset: string): D => v.assets.find((a) => a.asset === asset)?.value ?? new D(0);
    const symbols =
      side === "core"
        ? (["BTC", "ETH"] as const).map((a) => ({ symbol: `${a}${USDC}`, splitPct: c.btcEthSplitPct[a] }))
        : [...new Set(c.altBasket)].map((symbol) => ({ symbol }));
    const cands = await candidatesOf(symbols, heldOf, reasons);
    if (cands.length === 0) return skip(`no ${side === "core" ? "BTC/ETH" : "basket"} symbol to buy`);
    let parts = allocate(side, cands, amount, reasons);
    // A dip boost may take the total past the amount: the maximum and what is spendable apply last (issue 13).
    const planned = parts.reduce((s, p) => s.plus(p.quote), new D(0));
    const most = D.min(c.maxPerOperationUsdc, free);
    if (planned.gt(most)) {
      const limit = free.lt(c.maxPerOperationUsdc)
        ? `the free ${money(free)}`
        : `the ${c.maxPerOperationUsdc.toFixed()} USDC maximum`;
      reasons.push(`planned ${money(planned)} USDC is more than ${limit}: scaled down`);
      parts = parts.map((p) => ({ ...p, quote: p.quote.mul(most).div(planned) }));
    }

    // On disk before the first order leaves: a crash after it must not let the restarted balancer buy again.
    await ctx.commitLimits(ctx.now + c.cooldownSec * 1000);
    const done: { symbol: string; r: BookBuyResult }[] = [];
    for (const { x, quote } of parts) {
      if (ctx.signal.aborted) {
        reasons.push("stopped before every purchase was made");
        break;
      }
      const why = `50/50 rebalance: alts ${share(altShare)} %, buying ${side === "core" ? "BTC/ETH" : "alts"}; ${x.symbol} ${money(quote)} USDC ×${x.hype.verdict.multiplier}`;
      const r = await bookBuy(
        { client, treasury, orders },
        {
          bot,
          symbol: x.symbol,
          quote,
          reason: why,
          makerOffsetPct: c.makerOffsetPct,
          attempts: c.placementAttempts,
          timeoutMs: c.orderTimeoutSec * 1000,
          signal: ctx.signal,
        },
      );
      reasons.push(`${x.symbol} ${money(quote)} USDC (×${x.hype.verdict.multiplier}): ${describeBuy(r)}`);
      done.push({ symbol: x.symbol, r });
      log?.info({ bot, symbol: x.symbol, quote: quote.toFixed(), outcome: r.kind }, "rebalance buy");
    }
    const sent = done.filter((d) => ordered(d.r));
    if (sent.length === 0) return { acted: false, summary: "no purchase: no order went through", reasons };
    const summary = sent
      .map(
        (d) =>
          `${d.symbol} ${d.r.kind === "skipped" ? "" : money(d.r.order.notional)} USDC (${outcomeOf(d.r)})`,
      )
      .join(", ");
    return {
      acted: true,
      summary: `rebalanced: ${summary}`,
      reasons,
      cooldownUntil: ctx.now + c.cooldownSec * 1000,
    };
  }

  return { name: bot, intervalMs: c.intervalSec * 1000, buys: true, run };
}
