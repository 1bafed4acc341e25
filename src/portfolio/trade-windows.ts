import type { Trade } from "../api/index.js";

const DAY_MS = 86_400_000;
/** MEXC's docs ("Account Trade List"): only the past month can be queried. */
export const HISTORY_MS = 30 * DAY_MS;
/**
 * What MEXC really answers: "When transmitting `startTime` older than 7 days, no data is returned."
 * (mexcdevelop/mexc-api-sdk issue #56, 2023-10-03). The docs' month holds only with a startTime within a week.
 */
export const RECENT_MS = 7 * DAY_MS;
/**
 * How far inside the week a window's startTime stays: room for the exchange's clock running ahead of ours (the
 * pre-flight refuses a second, but a clock stepped back or a machine resumed from sleep is off by more until the
 * client resyncs) and for the request's way there. A week less an hour is what a first sync reaches back.
 */
export const MARGIN_MS = 60 * 60_000;
/** MEXC's most rows a myTrades answer holds. */
export const PAGE = 100;

/**
 * Inclusive bounds in epoch ms, as myTrades takes them (startTime ≤ time ≤ endTime). `end` Infinity: open, no
 * endTime sent, up to the exchange's own now (so a clock of the exchange ahead of ours loses nothing).
 */
export interface TradeWindow {
  start: number;
  end: number;
}

/**
 * The windows a sync asks for, oldest first, from `from` on: at most 7 days each, and none straddles now − 7 d +
 * margin, so every window reaching into the last week starts inside it (MEXC answers those); the older ones may
 * come back empty on the real exchange, which costs their request and nothing else. The last one, which starts
 * inside the week, is open (no endTime): it ends at the exchange's now, whatever the offset of our clock, and a
 * week from its start is past that now, so no reading of MEXC's limits cuts it short. Coverage still counts only
 * up to our `now` (nextCursor).
 */
export function tradeWindows(from: number, now: number): TradeWindow[] {
  const cut = now - RECENT_MS + MARGIN_MS;
  const out: TradeWindow[] = [];
  let start = from;
  while (start < cut) {
    const end = Math.min(start + RECENT_MS - 1, cut - 1);
    out.push({ start, end });
    start = end + 1;
  }
  if (start <= now) out.push({ start, end: Number.POSITIVE_INFINITY });
  return out;
}

export interface WalkOptions {
  windows: readonly TradeWindow[];
  /** One myTrades request for the window, endTime inclusive. */
  fetch(w: TradeWindow): Promise<readonly Trade[]>;
  /** Every answer, as it comes (the caller books the rows it has not seen: a split reads some twice). */
  seen(trades: readonly Trade[]): void;
  /** A full page of one millisecond: it cannot be split, so some of its trades may be missed. */
  unsplittable(w: TradeWindow): void;
  maxRequests: number;
}

export interface WalkResult {
  /** The end of the last window fully read, every earlier one read too; undefined if the first was not. */
  coveredTo: number | undefined;
  /** The request cap stopped the walk before `now`. */
  capped: boolean;
  requests: number;
}

/**
 * Reads the windows in time order. MEXC does not say which rows a full page holds (the oldest or the newest of
 * the window), so a full page only says the window may hold more: it is split in two at the median time of the
 * rows it showed (both halves smaller, whichever rows they were) and each half read, the earlier first. Splitting
 * at the rows rather than at the middle of the window's time finds a burst in a long window in a few requests
 * instead of one pair per halving of its span. The result is complete whatever rows a full page picks.
 */
export async function walkTradeWindows(o: WalkOptions): Promise<WalkResult> {
  const todo = [...o.windows].reverse();
  let coveredTo: number | undefined;
  let requests = 0;
  for (let w = todo.pop(); w !== undefined; w = todo.pop()) {
    if (requests >= o.maxRequests) return { coveredTo, capped: true, requests };
    requests++;
    const trades = await o.fetch(w);
    o.seen(trades);
    if (trades.length >= PAGE) {
      if (w.end > w.start) {
        const cut = splitAt(trades, w);
        todo.push({ start: cut + 1, end: w.end }, { start: w.start, end: cut });
        continue;
      }
      o.unsplittable(w);
    }
    coveredTo = w.end;
  }
  return { coveredTo, capped: false, requests };
}

/** The last millisecond of the earlier half: the rows' median time, kept inside [start, end − 1]. */
function splitAt(trades: readonly Trade[], w: TradeWindow): number {
  const times = trades.map((t) => t.time).sort((a, b) => a - b);
  const median = times[(times.length - 1) >> 1] ?? w.start;
  return Math.min(Math.max(median, w.start), w.end - 1);
}

/** A symbol's sync cursor as state.json keeps it (store/schema.ts). */
export interface SyncCursor {
  /** The newest trade synced (or where the first sync started). */
  lastTime: number;
  /** The end of the last window fully read; absent in files written before it existed. */
  coveredTo?: number | undefined;
}

export interface Walked {
  /** The first window's start. */
  from: number;
  /** The `now` taken before the requests: coverage never goes past it. */
  now: number;
  /** The newest trade time any answer held. */
  newest: number;
  /** The walk's coverage (WalkResult.coveredTo). */
  coveredTo: number | undefined;
}

/**
 * The cursor after a walk: to be written when lastTime changed or the coverage moved a day past the written one
 * (the bots sync every minute: state.json must not be rewritten each time); else only the coverage, kept in
 * memory. lastTime counts only trades inside the coverage: after a capped walk a later window's trade must not carry
 * the next start past the windows not read.
 */
export function nextCursor(
  cursor: SyncCursor | undefined,
  w: Walked,
): { written: { lastTime: number; coveredTo: number } } | { coveredTo: number } | undefined {
  if (w.coveredTo === undefined) return undefined;
  const lastTime = Math.max(cursor?.lastTime ?? w.from, w.newest <= w.coveredTo ? w.newest : -Infinity);
  const read = Math.min(w.coveredTo, w.now);
  const coveredTo = Math.max(read, cursor?.coveredTo ?? read);
  const written = cursor?.coveredTo;
  if (cursor?.lastTime === lastTime && written !== undefined && coveredTo - written < DAY_MS)
    return { coveredTo };
  return { written: { lastTime, coveredTo } };
}
