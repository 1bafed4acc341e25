import { readFileSync } from "node:fs";
import { fixedLength, floorOpen, type Interval, nextOpen } from "./klines.js";

/**
 * One history file, `<SYMBOL>-<interval>.csv` as `npm run history` writes it (MEXC's kline column order). The
 * simulator keeps its own loader because it imports nothing of the project but the clock. Strict: a malformed
 * file is refused with its name and line, since a replay on a silently repaired history would mislead.
 */
export const HISTORY_HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";

/** Value columns, in file order after open_time (close_time excluded). */
export const COL = { o: 0, h: 1, l: 2, c: 3, v: 4, qv: 5 } as const;
export type Col = (typeof COL)[keyof typeof COL];
const COLS = 6;

/**
 * A series held compactly: numbers for the price path, and for the served candles each decimal as its number
 * plus its count of decimals (`toFixed` gives the file's exact text back); the rare value a double cannot carry
 * exactly (more than ~15 significant digits) is kept as text.
 */
export interface HistorySeries {
  symbol: string;
  interval: Interval;
  file: string;
  n: number;
  /** Open time of the first candle; the others follow it without gaps (the loader refuses a gap). */
  firstOpen: number;
  /**
   * Length of each candle in ms, or undefined for months, whose open times are kept in `monthOpens`: a year of
   * 15m candles of 50 pairs would otherwise hold 13 MiB of open times that a multiplication gives back.
   */
  fixedLen: number | undefined;
  monthOpens: Float64Array | undefined;
  /** close_time minus the next candle's open: 0 (MEXC's klines) or -1 (Binance-style files). */
  closeOffset: number;
  values: Float64Array;
  decimals: Uint8Array;
  texts: Map<number, string>;
  /** Most decimals among open/high/low/close, and among volumes. */
  priceDecimals: number;
  volumeDecimals: number;
}

export function historyPath(dir: string, symbol: string, interval: string): string {
  return `${dir.replace(/\/$/, "")}/${symbol}-${interval}.csv`;
}

/** Open time of candle `i` (0 ≤ i < n). */
export function openTime(s: HistorySeries, i: number): number {
  return s.fixedLen !== undefined ? s.firstOpen + i * s.fixedLen : (s.monthOpens?.[i] as number);
}

export function value(s: HistorySeries, i: number, col: Col): number {
  return s.values[i * COLS + col] as number;
}

/** The file's own text of one value. */
export function text(s: HistorySeries, i: number, col: Col): string {
  const k = i * COLS + col;
  return s.texts.get(k) ?? (s.values[k] as number).toFixed(s.decimals[k] as number);
}

export function closeTime(s: HistorySeries, i: number): number {
  return nextOpen(s.interval, openTime(s, i)) + s.closeOffset;
}

/** Index of the candle whose period contains `ms`, or -1 before the first / n after the last. */
export function candleAt(s: HistorySeries, ms: number): number {
  const first = s.firstOpen;
  if (ms < first) return -1;
  if (ms >= nextOpen(s.interval, openTime(s, s.n - 1))) return s.n;
  if (s.fixedLen !== undefined) return Math.floor((ms - first) / s.fixedLen);
  let lo = 0;
  let hi = s.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (openTime(s, mid) <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function loadSeries(dir: string, symbol: string, interval: Interval): HistorySeries {
  const file = historyPath(dir, symbol, interval);
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`history file ${file} cannot be read (${why}); write it with \`npm run history\``);
  }
  return parseSeries(content, file, symbol, interval);
}

export function parseSeries(
  content: string,
  file: string,
  symbol: string,
  interval: Interval,
): HistorySeries {
  const fail = (line: number, what: string): never => {
    throw new Error(`${file}:${line}: ${what}`);
  };
  // Line bounds first (a trailing newline or blank lines at the end are fine), so the arrays are sized once.
  const bounds: number[] = [];
  for (let a = 0; a < content.length; ) {
    let b = content.indexOf("\n", a);
    if (b < 0) b = content.length;
    bounds.push(a, b);
    a = b + 1;
  }
  while (
    bounds.length > 0 &&
    content.slice(bounds[bounds.length - 2], bounds[bounds.length - 1]).trim() === ""
  )
    bounds.length -= 2;
  if (content.slice(0, bounds[1] ?? 0).trim() !== HISTORY_HEADER)
    fail(1, `the header must be "${HISTORY_HEADER}"`);
  const n = bounds.length / 2 - 1;
  if (n < 1) fail(2, "no candles: the file holds only its header");
  const fixedLen = fixedLength(interval);
  const s: HistorySeries = {
    symbol,
    interval,
    file,
    n,
    firstOpen: 0,
    fixedLen,
    monthOpens: fixedLen === undefined ? new Float64Array(n) : undefined,
    closeOffset: 0,
    values: new Float64Array(n * COLS),
    decimals: new Uint8Array(n * COLS),
    texts: new Map(),
    priceDecimals: 0,
    volumeDecimals: 0,
  };
  for (let i = 0; i < n; i++) {
    let b = bounds[2 * i + 3] as number;
    if (content.charCodeAt(b - 1) === 13) b--; // CRLF
    parseRow(s, i, content, bounds[2 * i + 2] as number, b, (what) => fail(i + 2, what));
  }
  return s;
}

