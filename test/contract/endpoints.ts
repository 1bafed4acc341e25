import { expect } from "vitest";
import {
  type Account,
  type BookTicker,
  type CancelAck,
  D,
  type Decimal,
  type ExchangeInfo,
  type IndicatorCandle,
  MexcClient,
  type Order,
  type OrderAck,
  type OrderBook,
  type Ticker24h,
  type TickerPrice,
  type Trade,
  type TradeFee,
} from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import { CannedExchange } from "./canned-exchange.js";
import type { EndpointFixture, SampleResponse } from "./fixtures.js";

/**
 * How each documented endpoint is reached through the real MexcClient, and how its typed result must relate to
 * the documented sample it parsed: every decimal equal to the sample's string, every id the sample's id, MEXC's
 * null and "" as null.
 */

export const BASE_URL = "https://api.mexc.com";
export const API_KEY = "contract-api-key";
export const API_SECRET = "contract-api-secret";
/** The docs' signing example's timestamp: the virtual clock starts there and the canned server agrees. */
export const START = 1644489390087;
export const CLIENT_ORDER_ID = "contract-0001";

export function contractClient(opts: { apiSecret?: string; apiKey?: string } = {}) {
  const clock = new VirtualClock(START);
  const exchange = new CannedExchange(clock);
  const client = new MexcClient({
    baseUrl: BASE_URL,
    apiKey: opts.apiKey ?? API_KEY,
    apiSecret: opts.apiSecret ?? API_SECRET,
    clock,
    transport: exchange,
    recvWindow: 5000,
    // The request is judged as built; the local rules check (which would load exchangeInfo first) has its own tests.
    checkRules: false,
    retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 },
  });
  return { clock, exchange, client };
}

/** The client with its real HTTP transport (axios), for checks of the bytes on the wire. */
export function wireClient(baseUrl: string) {
  return new MexcClient({
    baseUrl,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    timeoutMs: 5000,
    recvWindow: 5000,
    checkRules: false,
    retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 },
  });
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => v as Rec;
const list = (v: unknown): Rec[] => v as Rec[];

/** A decimal of the result against the sample's text: equal as numbers, or null where MEXC sent null or "". */
export function expectDecimal(actual: Decimal | null | undefined, sample: unknown, what: string): void {
  if (sample === null || sample === undefined || sample === "") {
    expect(actual ?? null, `${what}: MEXC sent ${JSON.stringify(sample)}`).toBeNull();
    return;
  }
  expect(actual, `${what}: missing`).toBeDefined();
  expect(actual?.toFixed(), what).toBe(new D(String(sample)).toFixed());
}

/** An indicator number against the sample's text: the float nearest to it, or undefined where MEXC sent nothing. */
function expectNumber(actual: number | undefined, sample: unknown, what: string): void {
  if (sample === null || sample === undefined || sample === "") {
    expect(actual, `${what}: MEXC sent ${JSON.stringify(sample)}`).toBeUndefined();
    return;
  }
  expect(actual, what).toBe(Number.parseFloat(String(sample)));
}

function expectInt(actual: number | null | undefined, sample: unknown, what: string): void {
  if (sample === null || sample === undefined || sample === "") {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).toBe(Number(sample));
}

function expectId(actual: string, sample: unknown, what: string): void {
  expect(actual, what).toBe(String(sample));
}

function expectText(actual: string | null, sample: unknown, what: string): void {
  expect(actual, what).toBe(sample === null || sample === undefined || sample === "" ? null : sample);
}

function checkOrder(o: Order, s: Rec, at: string): void {
  expect(o.symbol, `${at}.symbol`).toBe(s.symbol);
  expectId(o.orderId, s.orderId, `${at}.orderId`);
  expectText(o.clientOrderId, s.clientOrderId, `${at}.clientOrderId`);
  expectText(o.origClientOrderId, s.origClientOrderId, `${at}.origClientOrderId`);
  expectDecimal(o.price, s.price, `${at}.price`);
  // The docs name the quantity origQty on most endpoints and Qty on GET /api/v3/order.
  expectDecimal(o.origQty, s.origQty ?? s.Qty, `${at}.origQty`);
  expectDecimal(o.executedQty, s.executedQty, `${at}.executedQty`);
  expectDecimal(o.cummulativeQuoteQty, s.cummulativeQuoteQty, `${at}.cummulativeQuoteQty`);
  expectDecimal(o.origQuoteOrderQty, s.origQuoteOrderQty, `${at}.origQuoteOrderQty`);
  expect(o.status, `${at}.status`).toBe(s.status);
  expect(o.type, `${at}.type`).toBe(s.type);
  expect(o.side, `${at}.side`).toBe(s.side);
  expectText(o.timeInForce, s.timeInForce, `${at}.timeInForce`);
  expectInt(o.time, s.time, `${at}.time`);
  expectInt(o.updateTime, s.updateTime, `${at}.updateTime`);
}

