import { type AnswerScan, mismatch, scanAnswer } from "./answer-scan.js";
import type { Decimal } from "./decimal.js";
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

/** The decimal fields of a 24 h ticker, every one null when MEXC sends null, "" or nothing. */
const TICKER_DECIMALS = [
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
] as const;
const TICKER_INTEGERS = ["openTime", "closeTime", "count"] as const;
type TickerDecimal = (typeof TICKER_DECIMALS)[number];
type TickerInteger = (typeof TICKER_INTEGERS)[number];
const IS_DECIMAL = new Set<string>(TICKER_DECIMALS);
const IS_INTEGER = new Set<string>(TICKER_INTEGERS);

function ticker24h(s: AnswerScan): Ticker24h {
  let symbol: string | undefined;
  const decimals: Partial<Record<TickerDecimal, Decimal | null>> = {};
  const integers: Partial<Record<TickerInteger, number | null>> = {};
  if (s.openObject()) {
    do {
      const k = s.key();
      if (k === "symbol") symbol = s.str();
      else if (IS_DECIMAL.has(k)) decimals[k as TickerDecimal] = s.decOrNull();
      else if (IS_INTEGER.has(k)) integers[k as TickerInteger] = s.intOrNull();
      else s.skip();
    } while (s.nextMember());
  }
  if (symbol === undefined) return mismatch();
  // Built in the schema's order, so that the value (and its JSON) is the schema's to the key.
  const out: Record<string, unknown> = { symbol };
  for (const k of TICKER_DECIMALS) out[k] = decimals[k] ?? null;
  for (const k of TICKER_INTEGERS) out[k] = integers[k] ?? null;
  return out as unknown as Ticker24h;
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
