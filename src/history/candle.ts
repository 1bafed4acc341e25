import { D, type KlineInterval } from "../api/index.js";
import { nextOpen } from "./interval.js";

/**
 * One candle of a history file: MEXC's eight columns as text, the exchange's own digits (never re-formatted
 * through a float or a Decimal), times in epoch ms. The file format is the contract with the simulator's history
 * market: `<SYMBOL>-<interval>.csv`, this header, one row per candle, strictly ascending open times, no gaps.
 */
export const HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";

export interface Candle {
  readonly openTime: number;
  readonly closeTime: number;
  /** open_time … quote_volume; [0] and [6] are the times above as digits. */
  readonly cells: readonly string[];
}

export function formatRow(c: Candle): string {
  return `${c.cells.join(",")}\n`;
}

const PLAIN = /^\d+(\.\d+)?$/;
const NAMES = ["open time", "open", "high", "low", "close", "volume", "close time", "quote volume"];

function numberProblem(name: string, v: string, optional: boolean): string | undefined {
  if (PLAIN.test(v)) return undefined;
  if (v === "" && optional) return undefined;
  if (/^-\d+(\.\d+)?$/.test(v)) return `${name} is negative (${v})`;
  return `${name} is not a plain decimal number: ${JSON.stringify(v)}`;
}

/**
 * What makes a candle impossible, in words, or undefined: a cell that is not a number, a negative price or
 * volume, high below low, open or close outside [low, high], a close time outside the candle. Compared as
 * Decimals, so "0.1" and "0.10" are equal and no float rounds a tiny price.
 */
export function candleProblem(c: Candle, interval: KlineInterval): string | undefined {
  for (let i = 1; i <= 5; i++) {
    const p = numberProblem(NAMES[i] as string, c.cells[i] as string, false);
    if (p) return p;
  }
  const qv = numberProblem("quote volume", c.cells[7] as string, true);
  if (qv) return qv;
  const [o, h, l, cl] = [1, 2, 3, 4].map((i) => new D(c.cells[i] as string));
  if (!o || !h || !l || !cl) return "a price is missing";
  if (h.lt(l)) return `high ${c.cells[2]} is below low ${c.cells[3]}`;
  if (o.lt(l) || o.gt(h)) return `open ${c.cells[1]} is outside [low ${c.cells[3]}, high ${c.cells[2]}]`;
  if (cl.lt(l) || cl.gt(h)) return `close ${c.cells[4]} is outside [low ${c.cells[3]}, high ${c.cells[2]}]`;
  if (c.closeTime <= c.openTime || c.closeTime > nextOpen(interval, c.openTime))
    return `close time ${c.closeTime} is not within its ${interval} candle (open time ${c.openTime})`;
  return undefined;
}

/** A canonical row (as written by this room) back into a candle; undefined if it is not one. */
export function parseRow(line: string): Candle | undefined {
  const cells = line.split(",");
  if (cells.length !== 8) return undefined;
  const [open, close] = [cells[0] as string, cells[6] as string];
  if (!/^\d{1,15}$/.test(open) || !/^\d{1,15}$/.test(close)) return undefined;
  return { openTime: Number(open), closeTime: Number(close), cells };
}

/**
 * A flat candle for a minute the exchange has no candle for: open = high = low = close = the previous close, no
 * volume, its close time placed as the exchange places it (MEXC: the next open; Binance: one ms before).
 */
export function flatCandle(prev: Candle, openTime: number, interval: KlineInterval): Candle {
  const closeOffset = prev.closeTime - nextOpen(interval, prev.openTime);
  const closeTime = nextOpen(interval, openTime) + closeOffset;
  const p = prev.cells[4] as string;
  return { openTime, closeTime, cells: [String(openTime), p, p, p, p, "0", String(closeTime), "0"] };
}
