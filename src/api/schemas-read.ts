import type { z } from "zod";
import { readAccount, readOrder, readOrders, readTrades } from "./account-read.js";
import { readExchangeInfo } from "./exchange-info-read.js";
import {
  readDepth,
  readTicker24h,
  readTickerPrice,
  readTickerPrices,
  readTickers24h,
} from "./market-read.js";
import { accountSchema, orderSchema, tradeSchema } from "./schemas-account.js";
import {
  type DroppedTicker,
  depthSchema,
  exchangeInfoSchema,
  ticker24hAllSchema,
  ticker24hSchema,
  tickerPriceSchema,
} from "./schemas-market.js";
import type { Account, ExchangeInfo, Order, OrderBook, Ticker24h, TickerPrice, Trade } from "./types.js";

/**
 * The hot answers' schemas, each with the hand-written reader that gives the same value in one pass (a Call's
 * `schema` and `fastParse`, spread into it): the reader takes the answer as MEXC writes it, the schema everything
 * else and names what is wrong. Paired here so that one cannot be attached without the other.
 */
export interface Answer<T> {
  readonly schema: z.ZodType<T>;
  readonly fastParse: (text: string) => T | undefined;
}

function answer<T>(schema: z.ZodType<T>, fastParse: (text: string) => T | undefined): Answer<T> {
  return { schema, fastParse };
}

export const exchangeInfoAnswer = answer<ExchangeInfo>(exchangeInfoSchema, readExchangeInfo);
export const depthAnswer = answer<OrderBook>(depthSchema, readDepth);
export const ticker24hAnswer = answer<Ticker24h>(ticker24hSchema, readTicker24h);
export const tickerPriceAnswer = answer<TickerPrice>(tickerPriceSchema, readTickerPrice);
export const tickerPricesAnswer = answer<TickerPrice[]>(tickerPriceSchema.array(), readTickerPrices);
export const tickers24hAnswer = answer<{ tickers: Ticker24h[]; dropped: DroppedTicker[] }>(
  ticker24hAllSchema,
  readTickers24h,
);
export const orderAnswer = answer<Order>(orderSchema, readOrder);
export const ordersAnswer = answer<Order[]>(orderSchema.array(), readOrders);
export const accountAnswer = answer<Account>(accountSchema, readAccount);
export const tradesAnswer = answer<Trade[]>(tradeSchema.array(), readTrades);
