import { type AnswerScan, mismatch, scanAnswer } from "./answer-scan.js";
import type { Decimal } from "./decimal.js";
import type { DroppedTicker } from "./schemas-market.js";
import type { OrderBook, PriceLevel, Ticker24h, TickerPrice } from "./types.js";

/**
 * Hand-written readers of the market answers a replay asks for after klines (a simulated day: 667 ticker/price,
 * 183 ticker/24hr, 67 depth), each giving what its schema in schemas-market.ts gives, or `undefined` for anything
 * else, which then goes through parseJson and the schema (answer-scan.ts says what that covers).
 */

/** GET /api/v3/ticker/price?symbol=, as tickerPriceSchema reads it. */
export function readTickerPrice(text: string): TickerPrice | undefined {
  return scanAnswer(text, tickerPrice);
}

/** GET /api/v3/ticker/24hr?symbol=, as ticker24hSchema reads it. */
export function readTicker24h(text: string): Ticker24h | undefined {
  return scanAnswer(text, ticker24h);
}

/** GET /api/v3/ticker/price without a symbol, as z.array(tickerPriceSchema) reads it. */
export function readTickerPrices(text: string): TickerPrice[] | undefined {
  return scanAnswer(text, (s) => s.list(tickerPrice));
}

/**
 * GET /api/v3/ticker/24hr without a symbol, as ticker24hAllSchema reads it when every entry is readable; one that
 * is not (the schema leaves it out and reports it) sends the whole answer the general way.
 */
export function readTickers24h(text: string): { tickers: Ticker24h[]; dropped: DroppedTicker[] } | undefined {
  return scanAnswer(text, (s) => ({ tickers: s.list(ticker24h), dropped: [] }));
}

/** GET /api/v3/depth, as depthSchema reads it. */
export function readDepth(text: string): OrderBook | undefined {
  return scanAnswer(text, depth);
}

function tickerPrice(s: AnswerScan): TickerPrice {
  let symbol: string | undefined;
  let price: Decimal | undefined;
  if (s.openObject()) {
    do {
      const k = s.key();
      if (k === "symbol") symbol = s.str();
      else if (k === "price") price = s.dec();
      else s.skip();
    } while (s.nextMember());
  }
  if (symbol === undefined || price === undefined) return mismatch();
  return { symbol, price };
}

/** The fields of a 24 h ticker after its symbol, in the schema's order: 13 decimals, then 3 integers. */
const TICKER_FIELDS = [
  "priceChange",
  "priceChangePercent",
  "prevClosePrice",
  "lastPrice",
  "bidPrice",
  "bidQty",
  "askPrice",
  "askQty",
  "openPrice",
  "highPrice",
  "lowPrice",
  "volume",
  "quoteVolume",
  "openTime",
  "closeTime",
  "count",
] as const;
const TICKER_DECIMALS = 13;
const TICKER_SLOT = new Map<string, number>(TICKER_FIELDS.map((k, i) => [k, i]));

function ticker24h(s: AnswerScan): Ticker24h {
  let symbol: string | undefined;
  // What MEXC leaves out reads as null, as null and "" do.
  const v: (Decimal | number | null)[] = new Array(TICKER_FIELDS.length).fill(null);
  if (s.openObject()) {
    do {
      const k = s.key();
      const slot = TICKER_SLOT.get(k);
      if (slot !== undefined) v[slot] = slot < TICKER_DECIMALS ? s.decOrNull() : s.intOrNull();
      else if (k === "symbol") symbol = s.str();
      else s.skip();
    } while (s.nextMember());
  }
  if (symbol === undefined) return mismatch();
  // Spelled out in the schema's order, so that the value (and its JSON) is the schema's to the key.
  const d = v as (Decimal | null)[];
  const n = v as (number | null)[];
  return {
    symbol,
    priceChange: d[0] ?? null,
    priceChangePercent: d[1] ?? null,
    prevClosePrice: d[2] ?? null,
    lastPrice: d[3] ?? null,
    bidPrice: d[4] ?? null,
    bidQty: d[5] ?? null,
    askPrice: d[6] ?? null,
    askQty: d[7] ?? null,
    openPrice: d[8] ?? null,
    highPrice: d[9] ?? null,
    lowPrice: d[10] ?? null,
    volume: d[11] ?? null,
    quoteVolume: d[12] ?? null,
    openTime: n[13] ?? null,
    closeTime: n[14] ?? null,
    count: n[15] ?? null,
  };
}

function depth(s: AnswerScan): OrderBook {
  let lastUpdateId: number | null = null;
  let bids: PriceLevel[] | undefined;
  let asks: PriceLevel[] | undefined;
  if (s.openObject()) {
    do {
      const k = s.key();
      if (k === "lastUpdateId") lastUpdateId = s.intOrNull();
      else if (k === "bids") bids = levels(s);
      else if (k === "asks") asks = levels(s);
      else s.skip();
    } while (s.nextMember());
  }
  if (bids === undefined || asks === undefined) return mismatch();
  return { lastUpdateId, bids, asks };
}

/** Rows of [price, qty, …]: cells past the second are ignored, as the schema ignores them. */
function levels(s: AnswerScan): PriceLevel[] {
  const out: PriceLevel[] = [];
  if (s.openList()) {
    do {
      if (!s.openList()) return mismatch();
      const price = s.dec();
      if (!s.nextItem()) return mismatch();
      const qty = s.dec();
      while (s.nextItem()) s.skip();
      out.push({ price, qty });
    } while (s.nextItem());
  }
  return out;
}
