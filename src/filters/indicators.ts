import { type Candle, candleProblem, missing, type Reading, reading } from "./candles.js";
import { bollingerLast, macdLast, rsiLast } from "./indicator-math.js";

/**
 * The scanner's technical indicators over closed candles (seed note 002, TechnicalIndicators): RSI(14, Wilder),
 * MACD(12, 26, 9) with its last-bar cross, Bollinger(20, 2) and the last candle's volume against the average of
 * the candles before it. Pure: numbers in, numbers out.
 *
 * The arithmetic is trading-signals' (8.3), written as plain loops in indicator-math.ts and equal to it to the
 * last bit. Its EMAs start at the first price instead of an SMA, so early MACD values lean on the first candle;
 * the scanner fetches 100 candles (config `scanner.klineLimit`) so that influence has faded by the last bar.
 */

export const RSI_PERIOD = 14;
export const MACD_FAST = 12;
export const MACD_SLOW = 26;
export const MACD_SIGNAL = 9;
export const BOLLINGER_PERIOD = 20;
export const BOLLINGER_STD_DEVS = 2;
export const DEFAULT_VOLUME_LOOKBACK = 20;

/** Candles each indicator needs before it gives a value; the volume ratio needs its lookback + 1. */
export const MIN_CANDLES = {
  /** 14 changes need 15 closes. */
  rsi: RSI_PERIOD + 1,
  /**
   * The MACD line exists from the 26th close and the signal line has seen 9 of them at the 34th: that is the first
   * histogram worth reading. One bar more gives the histogram before it, which the cross needs.
   */
  macd: MACD_SLOW + MACD_SIGNAL,
  bollinger: BOLLINGER_PERIOD,
  lastBarChange: 2,
} as const;

export type MacdCross = "up" | "down" | "none";

export interface MacdReading {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
  readonly previousHistogram: number;
  /** "up": the histogram turned positive on the last bar (was ≤ 0); "down": it turned negative (was ≥ 0). */
  readonly cross: MacdCross;
}

interface Bands {
  readonly lower: number;
  readonly middle: number;
  readonly upper: number;
  readonly close: number;
}

/** Where the last close sits; touching a band counts as inside, so a flat market reads "inside". */
export type BollingerReading = Bands &
  (
    | { readonly position: "below" }
    | { readonly position: "inside" }
    | {
        readonly position: "above";
        /** How far the close is above the upper band, in percent of the band (> 0). */
        readonly pctAboveUpper: number;
      }
  );

export interface VolumeReading {
  /** Last candle's volume divided by the average of the `lookback` candles before it. */
  readonly ratio: number;
  readonly last: number;
  readonly average: number;
  readonly lookback: number;
}

export interface Indicators {
  readonly candles: number;
  readonly rsi: Reading<number>;
  readonly macd: Reading<MacdReading>;
  readonly bollinger: Reading<BollingerReading>;
  readonly volume: Reading<VolumeReading>;
  /** The last close against the close before it, in percent: the direction of the bar that carries the volume. */
  readonly lastBarChangePct: Reading<number>;
}

export interface IndicatorOptions {
  /** Candles averaged for the volume ratio (before the last one). Default 20. */
  readonly volumeLookback?: number;
}

export function computeIndicators(candles: readonly Candle[], options: IndicatorOptions = {}): Indicators {
  const lookback = options.volumeLookback ?? DEFAULT_VOLUME_LOOKBACK;
  if (!Number.isInteger(lookback) || lookback < 1) {
    throw new RangeError(`volumeLookback must be a whole number of candles, 1 or more (got ${lookback})`);
  }
  const problem = candleProblem(candles);
  if (problem !== undefined) {
    const bad = missing<never>(problem);
    return {
      candles: candles.length,
      rsi: bad,
      macd: bad,
      bollinger: bad,
      volume: bad,
      lastBarChangePct: bad,
    };
  }
  const closes = candles.map((c) => c.close);
  return {
    candles: candles.length,
    rsi: finite(rsiOf(closes)),
    macd: finite(macdOf(closes)),
    bollinger: finite(bollingerOf(closes)),
    volume: finite(volumeOf(candles, lookback)),
    lastBarChangePct: finite(lastBarChangeOf(closes)),
  };
}

