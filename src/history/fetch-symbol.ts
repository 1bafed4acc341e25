import type { KlineInterval, MexcClient } from "../api/index.js";
import { AbortError } from "../clock.js";
import { type Candle, candleProblem, flatCandle } from "./candle.js";
import { HistoryAppender, HistoryFileError, historyPath, readForResume } from "./history-file.js";
import { ceilOpen, nextOpen, openAfter, utc } from "./interval.js";

/**
 * MEXC's most candles per klines request (docs "Kline/Candlestick Data": limit "Default 500; max 1000"). Each
 * request names a window of exactly this many candles with both startTime and endTime (the docs: "startTime and
 * endTime 需同时使用", they go together), so the answer is never cut by the limit and never depends on which end
 * of an oversized window the exchange would keep.
 */
export const KLINES_PER_REQUEST = 1000;

/** Candles MEXC itself has not got, filled flat at the previous close: `count` of them from `from`. */
export interface FilledGap {
  from: number;
  count: number;
}

/** The exchange sent a candle no market can have (high below low…): nothing after it is written. */
export class BadCandleError extends Error {
  override readonly name = "BadCandleError";
}

export interface SymbolFetch {
  symbol: string;
  path: string;
  /** Rows in the file now, and how many this run wrote (filled ones included). */
  rows: number;
  added: number;
  filled: FilledGap[];
  /** The file's first and last open times, when it has rows. */
  first: number | undefined;
  last: number | undefined;
}

export interface FetchSymbolOptions {
  client: MexcClient;
  symbol: string;
  interval: KlineInterval;
  /** Open times in [from, to); `to` already capped at the last closed candle. */
  from: number;
  to: number;
  dir: string;
  signal?: AbortSignal | undefined;
  /** After each request: the open time fetched up to (exclusive) and the rows written so far by this run. */
  onAdvance?: (cursor: number, added: number) => void;
  perRequest?: number;
}

/**
 * Downloads one symbol's candles into its history file, continuing after the file's last whole row. A candle the
 * exchange has not got between two it has (MEXC has such holes: no trade, no candle) is filled flat at the previous
 * close with zero volume and counted, because the history market needs one candle per interval; candles before
 * the first one (the listing) and after the last are not invented.
 */
export async function fetchSymbol(o: FetchSymbolOptions): Promise<SymbolFetch> {
  const path = historyPath(o.dir, o.symbol, o.interval);
  const existing = readForResume(path, o.interval);
  let cursor = ceilOpen(o.interval, o.from);
  if (existing.first && existing.first.openTime > cursor)
    await refuseLaterStart(o, path, existing.first, cursor);
  if (existing.last) cursor = Math.max(cursor, nextOpen(o.interval, existing.last.openTime));
  const result: SymbolFetch = {
    symbol: o.symbol,
    path,
    rows: existing.rows,
    added: 0,
    filled: [],
    first: existing.first?.openTime,
    last: existing.last?.openTime,
  };
  let prev = existing.last;
  let out: HistoryAppender | undefined;
  const per = o.perRequest ?? KLINES_PER_REQUEST;
  try {
    while (cursor < o.to) {
      if (o.signal?.aborted) throw new AbortError("the fetch was interrupted");
      const windowEnd = Math.min(openAfter(o.interval, cursor, per), o.to);
      const got = await page(o, cursor, windowEnd, per);
      const rows: Candle[] = [];
      for (const c of got) {
        if (prev && c.openTime <= prev.openTime) continue;
        if (prev) rows.push(...fill(prev, c.openTime, o.interval, result.filled));
        rows.push(c);
        prev = c;
      }
      if (rows.length > 0) {
        out ??= new HistoryAppender(path, o.dir, !existing.hasHeader);
        out.append(rows);
        result.added += rows.length;
        result.rows += rows.length;
        result.first ??= rows[0]?.openTime;
        result.last = prev?.openTime;
      }
      cursor = got.length > 0 && prev ? nextOpen(o.interval, prev.openTime) : windowEnd;
      o.onAdvance?.(cursor, result.added);
    }
  } finally {
    out?.close();
  }
  return result;
}

/** One request: the window's candles, checked, oldest first. */
async function page(o: FetchSymbolOptions, start: number, end: number, per: number): Promise<Candle[]> {
  const cells = await o.client.klineCells(o.symbol, o.interval, {
    startTime: start,
    endTime: end - 1,
    limit: per,
  });
  const out: Candle[] = [];
  for (const row of cells) {
    const c: Candle = { openTime: Number(row[0]), closeTime: Number(row[6]), cells: row };
    // The window is what was asked for; anything else (a still-open candle, a row outside it) is not ours to keep.
    if (c.openTime < start || c.openTime >= end) continue;
    const problem = candleProblem(c, o.interval);
    if (problem)
      throw new BadCandleError(
        `the exchange sent an impossible ${o.symbol} ${o.interval} candle at ${utc(c.openTime)} UTC: ${problem}. ` +
          "Nothing after it was written; report it, and fetch that symbol over a range that avoids it.",
      );
    out.push(c);
  }
  return out.sort((a, b) => a.openTime - b.openTime);
}

function fill(prev: Candle, until: number, interval: KlineInterval, gaps: FilledGap[]): Candle[] {
  const out: Candle[] = [];
  for (let t = nextOpen(interval, prev.openTime); t < until; t = nextOpen(interval, t)) {
    out.push(flatCandle(prev, t, interval));
  }
  const first = out[0];
  if (first) gaps.push({ from: first.openTime, count: out.length });
  return out;
}

/**
 * A file from an earlier fetch that starts after --from is fine when the exchange has nothing earlier (the
 * listing); otherwise appending would leave the asked-for start missing, so the user is told to start over.
 */
async function refuseLaterStart(
  o: FetchSymbolOptions,
  path: string,
  first: Candle,
  from: number,
): Promise<void> {
  const earlier = await o.client.klineCells(o.symbol, o.interval, {
    startTime: from,
    endTime: first.openTime - 1,
    limit: 1,
  });
  if (earlier.length === 0) return;
  throw new HistoryFileError(
    `${path} starts at ${utc(first.openTime)} UTC but the exchange has ${o.symbol} candles from ` +
      `${utc(Number(earlier[0]?.[0]))} UTC, within --from: delete the file to fetch the whole range again.`,
  );
}
