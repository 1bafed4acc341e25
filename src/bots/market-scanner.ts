import {
  type ApiError,
  clampToBand,
  type MexcClient,
  roundPrice,
  roundQuoteAmount,
  type SymbolRules,
} from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import type { OrderPlacer, SubmitOutcome } from "../trading/order-placer.js";
import type { Funds, Lease } from "../trading/treasury.js";
import { sizeBuy } from "./book-buy.js";
import { BOT_IDS } from "./ids.js";
import { createScan } from "./market-scan.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
import { noPurchase } from "./purchase.js";
import type { ScannedPair, ScanReport } from "./reports.js";

/**
 * Market scanner (seed note 002, MarketScanner): scans the liquid USDT pairs, scores each one on its candles, runs
 * the anti-hype filter over it and buys the best opportunity with a MARKET order sized from the free USDT.
 * Every `reportEveryCycles` finished scans it sends the scan report ("report" event) for people.
 *
 * Where MEXC will not take a MARKET buy by quote amount (exchangeInfo `quoteOrderQtyMarketAllowed: false`, or the
 * order answered 30051 "api market order is disabled", hummingbot #6932, or 30018/30019, the documented
 * "market order is disabled" codes), the same intent is bought with a marketable limit instead of skipping it:
 * the price at most `marketFallback.maxSlippagePct` above the best ask (bounded slippage, as a market order's is
 * not), inside MEXC's price band. A rejection is definite, so the fallback is a new order with a new client id,
 * never a resend. The symbol is remembered for `rememberSec` (in memory: after a restart one more 30051 teaches
 * it again), so the next buy goes straight to the limit.
 */

const SCANNER_BOT = BOT_IDS.scanner;
const QUOTE = "USDT";

export type { ScannedPair, ScanReport } from "./reports.js";

export interface MarketScannerDeps {
  client: MexcClient;
  treasury: Funds;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  config: Config;
  log?: Logger;
}

export interface MarketScanner extends Monitor {
  /** The result of the last finished scan, for reports; undefined before the first. */
  readonly lastReport: ScanReport | undefined;
  /** Scans without buying; `now` comes from the runtime's clock. */
  scan(signal: AbortSignal | undefined, now: number): Promise<ScanReport>;
}

/** What the scanner keeps between runs, besides the last report. */
interface Scanner {
  deps: MarketScannerDeps;
  /** Symbols whose MARKET orders MEXC refused, until when (ms, runtime clock). */
  marketRefused: Map<string, number>;
}

export function createMarketScanner(deps: MarketScannerDeps): MarketScanner {
  const cfg = deps.config.scanner;
  const st: Scanner = { deps, marketRefused: new Map() };
  const scanMarket = createScan(deps);
  let lastReport: ScanReport | undefined;
  /** Finished scans of run(), to send the report every reportEveryCycles (scan() alone is not a cycle). */
  let cycles = 0;

  async function scan(signal: AbortSignal | undefined, now: number): Promise<ScanReport> {
    lastReport = await scanMarket(signal, now);
    return lastReport;
  }

  async function run(ctx: RunContext): Promise<Decision> {
    const report = await scan(ctx.signal, ctx.now);
    const reasons = scanReasons(report);
    if (report.aborted) return noPurchase(reasons, "scan stopped before it finished (runtime stopping)");
    cycles++;
    // Before the purchase: the report tells what the market looked like, whatever the buy then does.
    if (cycles % cfg.reportEveryCycles === 0) {
      ctx.emit({ type: "report", bot: SCANNER_BOT, report: { kind: "scan", scan: report } });
      reasons.push(`scan report sent (every ${cfg.reportEveryCycles} scans)`);
    }
    const best = report.best;
    if (!best) return noPurchase(reasons, "no opportunity");
    reasons.push(`best: ${best.symbol} score ${best.score} (${best.reasons.join(", ")})`);
    return buyBest(st, ctx, best, reasons);
  }

  return {
    name: SCANNER_BOT,
    intervalMs: cfg.intervalSec * 1000,
    buys: true,
    run,
    scan,
    get lastReport() {
      return lastReport;
    },
  };
}

function scanReasons(report: ScanReport): string[] {
  const failed = report.failed.length > 0 ? `, ${report.failed.length} failed` : "";
  const reasons = [
    `scanned ${report.scanned} of ${report.selected} pairs: ${report.opportunities.length} opportunities, ${report.neutral.length} neutral, ${report.blocked.length} blocked${failed}`,
  ];
  if (report.failed.length > 0) {
    reasons.push(`klines failed: ${report.failed.map((f) => `${f.symbol} (${f.error})`).join("; ")}`);
  }
  return reasons;
}

