import { Errors } from "./errors.js";
import { isInterval } from "./klines.js";
import type { MarketViews } from "./market-views.js";
import type { Params } from "./params.js";
import type { Route, RouteCtx, RouteTable } from "./routes.js";
import type { SyntheticSource } from "./synthetic.js";
import type { SymbolSpec } from "./universe.js";

const one = (): number => 1;

function spec(ctx: RouteCtx, symbol: string): SymbolSpec {
  const s = (ctx.env.synthetic as SyntheticSource).spec(symbol);
  if (!s) throw Errors.invalidSymbol();
  return s;
}

const views = (ctx: RouteCtx): MarketViews => ctx.env.views as MarketViews;
const all = (ctx: RouteCtx): SymbolSpec[] => (ctx.env.synthetic as SyntheticSource).universe.specs;

/** Market data endpoints. In paper mode everything but ping and time is the upstream's answer, cached. */
export function publicRoutes(): RouteTable {
  const t: RouteTable = new Map();
  const add = (path: string, weight: (p: Params) => number, handle: (ctx: RouteCtx) => unknown): void => {
    const route: Route = {
      signed: false,
      weight,
      handle: (ctx) => (ctx.env.upstream ? ctx.env.upstream.proxy(path, ctx.query) : handle(ctx)),
    };
    t.set(`GET ${path}`, route);
  };
  t.set("GET /api/v3/ping", { signed: false, weight: one, handle: () => ({}) });
  t.set("GET /api/v3/time", { signed: false, weight: one, handle: (ctx) => ({ serverTime: ctx.now }) });

  add("/api/v3/defaultSymbols", one, (ctx) => ({
    code: 200,
    data: (ctx.env.synthetic as SyntheticSource).universe.defaultSymbols(),
    msg: null,
  }));

  add(
    "/api/v3/exchangeInfo",
    () => 10,
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      const symbols = ctx.params.get("symbols");
      let list: SymbolSpec[];
      if (symbol !== undefined) list = [spec(ctx, symbol)];
      else if (symbols !== undefined) list = symbols.split(",").map((s) => spec(ctx, s.trim()));
      else list = all(ctx);
      return views(ctx).exchangeInfo(list, ctx.now);
    },
  );

  add("/api/v3/depth", one, (ctx) => {
    const s = spec(ctx, ctx.params.require("symbol"));
    return views(ctx).depth(s, ctx.params.limit(100, 5000), ctx.now);
  });

  add("/api/v3/klines", one, (ctx) => {
    const s = spec(ctx, ctx.params.require("symbol"));
    const interval = ctx.params.require("interval");
    if (!isInterval(interval)) throw Errors.invalidInterval();
    const startTime = ctx.params.int("startTime");
    const endTime = ctx.params.int("endTime");
    const limit = ctx.params.limit(500, 1000);
    return views(ctx).klines(s, interval, { startTime, endTime, limit }, ctx.now);
  });

  add(
    "/api/v3/ticker/24hr",
    (p) => (p.get("symbol") === undefined ? 40 : 1),
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      if (symbol !== undefined) return views(ctx).ticker24(spec(ctx, symbol), ctx.now);
      return all(ctx).map((s) => views(ctx).ticker24(s, ctx.now));
    },
  );

  add(
    "/api/v3/ticker/price",
    (p) => (p.get("symbol") === undefined ? 2 : 1),
    (ctx) => {
      const symbol = ctx.params.get("symbol");
      if (symbol !== undefined) return views(ctx).tickerPrice(spec(ctx, symbol), ctx.now);
      return all(ctx).map((s) => views(ctx).tickerPrice(s, ctx.now));
    },
  );

  add("/api/v3/ticker/bookTicker", one, (ctx) => {
    const symbol = ctx.params.get("symbol");
    if (symbol !== undefined) return views(ctx).bookTicker(spec(ctx, symbol), ctx.now);
    return all(ctx).map((s) => views(ctx).bookTicker(s, ctx.now));
  });

  return t;
}
