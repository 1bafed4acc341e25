import type { MexcClient, SymbolRules } from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import { checkBuy } from "../filters/index.js";
import type { Logger } from "../log.js";
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
 * Balance buyer (seed: BalanceMonitor): when enough USDC is free, buys BTC and ETH towards a 60/40 split of their
 * value, only the lagging one when the split is off by more than `rebalanceDeviationPts`, sized by the anti-hype
 * filter (damped into hype, doubled into a dip, skipped when blocked), with book-priced limit orders.
 */

const BUYER_BOT = BOT_IDS.balanceBuyer;
const USDC = "USDC";
const USDT = "USDT";
const ASSETS = ["BTC", "ETH"] as const;
type Asset = (typeof ASSETS)[number];

export interface BalanceBuyerDeps {
  client: MexcClient;
  treasury: Treasury;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  /**
   * This bot's orders not yet settled (resting, or being looked up). While any rests, what it bought is not in the
   * balances yet, so deciding again would buy the same gap twice: the bot waits for them to fill or time out.
   */
  openOrders?: () => number;
  config: Pick<Config, "balanceBuyer" | "antiHype" | "scanner">;
  log?: Logger;
}

/** What the buyer knows of one asset before it decides. */
interface Seen {
  asset: Asset;
  rules: SymbolRules;
  price: D;
  value: D;
  hype: HypeReading;
}

const money = (d: D): string => d.toDecimalPlaces(2, D.ROUND_HALF_EVEN).toFixed();
const share = (d: D): string => d.toDecimalPlaces(1, D.ROUND_HALF_EVEN).toFixed();

