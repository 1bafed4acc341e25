import { z } from "zod";
import { type AlertListener, Alerts, type Logger } from "./alerts.js";
import { clientParts, type MexcClientOptions, type StpMode } from "./client-options.js";
import { ApiError } from "./errors.js";
import { scanKlines } from "./klines-scan.js";
import { assertOrderRules, assertOrderShape, orderParams, refId, refParams } from "./orders.js";
import type { QueryParams } from "./query.js";
import type { Call, ClientMetrics, RequestRunner } from "./request.js";
import { SymbolRulesCache } from "./rules-cache.js";
import {
  bookTickerSchema,
  cancelAckSchema,
  defaultSymbolsSchema,
  emptySchema,
  exchangeInfoRawSchema,
  klineCellsSchema,
  klinesSchema,
  orderAckSchema,
  selfSymbolsSchema,
  serverTimeSchema,
  tradeFeeSchema,
} from "./schemas.js";
import {
  accountAnswer,
  depthAnswer,
  exchangeInfoAnswer,
  orderAnswer,
  ordersAnswer,
  ticker24hAnswer,
  tickerPriceAnswer,
  tickerPricesAnswer,
  tickers24hAnswer,
  tradesAnswer,
} from "./schemas-read.js";
import type { SymbolRules } from "./symbol-rules.js";
import type { Transport } from "./transport.js";
import type {
  Account,
  BookTicker,
  CancelAck,
  ExchangeInfo,
  IndicatorCandle,
  KlineInterval,
  NewOrderRequest,
  Order,
  OrderAck,
  OrderBook,
  OrderRef,
  Ticker24h,
  TickerPrice,
  Trade,
  TradeFee,
} from "./types.js";
import { ENDPOINTS, endpointKey } from "./weights.js";

export type { MexcClientOptions, SecretLike, StpMode } from "./client-options.js";

/**
 * The one MEXC spot client every monitor shares: typed endpoints returning domain values, one limiter, one
 * clock offset, one ban state, one set of symbol rules.
 */
export class MexcClient {
  /** Symbol rules, loaded lazily and refreshed every `rulesRefreshMs`. */
  readonly rules: SymbolRulesCache;
  private readonly runner: RequestRunner;
  private readonly alerts = new Alerts();
  private readonly transport: Transport;
  private readonly checkRules: boolean;
  private readonly stpMode: StpMode;
  private readonly logger: Logger;

  constructor(opts: MexcClientOptions) {
    const parts = clientParts(opts, this.alerts);
    this.logger = parts.logger;
    this.transport = parts.transport;
    this.checkRules = parts.checkRules;
    this.stpMode = parts.stpMode;
    this.runner = parts.runner;
    this.rules = new SymbolRulesCache({
      clock: parts.clock,
      refreshMs: opts.rulesRefreshMs ?? 30 * 60_000,
      load: async () => {
        const [info, defaultSymbols] = await Promise.all([this.exchangeInfo(), this.defaultSymbols()]);
        return { info, defaultSymbols };
      },
      onStaleRefreshFailure: (err) =>
        this.logger.warn(
          { err: err instanceof ApiError ? err.toJSON() : String(err) },
          "symbol rules refresh failed",
        ),
    });
  }

  /** Subscribes to bans, rate-limit pauses and authentication failures; returns the unsubscribe function. */
  onAlert(listener: AlertListener): () => void {
    return this.alerts.on(listener);
  }

  /** Counters for monitoring and the benchmark: requests, retries, time in HTTP, waiting and the client itself. */
  metrics(): Readonly<ClientMetrics> {
    return { ...this.runner.metrics };
  }

  /** When the current 418 ban ends (client clock), or 0. */
  get bannedUntil(): number {
    return this.runner.banEndsAt;
  }

  /** Server clock minus local clock, once measured. */
  get clockOffsetMs(): number | undefined {
    return this.runner.timeSync.offsetMs;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.transport.close?.();
  }

  // ---- market data (public, counted per IP) ----

  async ping(): Promise<void> {
    await this.runner.call({ spec: ENDPOINTS.ping, schema: emptySchema });
  }

  /** The server's clock (ms). */
  async time(): Promise<number> {
    return (await this.runner.call({ spec: ENDPOINTS.time, schema: serverTimeSchema })).serverTime;
  }

  /** Symbols tradable through the API; trading others fails even when exchangeInfo lists them. */
  async defaultSymbols(): Promise<string[]> {
    return (await this.runner.call({ spec: ENDPOINTS.defaultSymbols, schema: defaultSymbolsSchema })).data;
  }