/**
 * The purchase size before the treasury caps it to what is free (seed: 60 % under $20, else 30 % capped at $50,
 * min $6), times the anti-hype multiplier. The minimum and then the maximum apply last, after the multiplier
 * (issue 13): a dip boost never buys more than `maxBuyUsdt`, a damped buy still buys the minimum (below it the
 * exchange would refuse the order). The config refuses a minimum above the maximum at start.
 */
function sizeFor(cfg: Config["scanner"], free: D, multiplier: number): D {
  const s = cfg.sizing;
  const base = free.lt(s.smallBalanceBelowUsdt)
    ? free.times(s.smallBalancePct).div(100)
    : D.min(free.times(s.normalPct).div(100), s.maxBuyUsdt);
  return D.min(D.max(base.times(multiplier), cfg.minBuyUsdt), s.maxBuyUsdt);
}

/** Buys the best opportunity: a MARKET buy by quote amount, or the marketable limit where MARKET is refused. */
async function buyBest(
  st: Scanner,
  ctx: RunContext,
  best: ScannedPair,
  reasons: string[],
): Promise<Decision> {
  const { client, treasury } = st.deps;
  const cfg = st.deps.config.scanner;
  const skip = (why: string) => noPurchase(reasons, why);
  const free = await treasury.spendable(SCANNER_BOT, QUOTE);
  if (free.lt(cfg.minUsdtBalance)) {
    return skip(`USDT ${free.toFixed()} below the minimum ${cfg.minUsdtBalance.toFixed()}`);
  }
  const size = sizeFor(cfg, free, best.multiplier);
  reasons.push(
    `size ${size.toFixed(2)} USDT from free ${free.toFixed(2)} USDT${best.multiplier !== 1 ? ` (anti-hype ×${best.multiplier})` : ""}`,
  );
  // The scanner's limit is one purchase per interval: its start is on disk before the order leaves.
  await ctx.commitLimits();
  const grant = await treasury.reserveUpTo(SCANNER_BOT, QUOTE, size, cfg.minBuyUsdt);
  if (!grant.ok) return skip(`refused by the treasury: ${grant.reason}`);
  const rules = await client.symbolRules(best.symbol).catch((err: unknown) => {
    treasury.release(grant.lease); // nothing was placed: the grant goes back before the run's error handling
    throw err;
  });
  if (!rules) {
    treasury.release(grant.lease);
    return skip(`${best.symbol} has no rules`);
  }
  const amount = roundQuoteAmount(rules, grant.lease.amount);
  const reason = `scanner buy ${best.symbol}: score ${best.score} (${best.scoreReasons.join(", ") || "no score reasons"}); ${best.reasons.slice(best.scoreReasons.length).join(", ")}`;
  const marketOff = marketOffReason(st, rules, ctx.now);
  let out: SubmitOutcome | string;
  if (marketOff) {
    treasury.release(grant.lease);
    reasons.push(`${marketOff}: buying with a marketable limit instead`);
    out = await limitBuy(st, rules, size, reason, reasons);
  } else {
    out = await placeMarket(st, rules, reason, amount, grant.lease);
    if (out.kind === "rejected" && isMarketDisabled(out.error)) {
      // The order manager released the lease with the rejection; the limit reserves anew.
      const rememberSec = cfg.marketFallback.rememberSec;
      st.marketRefused.set(best.symbol, ctx.now + rememberSec * 1000);
      reasons.push(
        `MARKET buy rejected (${out.error.code ?? out.error.kind}: ${out.error.detail}): ${best.symbol} remembered for ${rememberSec} s; buying with a marketable limit instead`,
      );
      out = await limitBuy(st, rules, size, reason, reasons);
    }
  }
  if (typeof out === "string") return skip(out);
  return decisionOf(best, amount, out, reasons);
}

/** The order itself: a MARKET buy for `amount` of the quote, with the lease the treasury granted. */
function placeMarket(
  st: Scanner,
  rules: SymbolRules,
  reason: string,
  amount: D,
  lease: Lease,
): Promise<SubmitOutcome> {
  return st.deps.orders.place({
    bot: SCANNER_BOT,
    reason,
    symbol: rules.symbol,
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: amount,
    lease,
  });
}

function decisionOf(best: ScannedPair, amount: D, out: SubmitOutcome, reasons: string[]): Decision {
  const what = `${best.symbol} for ${amount.toFixed()} USDT`;
  switch (out.kind) {
    case "placed":
      return { acted: true, summary: `bought ${what} (score ${best.score}, ${out.entry.state})`, reasons };
    case "refused":
      return noPurchase(reasons, `order refused: ${out.reason}`);
    case "rejected":
      return noPurchase(reasons, `order rejected by the exchange: ${out.error.message}`);
    case "proposed":
      return {
        acted: true,
        summary: `proposed: buy ${what} (score ${best.score}), waiting for approval${out.fresh ? "" : " (already proposed)"}`,
        reasons,
      };
    case "unknown":
      return { acted: true, summary: `buy ${what} sent, outcome unknown (being looked up)`, reasons };
  }
}

