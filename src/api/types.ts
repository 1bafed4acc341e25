import type { Decimal } from "./decimal.js";

/** The domain shapes the client returns: money as Decimal, times as ms since epoch, MEXC's gaps as null. */

export type Side = "BUY" | "SELL";
export const ORDER_TYPES = ["LIMIT", "MARKET", "LIMIT_MAKER", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export const ORDER_STATUSES = [
  "NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PARTIALLY_CANCELED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** MEXC's names: note `60m`, not `1h`. */
export const KLINE_INTERVALS = ["1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M"] as const;
export type KlineInterval = (typeof KLINE_INTERVALS)[number];
/**
 * The intervals of one fixed length, in ms, aligned to the epoch (so to UTC midnight). Weeks (Monday 00:00 UTC)
 * are 7 days apart but do not align to the epoch; months have no fixed length.
 */
export const FIXED_KLINE_INTERVAL_MS: Readonly<Partial<Record<KlineInterval, number>>> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "60m": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export interface SymbolInfo {
  symbol: string;
  /** "1" online, "2" paused, "3" offline (MEXC's sample also shows "ENABLED"). */
  status: string;
  baseAsset: string;
  quoteAsset: string;
  baseAssetPrecision: number;
  quotePrecision: number;
  quoteAssetPrecision: number;
  /** Minimum order quantity in base units. */
  baseSizePrecision: Decimal;
  /** Minimum order amount in quote units (limit orders). */
  quoteAmountPrecision: Decimal;
  quoteAmountPrecisionMarket: Decimal | null;
  maxQuoteAmount: Decimal | null;
  maxQuoteAmountMarket: Decimal | null;
  makerCommission: Decimal | null;
  takerCommission: Decimal | null;
  orderTypes: string[];
  isSpotTradingAllowed: boolean;
  permissions: string[];
  /** "1" all, "2" buy only, "3" sell only, "4" closed. */
  tradeSideType: string;
  /** May a MARKET BUY spend a quote amount (quoteOrderQty)? null when the answer does not say. */
  quoteOrderQtyMarketAllowed?: boolean | null;
  /** The symbol's filters we understand; unknown filter types are dropped when parsing. */
  filters?: SymbolFilter[];
}

/**
 * MEXC's price protection as exchangeInfo carries it (newer docs site, change log 2025-09-17 "Update params
 * filters in exchangeInfo endpoint"): `PERCENT_PRICE_BY_SIDE`. Answers seen carry `bidMultiplierUp` (the top of a
 * buy's price) and `askMultiplierDown` (the bottom of a sell's); the Binance-style `bidMultiplierDown` and
 * `askMultiplierUp` are read too when present. null when the answer leaves a field out.
 */
export interface PercentPriceBySideFilter {
  filterType: "PERCENT_PRICE_BY_SIDE";
  bidMultiplierUp: Decimal | null;
  bidMultiplierDown: Decimal | null;
  askMultiplierUp: Decimal | null;
  askMultiplierDown: Decimal | null;
}

export type SymbolFilter = PercentPriceBySideFilter;

export interface ExchangeInfo {
  serverTime: number | null;
  symbols: SymbolInfo[];
}

export interface PriceLevel {
  price: Decimal;
  qty: Decimal;
}

export interface OrderBook {
  lastUpdateId: number | null;
  bids: PriceLevel[];
  asks: PriceLevel[];
}

/**
 * One candle of GET /api/v3/klines (docs "Kline/Candlestick Data": rows of open time, open, high, low, close,
 * volume, close time, quote volume), read as plain numbers because only the indicators read it: they are
 * statistics, and a float is what they compute in. Never an order's price, quantity or amount: those come as
 * Decimal from the book, the ticker and the symbol rules. The name is the guard; keep it on every variable.
 */
export interface IndicatorCandle {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base-asset volume. */
  readonly volume: number;
  readonly closeTime: number;
  /** Quote-asset volume; undefined when MEXC left the cell blank. */
  readonly quoteVolume: number | undefined;
}

export interface Ticker24h {
  symbol: string;
  priceChange: Decimal | null;
  /** A fraction: 0.004 means +0.4 %. */
  priceChangePercent: Decimal | null;
  prevClosePrice: Decimal | null;
  lastPrice: Decimal | null;
  bidPrice: Decimal | null;
  bidQty: Decimal | null;
  askPrice: Decimal | null;
  askQty: Decimal | null;
  openPrice: Decimal | null;
  highPrice: Decimal | null;
  lowPrice: Decimal | null;
  volume: Decimal | null;
  quoteVolume: Decimal | null;
  openTime: number | null;
  closeTime: number | null;
  count: number | null;
}

export interface TickerPrice {
  symbol: string;
  price: Decimal;
}

export interface BookTicker {
  symbol: string;
  bidPrice: Decimal | null;
  bidQty: Decimal | null;
  askPrice: Decimal | null;
  askQty: Decimal | null;
}

/**
 * The answer to POST /api/v3/order: only an acknowledgement (the order exists under `orderId`). Fetch the order to
 * learn what happened. MEXC's short form `{symbol, orderId, orderListId}` leaves everything else null.
 */
export interface OrderAck {
  symbol: string;
  /** Opaque: digits or hex text ("C02__443776347957968896"); never read as a number. */
  orderId: string;
  /** The id we sent (MEXC's ack does not echo it). */
  clientOrderId: string;
  price: Decimal | null;
  origQty: Decimal | null;
  type: OrderType | null;
  side: Side | null;
  transactTime: number | null;
}

/**
 * The answer to DELETE /api/v3/order: the cancel was taken. MEXC may send the whole order or only some of it, so
 * every field may be null; the order's final state (filled part included) comes from getOrder.
 */
export interface CancelAck {
  symbol: string | null;
  orderId: string | null;
  origClientOrderId: string | null;
  clientOrderId: string | null;
  status: OrderStatus | null;
  executedQty: Decimal | null;
  cummulativeQuoteQty: Decimal | null;
}

export interface Order {
  symbol: string;
  orderId: string;
  clientOrderId: string | null;
  /** Present on cancel answers: the client id of the order that was cancelled. */
  origClientOrderId: string | null;
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: OrderStatus;
  timeInForce: string | null;
  type: OrderType;
  side: Side;
  origQuoteOrderQty: Decimal | null;
  time: number | null;
  updateTime: number | null;
}

export interface Balance {
  asset: string;
  free: Decimal;
  locked: Decimal;
}

export interface Account {
  canTrade: boolean;
  canWithdraw: boolean | null;
  canDeposit: boolean | null;
  updateTime: number | null;
  accountType: string | null;
  balances: Balance[];
  permissions: string[];
}

export interface Trade {
  symbol: string;
  id: string;
  orderId: string;
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  clientOrderId: string | null;
}

export interface TradeFee {
  makerCommission: Decimal;
  takerCommission: Decimal;
}

interface NewOrderBase {
  symbol: string;
  side: Side;
  /**
   * Required: the only handle on an order whose outcome is unknown. ≤ 32 characters of letters, digits, `-_.`.
   */
  clientOrderId: string;
}

/** LIMIT-style orders need both quantity and price. */
export interface LimitOrderRequest extends NewOrderBase {
  type: "LIMIT" | "LIMIT_MAKER" | "IMMEDIATE_OR_CANCEL" | "FILL_OR_KILL";
  quantity: Decimal;
  price: Decimal;
  quoteOrderQty?: undefined;
}

/** MARKET by base quantity (either side). */
export interface MarketQuantityOrderRequest extends NewOrderBase {
  type: "MARKET";
  quantity: Decimal;
  quoteOrderQty?: undefined;
  price?: undefined;
}

/** MARKET BUY spending an amount of quote (rounded to the quote precision). */
export interface MarketQuoteOrderRequest extends NewOrderBase {
  type: "MARKET";
  side: "BUY";
  quoteOrderQty: Decimal;
  quantity?: undefined;
  price?: undefined;
}

export type NewOrderRequest = LimitOrderRequest | MarketQuantityOrderRequest | MarketQuoteOrderRequest;

/** Identify an order by MEXC's id or by our client id. */
export type OrderRef = { symbol: string; orderId: string } | { symbol: string; clientOrderId: string };