  exchangeInfo(symbols?: string | readonly string[]): Promise<ExchangeInfo> {
    const params: QueryParams =
      symbols === undefined
        ? []
        : typeof symbols === "string"
          ? [["symbol", symbols]]
          : [["symbols", symbols.join(",")]];
    return this.runner.call({ spec: ENDPOINTS.exchangeInfo, params, ...exchangeInfoAnswer });
  }

  /** Order book; `limit` default 100, max 5000. */
  depth(symbol: string, limit?: number): Promise<OrderBook> {
    return this.runner.call({
      spec: ENDPOINTS.depth,
      params: [
        ["symbol", symbol],
        ["limit", limit],
      ],
      ...depthAnswer,
    });
  }

  /**
   * Candles, oldest first, as numbers for the indicators (never for sizing an order: ask the ticker or the book);
   * `limit` default 500, max 1000.
   */
  klines(
    symbol: string,
    interval: KlineInterval,
    opts: { startTime?: number; endTime?: number; limit?: number } = {},
  ): Promise<IndicatorCandle[]> {
    return this.runner.call({
      spec: ENDPOINTS.klines,
      params: klineParams(symbol, interval, opts),
      schema: klinesSchema,
      fastParse: scanKlines,
    });
  }

  /**
   * The same request as `klines`, answered with each candle's eight cells as MEXC wrote them (history files keep
   * the exchange's digits). MEXC's docs ("Kline/Candlestick Data"): startTime and endTime go together.
   */
  klineCells(
    symbol: string,
    interval: KlineInterval,
    opts: { startTime: number; endTime: number; limit?: number },
  ): Promise<string[][]> {
    return this.runner.call({
      spec: ENDPOINTS.klines,
      params: klineParams(symbol, interval, opts),
      schema: klineCellsSchema,
    });
  }

  /** exchangeInfo's symbol objects verbatim (all fields, as sent), for files that keep the exchange's rules. */
  async exchangeInfoRaw(): Promise<Record<string, unknown>[]> {
    return (await this.runner.call({ spec: ENDPOINTS.exchangeInfo, schema: exchangeInfoRawSchema })).symbols;
  }

  ticker24hr(symbol: string): Promise<Ticker24h> {
    return this.runner.call({
      spec: ENDPOINTS.ticker24hr,
      params: [["symbol", symbol]],
      ...ticker24hAnswer,
    });
  }

  /** Every symbol at once: weight 40. A pair whose entry cannot be read is left out (and logged), not the market. */
  async ticker24hrAll(): Promise<Ticker24h[]> {
    const { tickers, dropped } = await this.runner.call({
      spec: ENDPOINTS.ticker24hr,
      allSymbols: true,
      ...tickers24hAnswer,
    });
    if (dropped.length > 0) {
      this.logger.warn(
        { endpoint: endpointKey(ENDPOINTS.ticker24hr), dropped: dropped.slice(0, 20), count: dropped.length },
        `MEXC 24 h ticker: ${dropped.length} of ${dropped.length + tickers.length} entries unreadable, left out`,
      );
    }
    return tickers;
  }

  tickerPrice(symbol: string): Promise<TickerPrice> {
    return this.runner.call({
      spec: ENDPOINTS.tickerPrice,
      params: [["symbol", symbol]],
      ...tickerPriceAnswer,
    });
  }

  /** Every symbol at once: weight 2. */
  tickerPriceAll(): Promise<TickerPrice[]> {
    return this.runner.call({
      spec: ENDPOINTS.tickerPrice,
      allSymbols: true,
      ...tickerPricesAnswer,
    });
  }

  bookTicker(symbol: string): Promise<BookTicker> {
    return this.runner.call({
      spec: ENDPOINTS.bookTicker,
      params: [["symbol", symbol]],
      schema: bookTickerSchema,
    });
  }

  bookTickerAll(): Promise<BookTicker[]> {
    return this.runner.call({
      spec: ENDPOINTS.bookTicker,
      allSymbols: true,
      schema: z.array(bookTickerSchema),
    });
  }

  /** The rules of one symbol (cached), or undefined when MEXC does not list it. */
  symbolRules(symbol: string): Promise<SymbolRules | undefined> {
    return this.rules.get(symbol);
  }

  // ---- trading (signed, counted per account) ----

  /**
   * Places an order, never retried: an unknown outcome (timeout, reset, 5xx, unreadable answer) throws ApiError
   * "unknown-outcome" with the clientOrderId, to look up by client id. The answer is only an acknowledgement.
   */
  async newOrder(req: NewOrderRequest, beforeSend?: Call<OrderAck>["beforeSend"]): Promise<OrderAck> {
    const endpoint = endpointKey(ENDPOINTS.newOrder);
    assertOrderShape(req, endpoint);
    if (this.checkRules) assertOrderRules(req, await this.rules.get(req.symbol), endpoint);
    const ack = await this.runner.call({
      spec: ENDPOINTS.newOrder,
      params: this.withStp(orderParams(req)),
      schema: orderAckSchema,
      clientOrderId: req.clientOrderId,
      beforeSend,
    });
    return { ...ack, clientOrderId: req.clientOrderId };
  }

