import type { SymbolRules } from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import {
  allocateBalancer,
  type BalancerCandidate,
  type BalancerSide,
  balancerAmount,
  balancerSide,
  capParts,
  checkRebalanceBuy,
  money,
  share,
  verdictLine,
} from "../filters/index.js";
import { lastPrices, valueBalances } from "../portfolio/account-value.js";
import { readHype, sizeBuy } from "./book-buy.js";
import { CandleCache } from "./candle-cache.js";
import { BOT_IDS } from "./ids.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
import { freeLine, noPurchase, type PurchaseDeps, purchase, waitingForOwnOrders } from "./purchase.js";

/**
 * 50/50 balancer (seed: Balancer5050): keeps alts and BTC/ETH at half of the invested value each (stables left
 * out). When one side is off 50 % by more than `deviationPct`, it buys the lagging side with free USDC: half the
 * gap in USD, at most `maxPerOperationUsdc`, keeping `keepUsdc` (the treasury's floor). BTC/ETH are split by
 * `btcEthSplitPct`; alts are spread over `altBasket`, the least held first, one symbol when the amount is small.
 * Each symbol passes the softer anti-hype check (checkRebalanceBuy). Buys with book-priced limit orders. The plan
 * is the filters' pure rules (filters/balancer-plan.ts); this bot reads the market and places the orders.
 */

const BALANCER_BOT = BOT_IDS.balancer5050;
const USDC = "USDC";

export interface Balancer5050Deps extends PurchaseDeps {
  config: Pick<Config, "balancer5050" | "antiHype" | "scanner">;
}

interface Candidate extends BalancerCandidate {
  rules: SymbolRules;
  /** Last price, to check a planned quote against the minimums before the book is read. */
  price: D;
}

/** Why a symbol cannot be bought at all, or undefined. */
function unusable(symbol: string, rules: SymbolRules | undefined): string | undefined {
  if (!rules) return `${symbol} (not a market of the exchange)`;
  if (!rules.tradable || rules.tradeSide === "closed" || rules.tradeSide === "sell-only")
    return `${symbol} (not tradable: ${rules.tradable ? `${rules.tradeSide} orders only` : "offline or not for the API"})`;
  return undefined;
}

/** Symbols of one side that exist, are tradable and pass the filter; the others are reported. */
async function candidatesOf(
  deps: Balancer5050Deps,
  symbols: { symbol: string; splitPct?: D }[],
  heldOf: (asset: string) => D,
  reasons: string[],
  cached: { cache: CandleCache; now: number },
): Promise<Candidate[]> {
  const { client, config } = deps;
  const out: Candidate[] = [];
  const skipped: string[] = [];
  for (const { symbol, splitPct } of symbols) {
    const rules = await client.symbolRules(symbol);
    const why = unusable(symbol, rules);
    if (why || !rules) {
      skipped.push(why ?? symbol);
      continue;
    }
    const hype = await readHype(
      client,
      symbol,
      config.scanner,
      (input) => checkRebalanceBuy(config.antiHype, input),
      cached,
    );
    reasons.push(
      verdictLine(
        symbol,
        hype.verdict,
        hype.change24hPct,
        "blocked by the rebalance anti-hype filter: skipped",
      ),
    );
    if (hype.verdict.verdict === "blocked") continue;
    const price = hype.lastPrice ?? (await client.tickerPrice(symbol)).price;
    out.push({
      symbol,
      rules,
      multiplier: hype.verdict.multiplier,
      price,
      held: heldOf(rules.base),
      ...(splitPct ? { splitPct } : {}),
    });
  }
  if (skipped.length > 0) reasons.push(`skipped: ${skipped.join(", ")}`);
  return out;
}

/** The side's symbols: BTC/ETH with their split, or the alt basket. */
function symbolsOf(
  c: Balancer5050Deps["config"]["balancer5050"],
  side: BalancerSide,
): { symbol: string; splitPct?: D }[] {
  return side === "core"
    ? (["BTC", "ETH"] as const).map((a) => ({ symbol: `${a}${USDC}`, splitPct: c.btcEthSplitPct[a] }))
    : [...new Set(c.altBasket)].map((symbol) => ({ symbol }));
}

export function createBalancer5050(deps: Balancer5050Deps): Monitor {
  const { client, treasury, config } = deps;
  const c = config.balancer5050;
  const bot = BALANCER_BOT;
  const candles = new CandleCache({ client });

  async function run(ctx: RunContext): Promise<Decision> {
    const reasons: string[] = [];
    const waiting = waitingForOwnOrders(deps);
    if (waiting) return noPurchase(reasons, waiting);

    const balances = (await client.account()).balances;
    const v = valueBalances(balances, await lastPrices(client));
    if (v.unpriced.length > 0) reasons.push(`no price for ${v.unpriced.join(", ")}: counted as 0`);
    const altShare = v.altShareOfInvested;
    if (altShare === undefined)
      return noPurchase(reasons, "neither alts nor BTC/ETH held: nothing to balance");
    const sided = balancerSide(v.byGroup.alt, v.byGroup.core, altShare, c.deviationPct);
    reasons.push(...sided.reasons);
    if (sided.kind === "skip") return noPurchase(reasons, sided.why);
    const { side } = sided;

    // Spendable already keeps the floor (keepUsdc).
    const free = await treasury.spendable(bot, USDC);
    const floor = treasury.floorOf(bot, USDC);
    if (free.lt(c.minUsdc))
      return noPurchase(
        reasons,
        `${freeLine(USDC, free, floor)} is below the minimum ${c.minUsdc.toFixed()}`,
      );
    const sized = balancerAmount({
      altValue: v.byGroup.alt,
      coreValue: v.byGroup.core,
      free,
      floor,
      maxPerOperation: c.maxPerOperationUsdc,
      minPerAsset: c.minPerAssetUsd,
    });
    reasons.push(sized.reason);
    if (!sized.ok) return noPurchase(reasons, sized.why);

    const heldOf = (asset: string): D => v.assets.find((a) => a.asset === asset)?.value ?? new D(0);
    const cands = await candidatesOf(deps, symbolsOf(c, side), heldOf, reasons, {
      cache: candles,
      now: ctx.now,
    });
    if (cands.length === 0)
      return noPurchase(reasons, `no ${side === "core" ? "BTC/ETH" : "basket"} symbol to buy`);
    const fits = (x: Candidate, quote: D) => sizeBuy(x.rules, quote, x.price).ok;
    const allocated = allocateBalancer(side, cands, sized.amount, c.minPerAssetUsd, fits, reasons);
    const capped = capParts(allocated, { free, max: c.maxPerOperationUsdc, quote: USDC });
    if (capped.reason) reasons.push(capped.reason);

    const sideName = side === "core" ? "BTC/ETH" : "alts";
    const orders = capped.parts.map(({ item: x, quote }) => ({
      symbol: x.symbol,
      quote,
      why: `50/50 rebalance: alts ${share(altShare)} %, buying ${sideName}; ${x.symbol} ${money(quote)} USDC ×${x.multiplier}`,
      label: `${x.symbol} ${money(quote)} USDC (×${x.multiplier})`,
      name: x.symbol,
      logFields: { symbol: x.symbol },
    }));
    return purchase(deps, bot, c, ctx, orders, reasons, {
      verb: "rebalanced:",
      logMessage: "rebalance buy",
    });
  }

  return { name: bot, intervalMs: c.intervalSec * 1000, buys: true, run };
}