/**
 * A cancel answer is read for what a cancel needs (docs "Cancel Order": it may come short, and a 200 means the
 * cancel was taken); every field the sample carries must still come through, and none may be invented.
 */
function checkCancel(a: CancelAck, s: Rec, at: string): void {
  expectText(a.symbol, s.symbol, `${at}.symbol`);
  expect(a.orderId ?? null, `${at}.orderId`).toBe(s.orderId === undefined ? null : String(s.orderId));
  expectText(a.origClientOrderId, s.origClientOrderId, `${at}.origClientOrderId`);
  expectText(a.clientOrderId, s.clientOrderId, `${at}.clientOrderId`);
  expect(a.status ?? null, `${at}.status`).toBe(s.status ?? null);
  expectDecimal(a.executedQty, s.executedQty, `${at}.executedQty`);
  expectDecimal(a.cummulativeQuoteQty, s.cummulativeQuoteQty, `${at}.cummulativeQuoteQty`);
}

function checkCancels(result: unknown, sample: unknown): void {
  const acks = result as CancelAck[];
  const samples = list(sample);
  expect(acks).toHaveLength(samples.length);
  samples.forEach((s, i) => {
    checkCancel(acks[i]!, s, `[${i}]`);
  });
}

function checkOrders(result: unknown, sample: unknown): void {
  const orders = result as Order[];
  const samples = list(sample);
  expect(orders).toHaveLength(samples.length);
  samples.forEach((s, i) => {
    checkOrder(orders[i]!, s, `[${i}]`);
  });
}

function checkTicker24h(t: Ticker24h, s: Rec, at: string): void {
  expect(t.symbol).toBe(s.symbol);
  for (const k of [
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
  ] as const)
    expectDecimal(t[k], s[k], `${at}.${k}`);
  expectInt(t.openTime, s.openTime, `${at}.openTime`);
  expectInt(t.closeTime, s.closeTime, `${at}.closeTime`);
  expectInt(t.count, s.count, `${at}.count`);
}

function checkBookTicker(t: BookTicker, s: Rec, at: string): void {
  expect(t.symbol).toBe(s.symbol);
  for (const k of ["bidPrice", "bidQty", "askPrice", "askQty"] as const)
    expectDecimal(t[k], s[k], `${at}.${k}`);
}

function checkPrice(t: TickerPrice, s: Rec, at: string): void {
  expect(t.symbol).toBe(s.symbol);
  expectDecimal(t.price, s.price, `${at}.price`);
}

function checkLevels(levels: OrderBook["bids"], sample: unknown, at: string): void {
  const rows = sample as unknown[][];
  expect(levels).toHaveLength(rows.length);
  rows.forEach((r, i) => {
    expectDecimal(levels[i]!.price, r[0], `${at}[${i}].price`);
    expectDecimal(levels[i]!.qty, r[1], `${at}[${i}].qty`);
  });
}

/** A ticker answer for one symbol (an object) or for all (a list), checked element by element. */
function oneOrAll<T>(result: T | T[], sample: unknown, check: (t: T, s: Rec, at: string) => void): void {
  if (!Array.isArray(sample)) {
    check(result as T, rec(sample), "ticker");
    return;
  }
  const all = result as T[];
  expect(all).toHaveLength(sample.length);
  list(sample).forEach((x, i) => {
    check(all[i]!, x, `[${i}]`);
  });
}

export interface EndpointCall {
  /** Calls the client the way the suite does; `r` tells tickers whether to ask for one symbol or all. */
  invoke(client: MexcClient, r: SampleResponse | undefined): Promise<unknown>;
  /** The typed result against the documented sample. */
  check(result: unknown, sample: unknown): void;
}

const orderRequest = (f: EndpointFixture) => {
  const q: Readonly<Record<string, unknown>> = f.request ?? {};
  return {
    symbol: String(q.symbol),
    side: q.side as "BUY",
    type: "LIMIT" as const,
    quantity: new D(String(q.quantity)),
    price: new D(String(q.price)),
    clientOrderId: CLIENT_ORDER_ID,
  };
};