function tooFew<T>(need: number, got: number): Reading<T> {
  return missing(`needs ${need} candles, got ${got}`);
}

function rsiOf(closes: readonly number[]): Reading<number> {
  if (closes.length < MIN_CANDLES.rsi) return tooFew(MIN_CANDLES.rsi, closes.length);
  // trading-signals answers 100 when there was no loss, even when there was no gain either; a coin that never
  // moved is not overbought, and calling it so would make the anti-hype filter block it.
  if (closes.every((c) => c === closes[0]))
    return missing(`the close never moved in ${closes.length} candles`);
  const value = rsiLast(closes, RSI_PERIOD);
  return value === undefined ? tooFew(MIN_CANDLES.rsi, closes.length) : reading(value);
}

function macdOf(closes: readonly number[]): Reading<MacdReading> {
  if (closes.length < MIN_CANDLES.macd) return tooFew(MIN_CANDLES.macd, closes.length);
  const last = macdLast(closes, MACD_FAST, MACD_SLOW, MACD_SIGNAL);
  if (last === undefined) return tooFew(MIN_CANDLES.macd, closes.length);
  const h = last.histogram;
  const previous = last.previousHistogram;
  const cross: MacdCross = previous <= 0 && h > 0 ? "up" : previous >= 0 && h < 0 ? "down" : "none";
  return reading({ macd: last.macd, signal: last.signal, histogram: h, previousHistogram: previous, cross });
}

function bollingerOf(closes: readonly number[]): Reading<BollingerReading> {
  if (closes.length < MIN_CANDLES.bollinger) return tooFew(MIN_CANDLES.bollinger, closes.length);
  // Only the last window matters: the bands have no memory beyond it.
  const r = bollingerLast(closes, BOLLINGER_PERIOD, BOLLINGER_STD_DEVS);
  const close = closes[closes.length - 1];
  if (r === undefined || close === undefined) return tooFew(MIN_CANDLES.bollinger, closes.length);
  const { lower, middle, upper } = r;
  // Literals rather than spreading a shared part: a spread copy costs more than the bands' arithmetic.
  if (close > upper) {
    const pctAboveUpper = ((close - upper) / upper) * 100;
    return reading({ lower, middle, upper, close, position: "above", pctAboveUpper });
  }
  return reading({ lower, middle, upper, close, position: close < lower ? "below" : "inside" });
}

function volumeOf(candles: readonly Candle[], lookback: number): Reading<VolumeReading> {
  const need = lookback + 1;
  if (candles.length < need) return tooFew(need, candles.length);
  const n = candles.length;
  // Summed oldest first from 0, as a reduce over the slice would: the same bits, without the slice.
  let sum = 0;
  for (let i = n - need; i < n - 1; i++) sum += (candles[i] as Candle).volume;
  const average = sum / lookback;
  const last = candles[n - 1]?.volume ?? 0;
  if (average === 0) return missing(`the ${lookback} candles before the last one traded no volume`);
  return reading({ ratio: last / average, last, average, lookback });
}

function lastBarChangeOf(closes: readonly number[]): Reading<number> {
  const last = closes[closes.length - 1];
  const before = closes[closes.length - 2];
  if (last === undefined || before === undefined) return tooFew(MIN_CANDLES.lastBarChange, closes.length);
  return reading(((last - before) / before) * 100);
}

/**
 * Extreme but finite inputs (closes near Number.MAX_VALUE) can still overflow inside a formula; a reading that is
 * not finite becomes a missing one, so no NaN or Infinity ever reaches a score or a verdict.
 */
function finite<T>(r: Reading<T>): Reading<T> {
  if (r.value === undefined) return r;
  return allFinite(r.value) ? r : missing("the numbers overflowed (values too large)");
}

function allFinite(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v === "object" && v !== null) {
    for (const k in v) if (!allFinite((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}