  /** Validates an order at MEXC without placing it. Skips the local rules check: it exists to ask MEXC. */
  async testOrder(req: NewOrderRequest): Promise<void> {
    assertOrderShape(req, endpointKey(ENDPOINTS.testOrder));
    await this.runner.call({
      spec: ENDPOINTS.testOrder,
      params: this.withStp(orderParams(req)),
      schema: emptySchema,
    });
  }

  private withStp(params: QueryParams): QueryParams {
    return this.stpMode === "" ? params : [...params, ["stpMode", this.stpMode]];
  }

  getOrder(ref: OrderRef): Promise<Order> {
    return this.runner.call({
      spec: ENDPOINTS.getOrder,
      params: refParams(ref),
      ...orderAnswer,
      ...refId(ref),
    });
  }

  /**
   * Cancels one order. Resolving means MEXC took the cancel, even when its answer is short (no status): fetch the
   * order for its final state. A repeat (or a race with a fill) answers "unknown-order": fetch the order then.
   */
  cancelOrder(ref: OrderRef): Promise<CancelAck> {
    return this.runner.call({
      spec: ENDPOINTS.cancelOrder,
      params: refParams(ref),
      schema: cancelAckSchema,
      ...refId(ref),
    });
  }

  openOrders(symbol: string): Promise<Order[]> {
    return this.runner.call({
      spec: ENDPOINTS.openOrders,
      params: [["symbol", symbol]],
      ...ordersAnswer,
    });
  }

  /** Cancels every open order on the symbol; each entry as short as MEXC makes it (see cancelOrder). */
  cancelAllOpenOrders(symbol: string): Promise<CancelAck[]> {
    return this.runner.call({
      spec: ENDPOINTS.cancelAllOpenOrders,
      params: [["symbol", symbol]],
      schema: z.array(cancelAckSchema),
    });
  }

  /** Orders of the last 24 h by default, at most the last 7 days; `limit` ≤ 1000. */
  allOrders(
    symbol: string,
    opts: { startTime?: number; endTime?: number; limit?: number } = {},
  ): Promise<Order[]> {
    return this.runner.call({
      spec: ENDPOINTS.allOrders,
      params: [
        ["symbol", symbol],
        ["startTime", opts.startTime],
        ["endTime", opts.endTime],
        ["limit", opts.limit],
      ],
      ...ordersAnswer,
    });
  }

  /** The symbols this API key may trade through the API (signed; docs "User API default symbol"). */
  async selfSymbols(): Promise<string[]> {
    return (await this.runner.call({ spec: ENDPOINTS.selfSymbols, schema: selfSymbolsSchema })).data;
  }

  account(): Promise<Account> {
    return this.runner.call({ spec: ENDPOINTS.account, ...accountAnswer });
  }

  /** Fills of the last month only, at most 100 per call: page by time and keep the history yourself. */
  myTrades(
    symbol: string,
    opts: { orderId?: string; startTime?: number; endTime?: number; limit?: number } = {},
  ): Promise<Trade[]> {
    if (opts.limit !== undefined && (opts.limit < 1 || opts.limit > 100)) {
      throw new RangeError(`myTrades limit must be 1..100 (MEXC's maximum), got ${opts.limit}`);
    }
    return this.runner.call({
      spec: ENDPOINTS.myTrades,
      params: [
        ["symbol", symbol],
        ["orderId", opts.orderId],
        ["startTime", opts.startTime],
        ["endTime", opts.endTime],
        ["limit", opts.limit],
      ],
      ...tradesAnswer,
    });
  }

  tradeFee(symbol: string): Promise<TradeFee> {
    return this.runner.call({
      spec: ENDPOINTS.tradeFee,
      params: [["symbol", symbol]],
      schema: tradeFeeSchema,
    });
  }
}

/** The query of GET /api/v3/klines, in the docs' order ("Kline/Candlestick Data"). */
function klineParams(
  symbol: string,
  interval: KlineInterval,
  opts: { startTime?: number; endTime?: number; limit?: number },
): [string, string | number | undefined][] {
  return [
    ["symbol", symbol],
    ["interval", interval],
    ["startTime", opts.startTime],
    ["endTime", opts.endTime],
    ["limit", opts.limit],
  ];
}
