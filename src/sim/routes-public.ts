import { Errors } from "./errors.js";
import { isInterval } from "./klines.js";
import type { Params } from "./params.js";
import type { PublicMarket, PublicViews } from "./public-views.js";
import type { Route, RouteCtx, RouteTable } from "./routes.js";

const one = (): number => 1;

/**
 * Market data endpoints, served from `market` (the synthetic or the history market: each brings its own views
 * and symbols). In paper mode (`market` undefined) everything but ping and time is the upstream's answer, cached.
 */
export function publicRoutes<S>(market: PublicMarket<S> | undefined): RouteTable {
  const t: RouteTable = new Map();
  const spec = (symbol: string): S => {
    const s = market?.find(symbol);
    if (s === undefined) throw Errors.invalidSymbol();
    return s;
  };
  const all = (): S[] => market?.all() ?? [];
  const views = (): PublicViews<S> => {
    if (!market) throw Errors.invalidSymbol();
    return market.views;
  };
  const add: Add = (path, weight, handle) => {
    const route: Route = {
      signed: false,
      weight,
      handle: (ctx) => (ctx.env.upstream ? ctx.env.upstream.proxy(path, ctx.query) : handle(ctx)),
    };
    t.set(`GET ${path}`, route);
  };
  t.set("GET /api/v3/ping", { signed: false, weight: one, handle: () => ({}) });
  t.set("GET /api/v3/time", { signed: false, weight: one, handle: (ctx) => ({ serverTime: ctx.now }) });

  add("/api/v3/defaultSymbols", one, () => ({ code: 200, data: market?.defaultSymbols() ?? [], msg: null }));

  add(
    "/api/v3/exchangeInfo",
    () => 10,
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      const symbols = ctx.params.get("symbols");
      let list: S[];
      if (symbol !== undefined) list = [spec(symbol)];
      else if (symbols !== undefined) list = symbols.split(",").map((s) => spec(s.trim()));
      else list = all();
      return views().exchangeInfo(list, ctx.now);
    },
  );

  add("/api/v3/depth", one, (ctx) => {
    const s = spec(ctx.params.require("symbol"));
    return views().depth(s, ctx.params.limit(100, 5000), ctx.now);
  });

  add("/api/v3/klines", one, (ctx) => {
    const s = spec(ctx.params.require("symbol"));
    const interval = ctx.params.require("interval");
    if (!isInterval(interval)) throw Errors.invalidInterval();
    const startTime = ctx.params.int("startTime");
    const endTime = ctx.params.int("endTime");
    const limit = ctx.params.limit(500, 1000);
    return views().klines(s, interval, { startTime, endTime, limit }, ctx.now);
  });

  tickerRoutes(add, spec, all, views);
  return t;
}

type Add = (path: string, weight: (p: Params) => number, handle: (ctx: RouteCtx) => unknown) => void;

function tickerRoutes<S>(
  add: Add,
  spec: (symbol: string) => S,
  all: () => S[],
  views: () => PublicViews<S>,
): void {
  add(
    "/api/v3/ticker/24hr",
    (p) => (p.get("symbol") === undefined ? 40 : 1),
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      if (symbol !== undefined) return views().ticker24(spec(symbol), ctx.now);
      return all().map((s) => views().ticker24(s, ctx.now));
    },
  );

  add(
    "/api/v3/ticker/price",
    (p) => (p.get("symbol") === undefined ? 2 : 1),
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      if (symbol !== undefined) return views().tickerPrice(spec(symbol), ctx.now);
      return all().map((s) => views().tickerPrice(s, ctx.now));
    },
  );

  add("/api/v3/ticker/bookTicker", one, (ctx) => {
    const symbol = ctx.params.get("symbol");
    if (symbol !== undefined) return views().bookTicker(spec(symbol), ctx.now);
    return all().map((s) => views().bookTicker(s, ctx.now));
  });
}