/** Keyed by fixture file name. Every endpoint of src/api/weights.ts has one (checked by the contract test). */
export function callsFor(fixtures: readonly EndpointFixture[]): Record<string, EndpointCall> {
  const byId = new Map(fixtures.map((f) => [f.id, f]));
  const fixture = (id: string): EndpointFixture => {
    const f = byId.get(id);
    if (!f) throw new Error(`no fixture ${id}.json`);
    return f;
  };
  return {
    ping: {
      invoke: (c) => c.ping(),
      check: (result) => expect(result).toBeUndefined(),
    },
    time: {
      invoke: (c) => c.time(),
      check: (result, s) => expect(result).toBe(Number(rec(s).serverTime)),
    },
    "default-symbols": {
      invoke: (c) => c.defaultSymbols(),
      check: (result, s) => expect(result).toEqual(rec(s).data),
    },
    "self-symbols": {
      invoke: (c) => c.selfSymbols(),
      check: (result, s) => expect(result).toEqual(rec(s).data),
    },
    "exchange-info": {
      invoke: (c) => c.exchangeInfo("TOMO3LUSDT"),
      check: (result, s) => {
        const info = result as ExchangeInfo;
        expectInt(info.serverTime, rec(s).serverTime, "serverTime");
        const samples = list(rec(s).symbols);
        expect(info.symbols).toHaveLength(samples.length);
        samples.forEach((x, i) => {
          const sym = info.symbols[i]!;
          const at = `symbols[${i}]`;
          expect(sym.symbol).toBe(x.symbol);
          expect(sym.status).toBe(String(x.status));
          expect([sym.baseAsset, sym.quoteAsset]).toEqual([x.baseAsset, x.quoteAsset]);
          expect([sym.baseAssetPrecision, sym.quotePrecision, sym.quoteAssetPrecision]).toEqual([
            x.baseAssetPrecision,
            x.quotePrecision,
            x.quoteAssetPrecision,
          ]);
          for (const k of [
            "baseSizePrecision",
            "quoteAmountPrecision",
            "quoteAmountPrecisionMarket",
            "maxQuoteAmount",
            "maxQuoteAmountMarket",
            "makerCommission",
            "takerCommission",
          ] as const)
            expectDecimal(sym[k], x[k], `${at}.${k}`);
          expect(sym.orderTypes).toEqual(x.orderTypes);
          expect(sym.permissions).toEqual(x.permissions);
          expect(sym.isSpotTradingAllowed).toBe(x.isSpotTradingAllowed);
          expect(sym.tradeSideType).toBe(String(x.tradeSideType));
        });
      },
    },
    depth: {
      invoke: (c) => c.depth("BTCUSDT", 5),
      check: (result, s) => {
        const book = result as OrderBook;
        expectInt(book.lastUpdateId, rec(s).lastUpdateId, "lastUpdateId");
        checkLevels(book.bids, rec(s).bids, "bids");
        checkLevels(book.asks, rec(s).asks, "asks");
      },
    },
    klines: {
      invoke: (c) => c.klines("BTCUSDT", "60m", { startTime: START - 3_600_000, endTime: START, limit: 1 }),
      check: (result, s) => {
        const rows = s as unknown[][];
        const ks = result as IndicatorCandle[];
        expect(ks).toHaveLength(rows.length);
        rows.forEach((r, i) => {
          const k = ks[i]!;
          expectInt(k.openTime, r[0], `[${i}].openTime`);
          expectNumber(k.open, r[1], `[${i}].open`);
          expectNumber(k.high, r[2], `[${i}].high`);
          expectNumber(k.low, r[3], `[${i}].low`);
          expectNumber(k.close, r[4], `[${i}].close`);
          expectNumber(k.volume, r[5], `[${i}].volume`);
          expectInt(k.closeTime, r[6], `[${i}].closeTime`);
          expectNumber(k.quoteVolume, r[7], `[${i}].quoteVolume`);
        });
      },
    },
    "ticker-24hr": {
      invoke: (c, r) => (r?.call === "all" ? c.ticker24hrAll() : c.ticker24hr("BTCUSDT")),
      check: (result, s) => oneOrAll(result as Ticker24h | Ticker24h[], s, checkTicker24h),
    },
    "ticker-price": {
      invoke: (c, r) => (r?.call === "all" ? c.tickerPriceAll() : c.tickerPrice("BTCUSDT")),
      check: (result, s) => oneOrAll(result as TickerPrice | TickerPrice[], s, checkPrice),
    },
    "book-ticker": {
      invoke: (c, r) => (r?.call === "all" ? c.bookTickerAll() : c.bookTicker("AEUSDT")),
      check: (result, s) => oneOrAll(result as BookTicker | BookTicker[], s, checkBookTicker),
    },
    "new-order": {
      invoke: (c) => c.newOrder(orderRequest(fixture("new-order"))),
      check: (result, s) => {
        const ack = result as OrderAck;
        const x = rec(s);
        expect(ack.symbol).toBe(x.symbol);
        expectId(ack.orderId, x.orderId, "orderId");
        expect(ack.clientOrderId).toBe(CLIENT_ORDER_ID);
        expectDecimal(ack.price, x.price, "price");
        expectDecimal(ack.origQty, x.origQty, "origQty");
        expect([ack.type, ack.side]).toEqual([x.type, x.side]);
        expectInt(ack.transactTime, x.transactTime, "transactTime");
      },
    },
    "test-order": {
      invoke: (c) => c.testOrder(orderRequest(fixture("test-order"))),
      check: (result) => expect(result).toBeUndefined(),
    },
    "cancel-order": {
      invoke: (c) => c.cancelOrder({ symbol: "LTCBTC", orderId: "4" }),
      check: (result, s) => checkCancel(result as CancelAck, rec(s), "order"),
    },
    "cancel-open-orders": {
      invoke: (c) => c.cancelAllOpenOrders("BTCUSDT"),
      check: checkCancels,
    },
    "query-order": {
      invoke: (c) => c.getOrder({ symbol: "LTCBTC", orderId: "1" }),
      check: (result, s) => checkOrder(result as Order, rec(s), "order"),
    },
    "open-orders": {
      invoke: (c) => c.openOrders("LTCBTC"),
      check: checkOrders,
    },
    "all-orders": {
      invoke: (c) => c.allOrders("LTCBTC", { startTime: START - 86_400_000, endTime: START, limit: 1000 }),
      check: checkOrders,
    },
    account: {
      invoke: (c) => c.account(),
      check: (result, s) => {
        const a = result as Account;
        const x = rec(s);
        expect([a.canTrade, a.canWithdraw, a.canDeposit]).toEqual([x.canTrade, x.canWithdraw, x.canDeposit]);
        expectInt(a.updateTime, x.updateTime, "updateTime");
        expect(a.accountType).toBe(x.accountType);
        expect(a.permissions).toEqual(x.permissions);
        const balances = list(x.balances);
        expect(a.balances).toHaveLength(balances.length);
        balances.forEach((b, i) => {
          expect(a.balances[i]!.asset).toBe(b.asset);
          expectDecimal(a.balances[i]!.free, b.free, `balances[${i}].free`);
          expectDecimal(a.balances[i]!.locked, b.locked, `balances[${i}].locked`);
        });
      },
    },
    "my-trades": {
      invoke: (c) =>
        c.myTrades("BNBBTC", {
          orderId: "bb41e5663e124046bd9497a3f5692f39",
          startTime: START - 86_400_000,
          endTime: START,
          limit: 100,
        }),
      check: (result, s) => {
        const trades = result as Trade[];
        const samples = list(s);
        expect(trades).toHaveLength(samples.length);
        samples.forEach((x, i) => {
          const t = trades[i]!;
          const at = `[${i}]`;
          expect(t.symbol).toBe(x.symbol);
          expectId(t.id, x.id, `${at}.id`);
          expectId(t.orderId, x.orderId, `${at}.orderId`);
          for (const k of ["price", "qty", "quoteQty", "commission"] as const)
            expectDecimal(t[k], x[k], `${at}.${k}`);
          expect(t.commissionAsset).toBe(x.commissionAsset);
          expectInt(t.time, x.time, `${at}.time`);
          expect([t.isBuyer, t.isMaker]).toEqual([x.isBuyer, x.isMaker]);
          expectText(t.clientOrderId, x.clientOrderId, `${at}.clientOrderId`);
        });
      },
    },
    "trade-fee": {
      invoke: (c) => c.tradeFee("MXUSDT"),
      check: (result, s) => {
        const fee = result as TradeFee;
        const data = rec(rec(s).data);
        expectDecimal(fee.makerCommission, data.makerCommission, "makerCommission");
        expectDecimal(fee.takerCommission, data.takerCommission, "takerCommission");
      },
    },
  };
}