export function createBalanceBuyer(deps: BalanceBuyerDeps): Monitor {
  const { client, treasury, orders, config, log } = deps;
  const c = config.balanceBuyer;
  const bot = BUYER_BOT;
  const target = (a: Asset): D => c.allocationPct[a];

  function buy(symbol: string, quote: D, reason: string, signal: AbortSignal, minQuantity?: D) {
    return bookBuy(
      { client, treasury, orders },
      {
        bot,
        symbol,
        quote,
        reason,
        makerOffsetPct: c.makerOffsetPct,
        attempts: c.placementAttempts,
        timeoutMs: c.orderTimeoutSec * 1000,
        signal,
        ...(minQuantity ? { minQuantity } : {}),
      },
    );
  }

  /** USDC is short: buy a chunk of it with USDT (USDCUSDT), when the owner turned that on. */
  async function topUp(ctx: RunContext, reasons: string[]): Promise<Decision> {
    const chunk = c.topUpFromUsdt.chunkUsdt;
    const usdt = await treasury.spendable(bot, USDT);
    if (usdt.lt(chunk)) {
      reasons.push(`top-up from USDT: only ${money(usdt)} USDT free, the chunk is ${chunk.toFixed()}`);
      return { acted: false, summary: "no purchase: USDC short, USDT short too", reasons };
    }
    await ctx.commitLimits(ctx.now + c.cooldownSec * 1000);
    const r = await buy("USDCUSDT", chunk, `top up USDC with ${chunk.toFixed()} USDT`, ctx.signal);
    reasons.push(`top-up: ${describeBuy(r)}`);
    if (!ordered(r)) return { acted: false, summary: "no purchase: USDC top-up not sent", reasons };
    // A cooldown too: a top-up still resting must not be stacked with another one at every run.
    return {
      acted: true,
      summary: `topped up USDC with ${chunk.toFixed()} USDT (${r.kind})`,
      reasons,
      cooldownUntil: ctx.now + c.cooldownSec * 1000,
    };
  }

  /** Price, value and anti-hype verdict of BTC and ETH; assets without a USDC market are reported and left out. */
  async function look(reasons: string[]): Promise<Seen[]> {
    const balances = (await client.account()).balances;
    const seen: Seen[] = [];
    for (const asset of ASSETS) {
      const symbol = `${asset}${USDC}`;
      const rules = await client.symbolRules(symbol);
      if (!rules) {
        reasons.push(`${symbol} is not a market of the exchange: ${asset} left out`);
        continue;
      }
      const hype = await readHype(
        client,
        symbol,
        { interval: config.scanner.klineInterval, limit: config.scanner.klineLimit },
        (input) => checkBuy(config.antiHype, input),
      );
      const price = hype.lastPrice ?? (await client.tickerPrice(symbol)).price;
      const b = balances.find((x) => x.asset === asset);
      const held = b ? b.free.plus(b.locked) : new D(0);
      seen.push({ asset, rules, price, value: held.mul(price), hype });
    }
    return seen;
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

    // Spendable already keeps the floor (keepUsdcAfterPurchase): whatever is bought, that much USDC remains.
    const free = await treasury.spendable(bot, USDC);
    const floor = treasury.floorOf(bot, USDC);
    if (free.lt(c.minUsdc)) {
      const why = `free USDC ${money(free)} (after keeping ${floor.toFixed()}) is below the minimum ${c.minUsdc.toFixed()}`;
      if (!c.topUpFromUsdt.enabled) return skip(why);
      reasons.push(why);
      return topUp(ctx, reasons);
    }
    const budget = D.min(c.maxPurchaseUsdc, free);
    reasons.push(
      `free USDC ${money(free)} (after keeping ${floor.toFixed()}): budget ${money(budget)} (max ${c.maxPurchaseUsdc.toFixed()})`,
    );

    const seen = await look(reasons);
    if (seen.length === 0) return skip("no BTC or ETH market to buy on");
    const total = seen.reduce((sum, s) => sum.plus(s.value), new D(0));

    // Lagging: furthest under its target; with nothing held yet, the larger target.
    const gapOf = (s: Seen): D =>
      total.isZero() ? target(s.asset).neg() : s.value.div(total).mul(100).minus(target(s.asset));
    const lagging = [...seen].sort((a, b) => gapOf(a).comparedTo(gapOf(b)))[0] as Seen;
    const other = seen.find((s) => s !== lagging);
    let plan: Seen[];
    if (total.isZero()) {
      reasons.push(`no BTC or ETH held yet: splitting ${ASSETS.map((a) => target(a).toFixed()).join("/")}`);
      plan = seen;
    } else {
      const held = seen.map((s) => `${s.asset} ${money(s.value)} USDC`).join(", ");
      const lagShare = lagging.value.div(total).mul(100);
      const head = `${lagging.asset} ${share(lagShare)} % vs target ${target(lagging.asset).toFixed()} % (${held})`;
      if (gapOf(lagging).abs().gt(c.rebalanceDeviationPts)) {
        reasons.push(
          `${head}: off by more than ${c.rebalanceDeviationPts.toFixed()} points, buying ${lagging.asset} only`,
        );
        plan = [lagging];
      } else {
        reasons.push(`${head}: within ${c.rebalanceDeviationPts.toFixed()} points, splitting by the targets`);
        plan = seen;
      }
    }

    for (const s of plan)
      reasons.push(hypeLine(s.asset, s.hype, "blocked by the anti-hype filter: not buying it"));
    const open = plan.filter((s) => s.hype.verdict.verdict !== "blocked");
    if (open.length === 0) return skip("every asset to buy is blocked by the anti-hype filter");
    const split = plan.length > 1;
    /** The planned quote of one asset: its share of the budget (all of it when bought alone) × its multiplier. */
    const amountOf = (s: Seen, alone: boolean): D =>
      (alone ? budget : budget.mul(target(s.asset)).div(100)).mul(s.hype.verdict.multiplier);
    let parts = open.map((s) => ({ s, quote: amountOf(s, !split) }));

    // Respect each asset's minimum quantity; too little for both → the whole budget to one, the lagging first.
    const tooSmall = parts
      .map((p) => ({ p, size: sizeBuy(p.s.rules, p.quote, p.s.price, c.minQuantity[p.s.asset]) }))
      .filter((x) => !x.size.ok);
    if (tooSmall.length > 0) {
      const whys = tooSmall.map((x) => (x.size.ok ? "" : x.size.why)).join("; ");
      const candidates = [lagging, other].filter((s): s is Seen => s !== undefined && open.includes(s));
      const single = candidates.find(
        (s) => sizeBuy(s.rules, amountOf(s, true), s.price, c.minQuantity[s.asset]).ok,
      );
      // Bought alone already (the lagging one only): the same amount cannot fit the second time round.
      if (!single || !split) return skip(`too little to buy: ${whys}`);
      const what = open.length > 1 ? "both" : `${single.asset}'s share`;
      reasons.push(`too little for ${what} (${whys}): buying ${single.asset} only, with the whole budget`);
      parts = [{ s: single, quote: amountOf(single, true) }];
    }

    // A dip boost may take the total past the budget: the maximum and what is spendable apply last (issue 13).
    const planned = parts.reduce((sum, p) => sum.plus(p.quote), new D(0));
    if (planned.gt(budget)) {
      const limit = budget.lt(c.maxPurchaseUsdc)
        ? `the free ${money(free)}`
        : `the ${c.maxPurchaseUsdc.toFixed()} USDC maximum`;
      reasons.push(`planned ${money(planned)} USDC is more than ${limit}: scaled down`);
      parts = parts.map((p) => ({ ...p, quote: p.quote.mul(budget).div(planned) }));
    }

    // On disk before the first order leaves: a crash after it must not let the restarted buyer buy again.
    await ctx.commitLimits(ctx.now + c.cooldownSec * 1000);
    const done: { asset: Asset; r: BookBuyResult }[] = [];
    for (const { s, quote } of parts) {
      const why = `balance buy ${s.asset}: ${money(quote)} USDC, ×${s.hype.verdict.multiplier}`;
      const r = await buy(`${s.asset}${USDC}`, quote, why, ctx.signal, c.minQuantity[s.asset]);
      reasons.push(`${s.asset} ${money(quote)} USDC (×${s.hype.verdict.multiplier}): ${describeBuy(r)}`);
      done.push({ asset: s.asset, r });
      log?.info({ bot, asset: s.asset, quote: quote.toFixed(), outcome: r.kind }, "balance buy");
    }
    const sent = done.filter((d) => ordered(d.r));
    if (sent.length === 0) return { acted: false, summary: "no purchase: no order went through", reasons };
    const summary = sent
      .map((d) =>
        d.r.kind === "skipped" ? "" : `${d.asset} ${money(d.r.order.notional)} USDC (${outcomeOf(d.r)})`,
      )
      .join(", ");
    return {
      acted: true,
      summary: `bought ${summary}`,
      reasons,
      cooldownUntil: ctx.now + c.cooldownSec * 1000,
    };
  }

  return { name: bot, intervalMs: c.intervalSec * 1000, buys: true, run };
}
