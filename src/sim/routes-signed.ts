import { str } from "./decimal.js";
import { Errors } from "./errors.js";
import type { OrderRequest } from "./order-rules.js";
import {
  ackView,
  cancelView,
  ORDER_TYPES,
  type Order,
  type OrderType,
  orderView,
  STP_MODES,
  type StpMode,
  tradeView,
} from "./orders.js";
import type { Params } from "./params.js";
import { Raw, type RouteCtx, type RouteTable } from "./routes.js";

const DAY_MS = 86_400_000;
/** MEXC: myTrades only reaches back one month; allOrders 24 h by default and 7 days at most. */
export const TRADES_HISTORY_MS = 30 * DAY_MS;
/**
 * The docs ("Account Trade List": "Only the transaction records in the past 1 month can be queried") and a public
 * report disagree; the stricter holds: "When transmitting `startTime` older than 7 days, no data is returned."
 * (mexcdevelop/mexc-api-sdk issue #56, 2023-10-03). Such a request answers [], without an error.
 */
export const TRADES_START_MS = 7 * DAY_MS;
export const ORDERS_HISTORY_MS = 7 * DAY_MS;

function orderRequest(p: Params): OrderRequest {
  const symbol = p.require("symbol");
  const side = p.require("side");
  if (side !== "BUY" && side !== "SELL") throw Errors.illegal("side");
  const type = p.require("type");
  if (!(ORDER_TYPES as readonly string[]).includes(type)) throw Errors.illegal("type");
  // The docs list the values but no error for others; refused as MEXC refuses other bad enum values.
  const stpMode = p.get("stpMode");
  if (stpMode !== undefined && !(STP_MODES as readonly string[]).includes(stpMode))
    throw Errors.illegal("stpMode");
  return {
    symbol,
    side,
    type: type as OrderType,
    quantity: p.decimal("quantity"),
    quoteOrderQty: p.decimal("quoteOrderQty"),
    price: p.decimal("price"),
    newClientOrderId: p.get("newClientOrderId"),
    stpMode: stpMode as StpMode | undefined,
  };
}

function symbolList(p: Params, required: boolean): string[] | undefined {
  const raw = required ? p.require("symbol") : p.get("symbol");
  return raw?.split(",").map((s) => s.trim());
}

function checkSymbol(ctx: RouteCtx, symbol: string): void {
  if (!ctx.env.source.rule(symbol)) throw Errors.invalidSymbol();
}

const visible = (o: Order, now: number): boolean => o.hiddenUntil <= now;

/** The order an id or client id designates, if this account may see it now. */
function lookup(ctx: RouteCtx, forCancel: boolean): Order {
  const p = ctx.params;
  const symbol = forCancel ? p.require("symbol") : p.get("symbol");
  if (symbol !== undefined) checkSymbol(ctx, symbol);
  const orderId = p.get("orderId");
  const clientId = p.get("origClientOrderId");
  if (orderId === undefined && clientId === undefined) throw Errors.orderIdOrClientId();
  const o = ctx.env.engine.find(ctx.apiKey, { orderId, clientId });
  const ok = o && (symbol === undefined || o.symbol === symbol) && (forCancel || visible(o, ctx.now));
  if (!o || !ok) throw forCancel ? Errors.unknownOrderCancel() : Errors.orderNotExist();
  return o;
}

/**
 * Rows of a time-ordered history in [from, to]: with a lower bound asked for, the first `limit` from it;
 * otherwise the most recent `limit`. Oldest first either way.
 */
function page<T extends { time: number; seq: number }>(rows: T[], limit: number, fromStart: boolean): T[] {
  rows.sort((a, b) => a.time - b.time || a.seq - b.seq);
  return fromStart ? rows.slice(0, limit) : rows.slice(Math.max(0, rows.length - limit));
}

const symbolOf = (p: Params): string[] => symbolList(p, false) ?? [];

export function signedRoutes(): RouteTable {
  const t: RouteTable = new Map();
  addOrderRoutes(t);
  addHistoryRoutes(t);
  addAccountRoutes(t);
  return t;
}

/** Placing, looking up and cancelling orders. */
function addOrderRoutes(t: RouteTable): void {
  const place = (ctx: RouteCtx, test: boolean): unknown => {
    const req = orderRequest(ctx.params);
    const hideMs = test ? 0 : ctx.env.faults.takeHide();
    const order = ctx.env.engine.place(ctx.apiKey, req, ctx.now, test, hideMs);
    if (test) return {};
    const stats = ctx.env.stats;
    stats.ordersCreated++;
    if (order.clientOrderId !== null) {
      stats.ordersByClientId[order.clientOrderId] = (stats.ordersByClientId[order.clientOrderId] ?? 0) + 1;
    }
    return ackView(order);
  };

  t.set("POST /api/v3/order", {
    signed: true,
    weight: () => 1,
    ipWeight: 1,
    orderRate: true,
    symbols: symbolOf,
    handle: (c) => place(c, false),
  });
  t.set("POST /api/v3/order/test", {
    signed: true,
    weight: () => 1,
    symbols: symbolOf,
    handle: (c) => place(c, true),
  });

  t.set("GET /api/v3/order", {
    signed: true,
    weight: () => 2,
    symbols: symbolOf,
    handle: (ctx) => orderView(lookup(ctx, false)),
  });

  t.set("DELETE /api/v3/order", {
    signed: true,
    weight: () => 1,
    orderRate: true,
    symbols: symbolOf,
    handle: (ctx) => {
      const o = ctx.env.engine.cancel(lookup(ctx, true), ctx.now);
      return cancelView(o, ctx.params.get("newClientOrderId"), false);
    },
  });

  t.set("GET /api/v3/openOrders", {
    signed: true,
    weight: () => 3,
    symbols: symbolOf,
    handle: (ctx) => {
      const symbols = symbolList(ctx.params, false);
      for (const s of symbols ?? []) checkSymbol(ctx, s);
      return ctx.env.engine
        .openOrders(ctx.apiKey, symbols ? new Set(symbols) : undefined)
        .filter((o) => visible(o, ctx.now))
        .map(orderView);
    },
  });

  t.set("DELETE /api/v3/openOrders", {
    signed: true,
    weight: () => 1,
    orderRate: true,
    symbols: symbolOf,
    handle: (ctx) => {
      const symbols = symbolList(ctx.params, true) as string[];
      for (const s of symbols) checkSymbol(ctx, s);
      const engine = ctx.env.engine;
      return engine
        .openOrders(ctx.apiKey, new Set(symbols))
        .map((o) => cancelView(engine.cancel(o, ctx.now), undefined, true));
    },
  });
}

