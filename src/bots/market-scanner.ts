import {
  type ApiError,
  clampToBand,
  type Kline,
  type MexcClient,
  roundPrice,
  roundQuoteAmount,
  type SymbolRules,
  type Ticker24h,
} from "../api/index.js";
import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import {
  checkBuy,
  classify,
  computeIndicators,
  hypeInputOf,
  type ScanClass,
  scoreIndicators,
} from "../filters/index.js";
import type { Logger } from "../log.js";
import type { OrderPlacer, SubmitOutcome } from "../trading/order-placer.js";
import type { Treasury } from "../trading/treasury.js";
import { sizeBuy } from "./book-buy.js";
import { BOT_IDS } from "./ids.js";
import { candlesOf, change24hPctOf } from "./market-data.js";
import type { Decision, Monitor, RunContext } from "./monitor.js";
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
const HOUR_MS = 3_600_000;

export type { ScannedPair, ScanReport } from "./reports.js";

export interface MarketScannerDeps {
  client: MexcClient;
  treasury: Treasury;
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

export function createMarketScanner(deps: MarketScannerDeps): MarketScanner {
  const { client, treasury, orders, config, log } = deps;
  const cfg = config.scanner;
  let lastReport: ScanReport | undefined;
  /** When each symbol's unknown 24 h volume was last logged: one line per symbol and hour, not one per scan. */
  const unknownVolumeLoggedAt = new Map<string, number>();
  /** Finished scans of run(), to send the report every reportEveryCycles (scan() alone is not a cycle). */
  let cycles = 0;
  /** Symbols whose MARKET orders MEXC refused, until when (ms, runtime clock). */
  const marketRefused = new Map<string, number>();

  async function scan(signal: AbortSignal | undefined, now: number): Promise<ScanReport> {
    const tickers = await client.ticker24hrAll();
    const excluded = new Set(cfg.excludedSymbols);
    const usdt = tickers.filter((t) => t.symbol.endsWith(QUOTE));
    const candidates = usdt.filter((t) => !excluded.has(t.symbol));
    // MEXC sends `quoteVolume: null` (or "") for some pairs: their liquidity is unknown, so they are skipped, each
    // on its own; the rest of the market is scanned as usual.
    for (const t of candidates) if (t.quoteVolume === null) logUnknownVolume(t.symbol, now);
    const liquid = candidates.filter((t) => t.quoteVolume?.gte(cfg.minQuoteVolume24hUsdt) ?? false);
    const tradable: Ticker24h[] = [];
    for (const t of liquid) {
      const rules = await client.symbolRules(t.symbol);
      // keyAllowed: live, a pair the API key may not trade (selfSymbols) could be chosen but never bought.
      if (
        rules?.tradable &&
        rules.keyAllowed &&
        (rules.tradeSide === "all" || rules.tradeSide === "buy-only")
      )
        tradable.push(t);
    }
    tradable.sort((a, b) => (b.quoteVolume ?? new D(0)).comparedTo(a.quoteVolume ?? new D(0)));
    const chosen = cfg.maxPairs > 0 ? tradable.slice(0, cfg.maxPairs) : tradable;

    const judged: ScannedPair[] = [];
    const failed: { symbol: string; error: string }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < chosen.length && !signal?.aborted) {
        const ticker = chosen[next++];
        if (!ticker) break;
        let klines: Kline[];
        try {
          klines = await client.klines(ticker.symbol, cfg.klineInterval, { limit: cfg.klineLimit });
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          failed.push({ symbol: ticker.symbol, error });
          log?.warn({ symbol: ticker.symbol, err: e }, "scanner: klines failed, pair skipped");
          continue;
        }
        judged.push(judge(ticker, klines));
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, chosen.length) }, worker));

    const byRank = (a: ScannedPair, b: ScannedPair) => b.score - a.score || b.quoteVolume - a.quoteVolume;
    const of = (kind: ScanClass) => judged.filter((p) => p.kind === kind).sort(byRank);
    const opportunities = of("opportunity");
    const report: ScanReport = {
      at: now,
      usdtPairs: usdt.length,
      selected: chosen.length,
      scanned: judged.length,
      opportunities,
      neutral: of("neutral"),
      blocked: of("blocked"),
      failed,
      best: opportunities[0],
      aborted: signal?.aborted ?? false,
    };
    lastReport = report;
    return report;
  }

  function logUnknownVolume(symbol: string, now: number): void {
    const last = unknownVolumeLoggedAt.get(symbol);
    if (last !== undefined && now - last < HOUR_MS) return;
    unknownVolumeLoggedAt.set(symbol, now);
    log?.info({ symbol }, "scanner: 24 h quote volume unknown (MEXC sent none), pair skipped");
  }

  function judge(ticker: Ticker24h, klines: readonly Kline[]): ScannedPair {
    const change24hPct = change24hPctOf(ticker);
    const indicators = computeIndicators(candlesOf(klines));
    const scored = scoreIndicators(indicators, { changePct: change24hPct });
    const verdict = checkBuy(config.antiHype, hypeInputOf(indicators, change24hPct));
    const c = classify(scored, verdict, cfg.minBuyScore);
    return {
      symbol: ticker.symbol,
      kind: c.kind,
      score: c.score,
      reasons: c.reasons,
      scoreReasons: scored.reasons,
      quoteVolume: volumeOf(ticker),
      change24hPct,
      verdict: verdict.verdict,
      multiplier: verdict.multiplier,
    };
  }

  /**
   * The purchase size before the treasury caps it to what is free (seed: 60 % under $20, else 30 % capped at $50,
   * min $6), times the anti-hype multiplier. The minimum and then the maximum apply last, after the multiplier
   * (issue 13): a dip boost never buys more than `maxBuyUsdt`, a damped buy still buys the minimum (below it the
   * exchange would refuse the order). The config refuses a minimum above the maximum at start.
   */
  function sizeFor(free: D, multiplier: number): D {
    const s = cfg.sizing;
    const base = free.lt(s.smallBalanceBelowUsdt)
      ? free.times(s.smallBalancePct).div(100)
      : D.min(free.times(s.normalPct).div(100), s.maxBuyUsdt);
    return D.min(D.max(base.times(multiplier), cfg.minBuyUsdt), s.maxBuyUsdt);
  }

  async function run(ctx: RunContext): Promise<Decision> {
    const report = await scan(ctx.signal, ctx.now);
    const counts = `scanned ${report.scanned} of ${report.selected} pairs: ${report.opportunities.length} opportunities, ${report.neutral.length} neutral, ${report.blocked.length} blocked${report.failed.length > 0 ? `, ${report.failed.length} failed` : ""}`;
    const reasons = [counts];
    if (report.failed.length > 0) {
      reasons.push(`klines failed: ${report.failed.map((f) => `${f.symbol} (${f.error})`).join("; ")}`);
    }
    const skip = (why: string): Decision => ({
      acted: false,
      summary: `no purchase: ${why}`,
      reasons: [...reasons, why],
    });
    if (report.aborted) return skip("scan stopped before it finished (runtime stopping)");
    cycles++;
    // Before the purchase: the report tells what the market looked like, whatever the buy then does.
    if (cycles % cfg.reportEveryCycles === 0) {
      ctx.emit({ type: "report", bot: SCANNER_BOT, report: { kind: "scan", scan: report } });
      reasons.push(`scan report sent (every ${cfg.reportEveryCycles} scans)`);
    }
    const best = report.best;
    if (!best) return skip("no opportunity");
    reasons.push(`best: ${best.symbol} score ${best.score} (${best.reasons.join(", ")})`);

    const free = await treasury.spendable(SCANNER_BOT, QUOTE);
    if (free.lt(cfg.minUsdtBalance)) {
      return skip(`USDT ${free.toFixed()} below the minimum ${cfg.minUsdtBalance.toFixed()}`);
    }
    const size = sizeFor(free, best.multiplier);
    reasons.push(
      `size ${size.toFixed(2)} USDT from free ${free.toFixed(2)} USDT${best.multiplier !== 1 ? ` (anti-hype ×${best.multiplier})` : ""}`,
    );
    // The scanner's limit is one purchase per interval: its start is on disk before the order leaves.
    await ctx.commitLimits();
    const grant = await treasury.reserveUpTo(SCANNER_BOT, QUOTE, size, cfg.minBuyUsdt);
    if (!grant.ok) return skip(`refused by the treasury: ${grant.reason}`);
    const rules = await client.symbolRules(best.symbol);
    if (!rules) {
      treasury.release(grant.lease);
      return skip(`${best.symbol} has no rules`);
    }
    const amount = roundQuoteAmount(rules, grant.lease.amount);
    const reason = `scanner buy ${best.symbol}: score ${best.score} (${best.scoreReasons.join(", ") || "no score reasons"}); ${best.reasons.slice(best.scoreReasons.length).join(", ")}`;
    const marketOff = marketOffReason(rules, ctx.now);
    let out: SubmitOutcome;
    if (marketOff) {
      treasury.release(grant.lease);
      reasons.push(`${marketOff}: buying with a marketable limit instead`);
      const limit = await limitBuy(rules, size, reason, reasons);
      if (typeof limit === "string") return skip(limit);
      out = limit;
    } else {
      out = await orders.place({
        bot: SCANNER_BOT,
        reason,
        symbol: best.symbol,
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: amount,
        lease: grant.lease,
      });
      if (out.kind === "rejected" && isMarketDisabled(out.error)) {
        // The order manager released the lease with the rejection; the limit reserves anew.
        marketRefused.set(best.symbol, ctx.now + cfg.marketFallback.rememberSec * 1000);
        reasons.push(
          `MARKET buy rejected (${out.error.code ?? out.error.kind}: ${out.error.detail}): ${best.symbol} remembered for ${cfg.marketFallback.rememberSec} s; buying with a marketable limit instead`,
        );
        const limit = await limitBuy(rules, size, reason, reasons);
        if (typeof limit === "string") return skip(limit);
        out = limit;
      }
    }
    switch (out.kind) {
      case "placed":
        return {
          acted: true,
          summary: `bought ${best.symbol} for ${amount.toFixed()} USDT (score ${best.score}, ${out.entry.state})`,
          reasons,
        };
      case "refused":
        return skip(`order refused: ${out.reason}`);
      case "rejected":
        return skip(`order rejected by the exchange: ${out.error.message}`);
      case "proposed":
        return {
          acted: true,
          summary: `proposed: buy ${best.symbol} for ${amount.toFixed()} USDT (score ${best.score}), waiting for approval${out.fresh ? "" : " (already proposed)"}`,
          reasons,
        };
      case "unknown":
        return {
          acted: true,
          summary: `buy ${best.symbol} for ${amount.toFixed()} USDT sent, outcome unknown (being looked up)`,
          reasons,
        };
    }
  }

  /** Why a MARKET buy by quote amount would not be taken on this symbol now, or undefined. */
  function marketOffReason(rules: SymbolRules, now: number): string | undefined {
    if (!rules.quoteOrderQtyMarketAllowed)
      return `${rules.symbol} takes no MARKET buy by quote amount (quoteOrderQtyMarketAllowed: false)`;
    if (rules.orderTypes.length > 0 && !rules.orderTypes.includes("MARKET"))
      return `${rules.symbol} lists no MARKET orders (${rules.orderTypes.join(", ")})`;
    const until = marketRefused.get(rules.symbol);
    if (until !== undefined && until > now)
      return `${rules.symbol} refused a MARKET order lately (api market order disabled)`;
    if (until !== undefined) marketRefused.delete(rules.symbol);
    return undefined;
  }

  /**
   * The fallback: a limit buy of up to `quote` USDT at most maxSlippagePct above the best ask, IMMEDIATE_OR_CANCEL
   * where the symbol lists it (MEXC's orderTypes usually does not), else a LIMIT that the order manager cancels
   * after limitTimeoutSec. Answers the outcome, or the reason it was not sent.
   */
  async function limitBuy(
    rules: SymbolRules,
    quote: D,
    reason: string,
    reasons: string[],
  ): Promise<SubmitOutcome | string> {
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
    return orders.place({
      bot: SCANNER_BOT,
      reason: `${reason}; limit fallback (market orders refused)`,
      symbol: rules.symbol,
      side: "BUY",
      type: ioc ? "IMMEDIATE_OR_CANCEL" : "LIMIT",
      quantity: sized.quantity,
      price: banded.price,
      marketPrice: reference,
      lease: grant.lease,
      ...(ioc ? {} : { timeoutMs: f.limitTimeoutSec * 1000 }),
    });
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

/** MEXC's answers for "no MARKET orders here": 30051 (hummingbot #6932), 30018/30019 (docs' error table). */
function isMarketDisabled(e: ApiError): boolean {
  return e.kind === "market-order-disabled" || e.code === 30018 || e.code === 30019 || e.code === 30051;
}

function volumeOf(t: Ticker24h): number {
  return t.quoteVolume?.toNumber() ?? 0;
}