/** Why a MARKET buy by quote amount would not be taken on this symbol now, or undefined. */
function marketOffReason(st: Scanner, rules: SymbolRules, now: number): string | undefined {
  if (!rules.quoteOrderQtyMarketAllowed)
    return `${rules.symbol} takes no MARKET buy by quote amount (quoteOrderQtyMarketAllowed: false)`;
  if (rules.orderTypes.length > 0 && !rules.orderTypes.includes("MARKET"))
    return `${rules.symbol} lists no MARKET orders (${rules.orderTypes.join(", ")})`;
  const until = st.marketRefused.get(rules.symbol);
  if (until !== undefined && until > now)
    return `${rules.symbol} refused a MARKET order lately (api market order disabled)`;
  if (until !== undefined) st.marketRefused.delete(rules.symbol);
  return undefined;
}

/**
 * The fallback: a limit buy of up to `quote` USDT at most maxSlippagePct above the best ask, IMMEDIATE_OR_CANCEL
 * where the symbol lists it (MEXC's orderTypes usually does not), else a LIMIT that the order manager cancels
 * after limitTimeoutSec. Answers the outcome, or the reason it was not sent.
 */
async function limitBuy(
  st: Scanner,
  rules: SymbolRules,
  quote: D,
  reason: string,
  reasons: string[],
): Promise<SubmitOutcome | string> {
  const { client, treasury } = st.deps;
  const cfg = st.deps.config.scanner;
  const f = cfg.marketFallback;
  const book = await client.depth(rules.symbol, 5);
  const ask = book.asks[0]?.price;
  if (!ask?.gt(0)) return `${rules.symbol}: no asks in the book for the limit fallback`;
  const bid = book.bids[0]?.price;
  const reference = bid?.gt(0) ? ask.plus(bid).div(2) : ask;
  const capped = roundPrice(rules, ask.mul(f.maxSlippagePct.div(100).plus(1)), "BUY");
  const banded = clampToBand(rules.priceBand, rules.tick, "BUY", capped, reference);
  if (!banded.ok) return `${rules.symbol}: ${banded.why}`;
  if (banded.price.lt(ask)) {
    return `${rules.symbol}: the exchange's price band allows at most ${banded.price.toFixed()}, under the ask ${ask.toFixed()}: no marketable limit`;
  }
  const grant = await treasury.reserveUpTo(SCANNER_BOT, QUOTE, quote, cfg.minBuyUsdt);
  if (!grant.ok) return `refused by the treasury: ${grant.reason}`;
  const sized = sizeBuy(rules, grant.lease.amount, banded.price);
  if (!sized.ok) {
    treasury.release(grant.lease);
    return `limit fallback: ${sized.why}`;
  }
  const ioc = rules.orderTypes.includes("IMMEDIATE_OR_CANCEL");
  reasons.push(
    `limit fallback: ${ioc ? "IMMEDIATE_OR_CANCEL" : `LIMIT (cancelled after ${f.limitTimeoutSec} s)`} BUY ${sized.quantity.toFixed()} at ${banded.price.toFixed()} (ask ${ask.toFixed()} + at most ${f.maxSlippagePct.toFixed()} %)`,
  );
  const order = { quantity: sized.quantity, price: banded.price, reference, ioc };
  return placeLimit(st, rules, `${reason}; limit fallback (market orders refused)`, order, grant.lease);
}

/** The fallback's order: IMMEDIATE_OR_CANCEL where listed, else a LIMIT cancelled after limitTimeoutSec. */
function placeLimit(
  st: Scanner,
  rules: SymbolRules,
  reason: string,
  o: { quantity: D; price: D; reference: D; ioc: boolean },
  lease: Lease,
): Promise<SubmitOutcome> {
  const f = st.deps.config.scanner.marketFallback;
  return st.deps.orders.place({
    bot: SCANNER_BOT,
    reason,
    symbol: rules.symbol,
    side: "BUY",
    type: o.ioc ? "IMMEDIATE_OR_CANCEL" : "LIMIT",
    quantity: o.quantity,
    price: o.price,
    marketPrice: o.reference,
    lease,
    ...(o.ioc ? {} : { timeoutMs: f.limitTimeoutSec * 1000 }),
  });
}

/** MEXC's answers for "no MARKET orders here": 30051 (hummingbot #6932), 30018/30019 (docs' error table). */
function isMarketDisabled(e: ApiError): boolean {
  return e.kind === "market-order-disabled" || e.code === 30018 || e.code === 30019 || e.code === 30051;
}
