/**
 * Candles as the filters see them: plain numbers, oldest first (MEXC's kline order). The api room's
 * `IndicatorCandle` (the klines, read straight into numbers) is one: indicators are statistics, not money.
 */
export interface Candle {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base-asset volume; the volume ratio uses this one. */
  readonly volume: number;
  readonly quoteVolume?: number | undefined;
}

/**
 * A value an indicator produced, or `undefined` with the reason it could not (too few candles, bad data).
 * Never NaN: a caller that checks `value !== undefined` holds a finite number or a reading made of them.
 */
export type Reading<T> = { readonly value: T } | { readonly value: undefined; readonly reason: string };

export function reading<T>(value: T): Reading<T> {
  return { value };
}

export function missing<T>(reason: string): Reading<T> {
  return { value: undefined, reason };
}

/**
 * Why the candles cannot be used at all, or undefined when they can. Only the fields the indicators read are
 * checked (close, volume, openTime): a zero or negative close would make every percentage meaningless, and
 * candles out of order would make "the last bar" a different bar than the caller thinks.
 */
export function candleProblem(candles: readonly Candle[]): string | undefined {
  let previousTime = Number.NEGATIVE_INFINITY;
  // An index loop: entries() built an iterator and a pair per candle, at every scan for every pair.
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i] as Candle;
    if (!Number.isFinite(c.close) || c.close <= 0)
      return `candle ${i} has close ${c.close}, not a positive number`;
    if (!Number.isFinite(c.volume) || c.volume < 0)
      return `candle ${i} has volume ${c.volume}, not 0 or more`;
    if (!Number.isFinite(c.openTime)) return `candle ${i} has openTime ${c.openTime}, not a number`;
    if (c.openTime <= previousTime) return `candle ${i} is not later than the one before it (oldest first)`;
    previousTime = c.openTime;
  }
  return undefined;
}