/** The account's past orders and trades, within MEXC's history windows. */
function addHistoryRoutes(t: RouteTable): void {
  t.set("GET /api/v3/allOrders", {
    signed: true,
    weight: () => 10,
    symbols: symbolOf,
    handle: (ctx) => {
      const p = ctx.params;
      const symbol = p.require("symbol");
      checkSymbol(ctx, symbol);
      const startTime = p.int("startTime");
      const end = p.int("endTime") ?? ctx.now;
      const start = Math.max(startTime ?? end - DAY_MS, ctx.now - ORDERS_HISTORY_MS);
      const rows = ctx.env.engine
        .orders(ctx.apiKey)
        .filter((o) => o.symbol === symbol && o.time >= start && o.time <= end && visible(o, ctx.now));
      return page(rows, p.limit(500, 1000), startTime !== undefined).map(orderView);
    },
  });

  t.set("GET /api/v3/myTrades", {
    signed: true,
    weight: () => 10,
    symbols: symbolOf,
    handle: (ctx) => {
      const p = ctx.params;
      const symbol = p.require("symbol");
      checkSymbol(ctx, symbol);
      const orderId = p.get("orderId");
      const startTime = p.int("startTime");
      const endTime = p.int("endTime");
      const fromId = p.get("fromId");
      const engine = ctx.env.engine;
      const fromSeq =
        fromId === undefined ? undefined : (engine.tradeSeq(fromId) ?? Number.POSITIVE_INFINITY);
      const limit = p.limit(100, 100);
      if (startTime !== undefined && startTime < ctx.now - TRADES_START_MS) return [];
      const floor = ctx.now - TRADES_HISTORY_MS;
      const rows = engine
        .trades(ctx.apiKey)
        .filter(
          (t) =>
            t.symbol === symbol &&
            t.time >= floor &&
            (orderId === undefined || t.orderId === orderId) &&
            (startTime === undefined || t.time >= startTime) &&
            (endTime === undefined || t.time <= endTime) &&
            (fromSeq === undefined || t.seq >= fromSeq),
        );
      if (fromSeq !== undefined)
        return rows
          .sort((a, b) => a.seq - b.seq)
          .slice(0, limit)
          .map(tradeView);
      // Which rows a full page of a window holds, MEXC does not say: the oldest by default, the newest as a variant.
      const fromStart = startTime !== undefined && !ctx.env.newestTradesPage;
      return page(rows, limit, fromStart).map(tradeView);
    },
  });
}

/** The account itself: balances, the key's symbols, fees. */
function addAccountRoutes(t: RouteTable): void {
  t.set("GET /api/v3/account", {
    signed: true,
    weight: () => 10,
    handle: (ctx) => {
      const acc = ctx.env.engine.accounts.get(ctx.apiKey);
      return {
        canTrade: true,
        canWithdraw: true,
        canDeposit: true,
        updateTime: null,
        accountType: "SPOT",
        balances: acc?.wireBalances() ?? [],
        permissions: ["SPOT"],
      };
    },
  });

  // Docs "User API default symbol": the symbols this key may trade, in defaultSymbols' envelope.
  t.set("GET /api/v3/selfSymbols", {
    signed: true,
    weight: () => 1,
    handle: (ctx) => {
      const acc = ctx.env.engine.accounts.get(ctx.apiKey);
      const own = acc?.selfSymbols;
      return { code: 200, data: own ? [...own] : ctx.env.apiSymbols(), msg: null };
    },
  });

  t.set("GET /api/v3/tradeFee", {
    signed: true,
    weight: () => 20,
    symbols: symbolOf,
    handle: (ctx) => {
      const symbol = ctx.params.require("symbol");
      const rule = ctx.env.source.rule(symbol);
      if (!rule) throw Errors.invalidSymbol();
      // MEXC sends these two as JSON numbers; written from the decimal text so no float ever rounds them.
      return new Raw(
        `{"data":{"makerCommission":${str(rule.maker)},"takerCommission":${str(rule.taker)}},` +
          `"code":0,"msg":"success","timestamp":${ctx.now}}`,
      );
    },
  });
}
