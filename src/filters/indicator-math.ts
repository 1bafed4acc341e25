/**
 * RSI (Wilder), MACD and Bollinger bands over plain arrays of closes, in plain number loops. The scanner used to
 * build trading-signals (8.3) objects for each symbol at every scan; at 50 pairs a scan a candle that was most of
 * the scan's own CPU, spent in object set-up and window bookkeeping the last value never reads.
 *
 * Each function does the same floating-point operations in the same order as trading-signals does (its RSI on
 * WSMA on SMA, its EMA seeded with the first price, its MACD from the slow EMA's interval on, its bands with the
 * population deviation), so the values are equal to the last bit, not merely close:
 * test/filters/indicator-math.test.ts compares them with trading-signals itself on random series. Keep it so: a
 * rewritten sum (a running window, a hoisted division) moves the last bits and with them a threshold's verdict.
 */

/** Wilder's RSI of the last close, or undefined with fewer than `period` + 1 closes. */
export function rsiLast(closes: readonly number[], period: number): number | undefined {
  const n = closes.length;
  if (n < period + 1) return undefined;
  // trading-signals' WSMA multiplies by this factor rather than dividing by the period.
  const factor = 1 / period;
  let gainSum = 0;
  let lossSum = 0;
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < n; i++) {
    const cur = closes[i] as number;
    const prev = closes[i - 1] as number;
    let gain = 0;
    let loss = 0;
    if (cur > prev) gain = cur - prev;
    else loss = prev - cur;
    if (i < period) {
      gainSum += gain;
      lossSum += loss;
    } else if (i === period) {
      // The first average is the SMA of the first `period` changes, summed from 0 oldest first.
      avgGain = (gainSum + gain) / period;
      avgLoss = (lossSum + loss) / period;
    } else {
      avgGain = (gain - avgGain) * factor + avgGain;
      avgLoss = (loss - avgLoss) * factor + avgLoss;
    }
  }
  if (avgLoss === 0) return 100;
  return 100 - 100 / (avgGain / avgLoss + 1);
}

export interface MacdLast {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
  /** The histogram one close before the last. */
  readonly previousHistogram: number;
}

/**
 * MACD(fast, slow, signal) at the last close and the histogram before it, or undefined with fewer than `slow` + 1
 * closes. The line exists from the `slow`-th close on (trading-signals' window), the signal EMA is seeded with the
 * line's first value.
 */
export function macdLast(
  closes: readonly number[],
  fast: number,
  slow: number,
  signal: number,
): MacdLast | undefined {
  const n = closes.length;
  if (n < slow + 1) return undefined;
  const fastK = 2 / (fast + 1);
  const slowK = 2 / (slow + 1);
  const signalK = 2 / (signal + 1);
  let fastEma = 0;
  let slowEma = 0;
  let signalEma = 0;
  let macd = 0;
  let histogram = 0;
  let previousHistogram = 0;
  for (let i = 0; i < n; i++) {
    const price = closes[i] as number;
    // EMA.update: price × k + previous × (1 − k), the previous being the price itself the first time.
    fastEma = price * fastK + (i === 0 ? price : fastEma) * (1 - fastK);
    slowEma = price * slowK + (i === 0 ? price : slowEma) * (1 - slowK);
    if (i < slow - 1) continue;
    macd = fastEma - slowEma;
    signalEma = macd * signalK + (i === slow - 1 ? macd : signalEma) * (1 - signalK);
    previousHistogram = histogram;
    histogram = macd - signalEma;
  }
  return { macd, signal: signalEma, histogram, previousHistogram };
}

export interface BandsLast {
  readonly lower: number;
  readonly middle: number;
  readonly upper: number;
}

/** Bollinger bands (population deviation) over the last `period` closes, or undefined with fewer. */
export function bollingerLast(
  closes: readonly number[],
  period: number,
  deviations: number,
): BandsLast | undefined {
  const n = closes.length;
  if (n < period) return undefined;
  const from = n - period;
  let sum = 0;
  for (let i = from; i < n; i++) sum += closes[i] as number;
  const middle = sum / period;
  let squares = 0;
  for (let i = from; i < n; i++) {
    const d = (closes[i] as number) - middle;
    squares += d * d;
  }
  const deviation = Math.sqrt(squares / period);
  return {
    lower: middle - deviation * deviations,
    middle,
    upper: middle + deviation * deviations,
  };
}
