import { readFileSync } from "node:fs";
import { floorOpen, type Interval, nextOpen } from "./klines.js";

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
  opens: Float64Array;
  /** close_time minus the next candle's open: 0 (MEXC's klines) or -1 (Binance-style files). */
  closeOffset: number;
  values: Float64Array;
  decimals: Uint8Array;
  texts: Map<number, string>;
  /** Most decimals among open/high/low/close, and among volumes. */
  priceDecimals: number;
  volumeDecimals: number;
}

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const INTEGER = /^\d+$/;

export function historyPath(dir: string, symbol: string, interval: string): string {
  return `${dir.replace(/\/$/, "")}/${symbol}-${interval}.csv`;
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
  return nextOpen(s.interval, s.opens[i] as number) + s.closeOffset;
}

/** Index of the candle whose period contains `ms`, or -1 before the first / n after the last. */
export function candleAt(s: HistorySeries, ms: number): number {
  const first = s.opens[0] as number;
  if (ms < first) return -1;
  if (ms >= nextOpen(s.interval, s.opens[s.n - 1] as number)) return s.n;
  let lo = 0;
  let hi = s.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((s.opens[mid] as number) <= ms) lo = mid;
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
  const lines = content.split("\n");
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  const fail = (line: number, what: string): never => {
    throw new Error(`${file}:${line}: ${what}`);
  };
  if ((lines[0] ?? "").trim() !== HISTORY_HEADER) fail(1, `the header must be "${HISTORY_HEADER}"`);
  const n = lines.length - 1;
  if (n < 1) fail(2, "no candles: the file holds only its header");
  const s: HistorySeries = {
    symbol,
    interval,
    file,
    n,
    opens: new Float64Array(n),
    closeOffset: 0,
    values: new Float64Array(n * COLS),
    decimals: new Uint8Array(n * COLS),
    texts: new Map(),
    priceDecimals: 0,
    volumeDecimals: 0,
  };
  for (let i = 0; i < n; i++) parseRow(s, i, (lines[i + 1] as string).trim(), (what) => fail(i + 2, what));
  return s;
}

function parseRow(s: HistorySeries, i: number, row: string, fail: (what: string) => never): void {
  const cells = row.split(",");
  if (cells.length !== 8) fail(`expected 8 columns, found ${cells.length}`);
  const [openText, , , , , , closeText] = cells as [string, ...string[]];
  if (!INTEGER.test(openText) || !INTEGER.test(closeText as string))
    fail("open_time and close_time must be epoch milliseconds");
  const open = Number(openText);
  if (floorOpen(s.interval, open) !== open)
    fail(`open_time ${open} is not the start of a ${s.interval} candle`);
  if (i > 0 && open !== nextOpen(s.interval, s.opens[i - 1] as number)) {
    const prev = s.opens[i - 1] as number;
    fail(open <= prev ? "open_time is not ascending" : `gap: the candle after ${prev} is missing`);
  }
  const offset = Number(closeText) - nextOpen(s.interval, open);
  if (offset !== 0 && offset !== -1)
    fail("close_time must be the next candle's open time (or one ms before)");
  if (i > 0 && offset !== s.closeOffset) fail("close_time is not computed the same way as on the rows above");
  s.closeOffset = offset;
  s.opens[i] = open;
  const valueCells = [cells[1], cells[2], cells[3], cells[4], cells[5], cells[7]] as string[];
  for (let col = 0; col < COLS; col++) {
    const t = valueCells[col] as string;
    if (!DECIMAL.test(t)) fail(`"${t}" is not a plain decimal number`);
    const dot = t.indexOf(".");
    const dp = dot < 0 ? 0 : t.length - dot - 1;
    const x = Number(t);
    const k = i * COLS + col;
    s.values[k] = x;
    s.decimals[k] = Math.min(dp, 255);
    if (dp > 100 || x.toFixed(dp) !== t) s.texts.set(k, t);
    if (col <= COL.c) s.priceDecimals = Math.max(s.priceDecimals, dp);
    else if (col === COL.v) s.volumeDecimals = Math.max(s.volumeDecimals, dp);
  }
  const [o, h, l, c] = [0, 1, 2, 3].map((col) => s.values[i * COLS + col] as number) as [
    number,
    number,
    number,
    number,
  ];
  if (l <= 0) fail("low must be above zero");
  if (h < Math.max(o, c) || l > Math.min(o, c))
    fail("impossible candle: open and close must lie in low..high");
}
