import type { SymbolRules } from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import { type BuyerAsset, checkBuy, money, planBalanceBuy } from "../filters/index.js";
import { describeBuy, ordered, readHype, sizeBuy } from "./book-buy.js";
import { CandleCache } from "./candle-cache.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
import {
  buyOne,
  freeLine,
  noPurchase,
  type PurchaseDeps,
  purchase,
  waitingForOwnOrders,
} from "./purchase.js";

/**
 * Balance buyer (seed: BalanceMonitor): when enough USDC is free, buys BTC and ETH towards a 60/40 split of their
 * value, only the lagging one when the split is off by more than `rebalanceDeviationPts`, sized by the anti-hype
 * filter (damped into hype, doubled into a dip, skipped when blocked), with book-priced limit orders. The plan is
 * the filters' pure rule (filters/buyer-plan.ts); this bot reads the market and places the orders.
 */

const BUYER_BOT = BOT_IDS.balanceBuyer;
const USDC = "USDC";
const USDT = "USDT";
const ASSETS = ["BTC", "ETH"] as const;
type Asset = (typeof ASSETS)[number];

export interface BalanceBuyerDeps extends PurchaseDeps {
  config: Pick<Config, "balanceBuyer" | "antiHype" | "scanner">;
}

/** What the buyer knows of one asset before it decides. */
interface Seen extends BuyerAsset {
  asset: Asset;
  rules: SymbolRules;
  price: D;
}

/** USDC is short: buy a chunk of it with USDT (USDCUSDT), when the owner turned that on. */
async function topUp(deps: BalanceBuyerDeps, ctx: RunContext, reasons: string[]): Promise<Decision> {
  const c = deps.config.balanceBuyer;
  const bot = BUYER_BOT;
  const chunk = c.topUpFromUsdt.chunkUsdt;
  const usdt = await deps.treasury.spendable(bot, USDT);
  if (usdt.lt(chunk)) {
    reasons.push(`top-up from USDT: only ${money(usdt)} USDT free, the chunk is ${chunk.toFixed()}`);
    return { acted: false, summary: "no purchase: USDC short, USDT short too", reasons };
  }
  await ctx.commitLimits(ctx.now + c.cooldownSec * 1000);
  const why = `top up USDC with ${chunk.toFixed()} USDT`;
  const r = await buyOne(deps, bot, c, { symbol: "USDCUSDT", quote: chunk, why }, ctx.signal);
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
async function look(
  deps: BalanceBuyerDeps,
  reasons: string[],
  cached: { cache: CandleCache; now: number },
): Promise<Seen[]> {
  const { client, config } = deps;
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
      config.scanner,
      (input) => checkBuy(config.antiHype, input),
      cached,
    );
    const price = hype.lastPrice ?? (await client.tickerPrice(symbol)).price;
    const b = balances.find((x) => x.asset === asset);
    const held = b ? b.free.plus(b.locked) : new D(0);
    seen.push({
      asset,
      rules,
      price,
      value: held.mul(price),
      verdict: hype.verdict,
      change24hPct: hype.change24hPct,
    });
  }
  return seen;
}

export function createBalanceBuyer(deps: BalanceBuyerDeps): Monitor {
  const { treasury, config } = deps;
  const c = config.balanceBuyer;
  const bot = BUYER_BOT;
  const candles = new CandleCache({ client: deps.client });

  async function run(ctx: RunContext): Promise<Decision> {
    const reasons: string[] = [];
    const waiting = waitingForOwnOrders(deps);
    if (waiting) return noPurchase(reasons, waiting);

    // Spendable already keeps the floor (keepUsdcAfterPurchase): whatever is bought, that much USDC remains.
    const free = await treasury.spendable(bot, USDC);
    const floor = treasury.floorOf(bot, USDC);
    if (free.lt(c.minUsdc)) {
      const why = `${freeLine(USDC, free, floor)} is below the minimum ${c.minUsdc.toFixed()}`;
      if (!c.topUpFromUsdt.enabled) return noPurchase(reasons, why);
      reasons.push(why);
      return topUp(deps, ctx, reasons);
    }
    const budget = D.min(c.maxPurchaseUsdc, free);
    reasons.push(
      `${freeLine(USDC, free, floor)}: budget ${money(budget)} (max ${c.maxPurchaseUsdc.toFixed()})`,
    );

    const seen = await look(deps, reasons, { cache: candles, now: ctx.now });
    if (seen.length === 0) return noPurchase(reasons, "no BTC or ETH market to buy on");
    const plan = planBalanceBuy({
      assets: seen,
      targets: ASSETS.map((asset) => ({ asset, pct: c.allocationPct[asset] })),
      budget,
      free,
      maxPurchase: c.maxPurchaseUsdc,
      deviationPts: c.rebalanceDeviationPts,
      quote: USDC,
      tooSmall: (s, quote) => {
        const size = sizeBuy(s.rules, quote, s.price, c.minQuantity[s.asset]);
        return size.ok ? undefined : size.why;
      },
    });
    reasons.push(...plan.reasons);
    if (plan.kind === "skip") return noPurchase(reasons, plan.why);

    const orders = plan.parts.map(({ item: s, quote }) => {
      const x = `×${s.verdict.multiplier}`;
      return {
        symbol: `${s.asset}${USDC}`,
        quote,
        why: `balance buy ${s.asset}: ${money(quote)} USDC, ${x}`,
        label: `${s.asset} ${money(quote)} USDC (${x})`,
        name: s.asset,
        minQuantity: c.minQuantity[s.asset],
        logFields: { asset: s.asset },
      };
    });
    return purchase(deps, bot, c, ctx, orders, reasons, {
      verb: "bought",
      logMessage: "balance buy",
    });
  }

  return { name: bot, intervalMs: c.intervalSec * 1000, buys: true, run };
}