// Field bounds of the row being parsed, and the last decimal scanned: the loader allocates nothing per cell.
const fields = new Int32Array(9);
let cellValue = 0;
let cellDecimals = 0;
let cellExact = true;

/**
 * Scans t[a, b) as a plain decimal (digits, an optional fraction, no sign, exponent or leading zero). With at most
 * 15 significant digits the integer mantissa and 10^decimals are exact doubles, so their quotient is the double
 * nearest the text (as Number() would give), and toFixed(decimals) prints the text back.
 */
function scanDecimal(t: string, a: number, b: number): boolean {
  if (a >= b) return false;
  let m = 0;
  let dp = -1;
  let sig = 0;
  for (let k = a; k < b; k++) {
    const ch = t.charCodeAt(k);
    if (ch === 46) {
      if (dp >= 0 || k === a || k === b - 1) return false;
      dp = 0;
      continue;
    }
    if (ch < 48 || ch > 57) return false;
    if (k === a + 1 && dp < 0 && t.charCodeAt(a) === 48) return false;
    if (dp >= 0) dp++;
    if (sig > 0 || ch !== 48) sig++;
    m = m * 10 + (ch - 48);
  }
  cellDecimals = Math.max(dp, 0);
  cellExact = sig <= 15 && cellDecimals <= 22;
  cellValue = cellExact ? m / 10 ** cellDecimals : Number(t.slice(a, b));
  return true;
}

const end = (f: number): number => (fields[f + 1] as number) - 1;
const isTime = (t: string, f: number): boolean =>
  scanDecimal(t, fields[f] as number, end(f)) && cellDecimals === 0;

function parseRow(
  s: HistorySeries,
  i: number,
  t: string,
  a: number,
  b: number,
  fail: (what: string) => never,
): void {
  let count = 0;
  fields[0] = a;
  for (let k = a; k < b; k++) {
    if (t.charCodeAt(k) !== 44) continue;
    count++;
    if (count < 8) fields[count] = k + 1;
  }
  if (count !== 7) fail(`expected 8 columns, found ${count + 1}`);
  fields[8] = b + 1;
  if (!isTime(t, 0)) fail("open_time must be epoch milliseconds");
  const open = cellValue;
  if (!isTime(t, 6)) fail("close_time must be epoch milliseconds");
  checkTimes(s, i, open, cellValue, fail);
  for (let col = 0; col < COLS; col++) {
    const f = col === COL.qv ? 7 : col + 1;
    if (!scanDecimal(t, fields[f] as number, end(f)))
      fail(`"${t.slice(fields[f] as number, end(f))}" is not a plain decimal number`);
    const k = i * COLS + col;
    s.values[k] = cellValue;
    s.decimals[k] = Math.min(cellDecimals, 255);
    if (!cellExact) s.texts.set(k, t.slice(fields[f] as number, end(f)));
    if (col <= COL.c) s.priceDecimals = Math.max(s.priceDecimals, cellDecimals);
    else if (col === COL.v) s.volumeDecimals = Math.max(s.volumeDecimals, cellDecimals);
  }
  const o = value(s, i, COL.o);
  const c = value(s, i, COL.c);
  if (value(s, i, COL.l) <= 0) fail("low must be above zero");
  if (value(s, i, COL.h) < Math.max(o, c) || value(s, i, COL.l) > Math.min(o, c))
    fail("impossible candle: open and close must lie in low..high");
}

function checkTimes(
  s: HistorySeries,
  i: number,
  open: number,
  close: number,
  fail: (what: string) => never,
): void {
  if (floorOpen(s.interval, open) !== open)
    fail(`open_time ${open} is not the start of a ${s.interval} candle`);
  if (i > 0 && open !== nextOpen(s.interval, openTime(s, i - 1))) {
    const prev = openTime(s, i - 1);
    fail(open <= prev ? "open_time is not ascending" : `gap: the candle after ${prev} is missing`);
  }
  const offset = close - nextOpen(s.interval, open);
  if (offset !== 0 && offset !== -1)
    fail("close_time must be the next candle's open time (or one ms before)");
  if (i > 0 && offset !== s.closeOffset) fail("close_time is not computed the same way as on the rows above");
  s.closeOffset = offset;
  if (i === 0) s.firstOpen = open;
  if (s.monthOpens) s.monthOpens[i] = open;
}
