import type { Ticker24h } from "../api/index.js";

/**
 * The 24 h change in percent (5.2 for +5.2 %); MEXC sends a fraction (0.052). Unknown stays NaN: the anti-hype
 * filter blocks it rather than buying blind.
 */
export function change24hPctOf(ticker: Ticker24h): number {
  return ticker.priceChangePercent ? ticker.priceChangePercent.mul(100).toNumber() : Number.NaN;
}
