import type { Kline, Ticker24h } from "../api/index.js";
import type { Candle } from "../filters/index.js";

/** Klines as the filters take them: numbers (indicators are statistics, not money), oldest first. */
export function candlesOf(klines: readonly Kline[]): Candle[] {
  return klines.map((k) => ({
    openTime: k.openTime,
    open: k.open.toNumber(),
    high: k.high.toNumber(),
    low: k.low.toNumber(),
    close: k.close.toNumber(),
    volume: k.volume.toNumber(),
    quoteVolume: k.quoteVolume?.toNumber(),
  }));
}

/**
 * The 24 h change in percent (5.2 for +5.2 %); MEXC sends a fraction (0.052). Unknown stays NaN: the anti-hype
 * filter blocks it rather than buying blind.
 */
export function change24hPctOf(ticker: Ticker24h): number {
  return ticker.priceChangePercent ? ticker.priceChangePercent.mul(100).toNumber() : Number.NaN;
}
