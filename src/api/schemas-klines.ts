import { z } from "zod";
import { DECIMAL_LITERAL } from "./decimal.js";
import { isBlank, leaf, show } from "./schema-fields.js";
import type { IndicatorCandle } from "./types.js";

/**
 * GET /api/v3/klines, read straight into numbers for the indicators. MEXC's docs ("Kline/Candlestick Data",
 * mexcdevelop/apidocs source/index.html.md) send each candle as a positional row of 8 cells: open time, open,
 * high, low, close, volume, close time, quote volume; times are integers, the rest decimal strings.
 *
 * This is the hot path of a market scan (2,000 symbols × 100 candles): one zod node for the whole answer, then a
 * plain loop; building a Decimal per cell only to turn it back into a float cost more than the HTTP call.
 */
const COLUMNS = [
  "open time",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "close time",
  "quote volume",
] as const;
/** The quote volume may be left out or blank (seen on some symbols); the 7 cells before it may not. */
const REQUIRED_CELLS = 7;

class CellError {
  constructor(
    readonly path: (string | number)[],
    readonly message: string,
  ) {}
}

function price(row: readonly unknown[], r: number, c: number): number {
  const v = row[c];
  // A decimal literal first: Number() would also take "", " 1", "0x10" and "Infinity".
  const n =
    typeof v === "string" && DECIMAL_LITERAL.test(v) ? Number(v) : typeof v === "number" ? v : Number.NaN;
  if (Number.isFinite(n)) return n;
  throw new CellError([r, c], `${COLUMNS[c]}: expected a finite number, got ${show(v)}`);
}

function time(row: readonly unknown[], r: number, c: number): number {
  const v = row[c];
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^\d{1,15}$/.test(v)) return Number(v);
  throw new CellError([r, c], `${COLUMNS[c]}: expected a time in ms (an integer), got ${show(v)}`);
}

function candle(row: unknown, r: number): IndicatorCandle {
  if (!Array.isArray(row))
    throw new CellError([r], `expected a candle (a list of 8 cells), got ${show(row)}`);
  if (row.length < REQUIRED_CELLS) {
    throw new CellError([r], `expected a candle of 8 cells (${COLUMNS.join(", ")}), got ${row.length}`);
  }
  return {
    openTime: time(row, r, 0),
    open: price(row, r, 1),
    high: price(row, r, 2),
    low: price(row, r, 3),
    close: price(row, r, 4),
    volume: price(row, r, 5),
    closeTime: time(row, r, 6),
    quoteVolume: isBlank(row[7]) ? undefined : price(row, r, 7),
  };
}

/** Oldest first, as MEXC sends them; the first bad cell fails the answer with its row and column. */
export const klinesSchema = leaf((v, ctx): IndicatorCandle[] => {
  try {
    if (!Array.isArray(v)) throw new CellError([], `expected a list of candles, got ${show(v)}`);
    const out = new Array<IndicatorCandle>(v.length);
    for (let r = 0; r < v.length; r++) out[r] = candle(v[r], r);
    return out;
  } catch (e) {
    if (!(e instanceof CellError)) throw e;
    ctx.addIssue({ code: "custom", path: e.path, message: e.message });
    return z.NEVER as never;
  }
});
