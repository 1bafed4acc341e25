import type { IndicatorCandle, MexcClient, Ticker24h } from "../api/index.js";
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
import { CandleCache } from "./candle-cache.js";
import { change24hPctOf } from "./market-data.js";
import type { ScannedPair, ScanReport } from "./reports.js";

/**
 * The market scanner's scan (seed note 002, MarketScanner): the liquid, tradable USDT pairs, each scored on its
 * candles and judged by the anti-hype filter, ranked into opportunities, neutral and blocked. Reads market data
 * only; the scanner bot buys from it.
 */

const QUOTE = "USDT";
const HOUR_MS = 3_600_000;

export interface ScanDeps {
  client: MexcClient;
  config: Pick<Config, "scanner" | "antiHype">;
  log?: Logger;
}

export type Scan = (signal: AbortSignal | undefined, now: number) => Promise<ScanReport>;

export function createScan(deps: ScanDeps): Scan {
  /** When each symbol's unknown 24 h volume was last logged: one line per symbol and hour, not one per scan. */
  const unknownVolumeLoggedAt = new Map<string, number>();
  /** This scanner's own: the pairs it scans are its own, and a scan reads only the candles new since the last. */
  const candleCache = new CandleCache({ client: deps.client });

  function logUnknownVolume(symbol: string, now: number): void {
    const last = unknownVolumeLoggedAt.get(symbol);
    if (last !== undefined && now - last < HOUR_MS) return;
    unknownVolumeLoggedAt.set(symbol, now);
    deps.log?.info({ symbol }, "scanner: 24 h quote volume unknown (MEXC sent none), pair skipped");
  }

  return async (signal, now) => {
    const { usdt, chosen } = await pairsToScan(deps, now, logUnknownVolume);
    const { judged, failed } = await judgeAll(deps, chosen, signal, (symbol) =>
      candleCache.candles(symbol, deps.config.scanner.klineInterval, deps.config.scanner.klineLimit, now),
    );
    const byRank = (a: ScannedPair, b: ScannedPair) => b.score - a.score || b.quoteVolume - a.quoteVolume;
    const of = (kind: ScanClass) => judged.filter((p) => p.kind === kind).sort(byRank);
    const opportunities = of("opportunity");
    return {
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
  };
}

/** The USDT pairs of the 24 h ticker, and those liquid and tradable enough to scan, the most traded first. */
async function pairsToScan(
  deps: ScanDeps,
  now: number,
  logUnknownVolume: (symbol: string, now: number) => void,
): Promise<{ usdt: Ticker24h[]; chosen: Ticker24h[] }> {
  const { client } = deps;
  const cfg = deps.config.scanner;
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
    if (rules?.tradable && rules.keyAllowed && (rules.tradeSide === "all" || rules.tradeSide === "buy-only"))
      tradable.push(t);
  }
  tradable.sort((a, b) => (b.quoteVolume ?? new D(0)).comparedTo(a.quoteVolume ?? new D(0)));
  const chosen = cfg.maxPairs > 0 ? tradable.slice(0, cfg.maxPairs) : tradable;
  return { usdt, chosen };
}

/** Reads the candles of each chosen pair, `concurrency` at a time, and judges it; a failed read skips the pair. */
async function judgeAll(
  deps: ScanDeps,
  chosen: readonly Ticker24h[],
  signal: AbortSignal | undefined,
  read: (symbol: string) => Promise<readonly IndicatorCandle[]>,
): Promise<{ judged: ScannedPair[]; failed: { symbol: string; error: string }[] }> {
  const cfg = deps.config.scanner;
  const judged: ScannedPair[] = [];
  const failed: { symbol: string; error: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < chosen.length && !signal?.aborted) {
      const ticker = chosen[next++];
      if (!ticker) break;
      let candles: readonly IndicatorCandle[];
      try {
        candles = await read(ticker.symbol);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        failed.push({ symbol: ticker.symbol, error });
        deps.log?.warn({ symbol: ticker.symbol, err: e }, "scanner: klines failed, pair skipped");
        continue;
      }
      judged.push(judge(deps.config, ticker, candles));
    }
  };
  await Promise.all(Array.from({ length: Math.min(cfg.concurrency, chosen.length) }, worker));
  return { judged, failed };
}

function judge(
  config: ScanDeps["config"],
  ticker: Ticker24h,
  candles: readonly IndicatorCandle[],
): ScannedPair {
  const change24hPct = change24hPctOf(ticker);
  const indicators = computeIndicators(candles);
  const scored = scoreIndicators(indicators, { changePct: change24hPct });
  const verdict = checkBuy(config.antiHype, hypeInputOf(indicators, change24hPct));
  const c = classify(scored, verdict, config.scanner.minBuyScore);
  return {
    symbol: ticker.symbol,
    kind: c.kind,
    score: c.score,
    reasons: c.reasons,
    scoreReasons: scored.reasons,
    quoteVolume: t24Volume(ticker),
    change24hPct,
    verdict: verdict.verdict,
    multiplier: verdict.multiplier,
  };
}

function t24Volume(t: Ticker24h): number {
  return t.quoteVolume?.toNumber() ?? 0;
}
