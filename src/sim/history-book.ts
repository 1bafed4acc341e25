import { D, type Dec, ROUND_DOWN, ROUND_UP, str } from "./decimal.js";
import { floatPlaces, unitText } from "./float-text.js";
import { COL, type HistorySeries, openTime, value } from "./history-file.js";
import { nextOpen } from "./klines.js";
import type { Level } from "./source.js";

/**
 * The book of the history market, deterministic and built from the candle before the current one (its volume is
 * known at the current instant; the current candle's is not, so reading the book tells nothing of the future):
 * - q = that candle's quote volume per minute (at least FLOOR_QUOTE_PER_MIN);
 * - spread = 2 bps × √(100,000 / q), kept within 1..100 bps: 1 bp for a pair trading ≥ 400,000 a minute
 *   (BTCUSDT-like), about 24 bps at 700 a minute (a small alt);
 * - levels a half-spread apart (at least 1 bp), each holding 2 % of q (at least LEVEL_FLOOR_QUOTE), growing by 8 %
 *   a level away from the top, as the synthetic book does; sizes round down to the base precision.
 * The account's own takers do not deplete it (as in the synthetic market).
 */
export const MAX_LEVELS = 5000;
const FLOOR_QUOTE_PER_MIN = 1;
const LEVEL_SHARE = 0.02;
const LEVEL_FLOOR_QUOTE = 10;

export interface BookShape {
  half: number;
  levelQuote: number;
}

export function bookShape(s: HistorySeries, i: number): BookShape {
  const k = Math.max(0, Math.min(i - 1, s.n - 1));
  const open = openTime(s, k);
  const minutes = (nextOpen(s.interval, open) - open) / 60_000;
  const q = Math.max(value(s, k, COL.qv) / minutes, FLOOR_QUOTE_PER_MIN);
  const bps = Math.min(100, Math.max(1, 2 * Math.sqrt(100_000 / q)));
  return { half: bps / 2 / 10_000, levelQuote: Math.max(q * LEVEL_SHARE, LEVEL_FLOOR_QUOTE) };
}

export function levelQty(shape: BookShape, price: number, level: number, basePrecision: number): Dec {
  const qty = new D((shape.levelQuote / price) * (1 + 0.08 * level)).toDecimalPlaces(
    basePrecision,
    ROUND_DOWN,
  );
  return qty.isZero() ? new D(1).dividedBy(new D(10).pow(basePrecision)) : qty;
}

/** One side of the book around `mid`, best level first, generated lazily. */
export function* historyBookSide(
  shape: BookShape,
  mid: number,
  side: "bids" | "asks",
  pricePrecision: number,
  basePrecision: number,
): Generator<Level> {
  const tick = new D(1).dividedBy(new D(10).pow(pricePrecision));
  const step = Math.max(shape.half, 0.0001);
  const bid0 = new D(mid * (1 - shape.half)).toDecimalPlaces(pricePrecision, ROUND_DOWN);
  let prev: Dec | undefined;
  for (let i = 0; i < MAX_LEVELS; i++) {
    let price: Dec;
    if (side === "bids") {
      price = new D(mid * (1 - shape.half - i * step)).toDecimalPlaces(pricePrecision, ROUND_DOWN);
      if (prev && price.greaterThanOrEqualTo(prev)) price = prev.minus(tick);
      if (price.lessThanOrEqualTo(0)) return;
    } else {
      price = new D(mid * (1 + shape.half + i * step)).toDecimalPlaces(pricePrecision, ROUND_UP);
      if (i === 0 && price.lessThanOrEqualTo(bid0)) price = bid0.plus(tick);
      if (prev && price.lessThanOrEqualTo(prev)) price = prev.plus(tick);
    }
    prev = price;
    yield { price, qty: levelQty(shape, mid, i, basePrecision) };
  }
}

/** One level in wire form. */
export interface LevelText {
  price: string;
  qty: string;
}

/**
 * The first level of each side, exactly as historyBookSide's first yields print (str of price and qty), for the
 * tickers: the same roundings done on the floats' texts (float-text.ts) instead of a dozen Decimals per symbol.
 */
export function historyTop(
  shape: BookShape,
  mid: number,
  pricePrecision: number,
  basePrecision: number,
): { bid: LevelText | undefined; ask: LevelText | undefined } {
  const bid0 = floatPlaces(mid * (1 - shape.half), pricePrecision, false);
  let qty = floatPlaces(shape.levelQuote / mid, basePrecision, false);
  if (qty === "0") qty = unitText(basePrecision);
  let ask = floatPlaces(mid * (1 + shape.half), pricePrecision, true);
  // Only a strict inequality of the doubles proves the decimals' order; anything else asks Decimal.
  if (!(Number(ask) > Number(bid0)) && new D(ask).lessThanOrEqualTo(bid0))
    ask = str(new D(bid0).plus(new D(unitText(pricePrecision))));
  // historyBookSide ends the bids at a price <= 0; wire form has no "-0".
  const bidPositive = bid0 !== "0" && !bid0.startsWith("-");
  return { bid: bidPositive ? { price: bid0, qty } : undefined, ask: { price: ask, qty } };
}
