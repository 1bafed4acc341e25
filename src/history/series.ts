import type { KlineInterval } from "../api/index.js";
import type { Candle } from "./candle.js";
import { countOpens, isOpenTime, nextOpen, openAfter, utc } from "./interval.js";

/**
 * What is wrong with a candle's place in the series, or undefined: the history market needs one candle per
 * interval, in order. `prev` is the candle before it (undefined for the first).
 */
export function sequenceProblem(
  prev: Candle | undefined,
  c: Candle,
  interval: KlineInterval,
): string | undefined {
  if (!isOpenTime(interval, c.openTime))
    return `open time ${c.openTime} (${utc(c.openTime)} UTC) is not the start of a ${interval} candle: is the interval right?`;
  if (!prev) return undefined;
  if (c.openTime === prev.openTime) return `a second candle for ${utc(c.openTime)} UTC (a duplicate)`;
  if (c.openTime < prev.openTime)
    return `candle ${utc(c.openTime)} UTC comes after ${utc(prev.openTime)} UTC (rows out of order)`;
  const expected = nextOpen(interval, prev.openTime);
  if (c.openTime > expected) {
    const n = countOpens(interval, expected, c.openTime);
    const last = openAfter(interval, expected, n - 1);
    const span = n === 1 ? utc(expected) : `${utc(expected)} to ${utc(last)}`;
    return `${n} candle${n === 1 ? "" : "s"} missing before this one (${span} UTC)`;
  }
  return undefined;
}
