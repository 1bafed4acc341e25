import { COL, candleAt, type HistorySeries, openTime, value } from "./history-file.js";
import { nextOpen } from "./klines.js";

/**
 * The price inside a candle, deterministic and piecewise linear through four points at fixed times: the open at
 * the candle's open, its first extreme a third of the way in, the other extreme two thirds in, the close at its
 * end. A candle that closed up (close >= open) goes open → low → high → close, one that closed down open → high
 * → low → close (issue 16's rule): the extreme on the close's side comes last. MultiCharts' backtester makes the
 * same kind of assumption ("Intra-bar Price Movement Assumptions": O-H-L-C or O-L-H-C, chosen by the open's
 * distance to the extremes). Such a path is a model, and inside a candle it can be read ahead: once the price
 * moves, its way to the next point is known (MQL5 code base #244 profits from MetaTrader's OHLC ticks so). At a
 * candle's open nothing of the candle shows yet. At the next open the price jumps to that candle's open; before
 * the first candle there is no price, after the last it stays at the last close.
 */
export interface Vertex {
  t: number;
  p: number;
}

export function vertices(s: HistorySeries, i: number): [Vertex, Vertex, Vertex, Vertex] {
  const open = openTime(s, i);
  const len = nextOpen(s.interval, open) - open;
  const o = value(s, i, COL.o);
  const c = value(s, i, COL.c);
  const up = c >= o;
  const first = value(s, i, up ? COL.l : COL.h);
  const second = value(s, i, up ? COL.h : COL.l);
  return [
    { t: open, p: o },
    { t: open + len / 3, p: first },
    { t: open + (2 * len) / 3, p: second },
    { t: open + len, p: c },
  ];
}

/** The path's price at `ms` inside candle i (`ms` may be the candle's end: its close). */
export function priceIn(s: HistorySeries, i: number, ms: number): number {
  const v = vertices(s, i);
  for (let k = 1; k < 4; k++) {
    const a = v[k - 1] as Vertex;
    const b = v[k] as Vertex;
    if (ms <= b.t) return b.t === a.t ? b.p : a.p + ((b.p - a.p) * (ms - a.t)) / (b.t - a.t);
  }
  return v[3].p;
}

export function priceAt(s: HistorySeries, ms: number): number | undefined {
  const i = candleAt(s, ms);
  if (i < 0) return undefined;
  if (i >= s.n) return value(s, s.n - 1, COL.c);
  return priceIn(s, i, ms);
}

/**
 * Lowest and highest price of the path from `from` up to `to` (the price reached just before `to`: a candle's
 * close, not the next candle's open), clipped to the history.
 */
export function rangeOver(
  s: HistorySeries,
  from: number,
  to: number,
): { lo: number; hi: number } | undefined {
  const end = nextOpen(s.interval, openTime(s, s.n - 1));
  const a = Math.max(from, openTime(s, 0));
  const b = Math.min(to, end);
  if (from >= end) {
    const c = value(s, s.n - 1, COL.c);
    return { lo: c, hi: c };
  }
  if (b < a) return undefined;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const last = Math.min(candleAt(s, Math.max(a, b - 1)), s.n - 1);
  for (let i = Math.max(candleAt(s, a), 0); i <= last; i++) {
    const open = openTime(s, i);
    const close = nextOpen(s.interval, open);
    if (a <= open && b >= close) {
      lo = Math.min(lo, value(s, i, COL.l));
      hi = Math.max(hi, value(s, i, COL.h));
      continue;
    }
    const x = Math.max(a, open);
    const y = Math.min(b, close);
    for (const p of [priceIn(s, i, x), priceIn(s, i, y)]) {
      lo = Math.min(lo, p);
      hi = Math.max(hi, p);
    }
    for (const v of vertices(s, i)) {
      if (v.t > x && v.t < y) {
        lo = Math.min(lo, v.p);
        hi = Math.max(hi, v.p);
      }
    }
  }
  return { lo, hi };
}
