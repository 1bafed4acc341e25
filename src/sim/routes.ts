import type { Engine } from "./engine.js";
import type { SimFaults } from "./faults.js";
import type { MarketViews } from "./market-views.js";
import type { Params } from "./params.js";
import type { MarketSource } from "./source.js";
import type { SimStats } from "./stats.js";
import type { SyntheticSource } from "./synthetic.js";
import type { UpstreamSource } from "./upstream.js";

/** A request as the HTTP layer (or a replay) hands it over: raw query without '?', raw body. */
export interface SimRequest {
  method: string;
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string | string[] | undefined>;
  ip?: string;
}

/** A request header by its lowercase name: the first one that matches in any case, the first of a repeated one. */
export function header(req: SimRequest, name: string): string | undefined {
  const h = req.headers;
  if (!h) return undefined;
  // for-in over own keys: Object.entries' order without building its arrays (four lookups a request).
  for (const k in h) {
    if (!Object.hasOwn(h, k) || k.toLowerCase() !== name) continue;
    const v = h[k];
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A handler's answer that is already JSON text (or a proxied upstream answer), sent as is. */
export class Raw {
  constructor(
    readonly body: string,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface RouteEnv {
  engine: Engine;
  source: MarketSource;
  synthetic: SyntheticSource | undefined;
  views: MarketViews | undefined;
  upstream: UpstreamSource | undefined;
  faults: SimFaults;
  stats: SimStats;
  /** A full myTrades page of a window holds its newest rows, not its oldest (SimOptions.newestTradesPage). */
  newestTradesPage: boolean;
  /** The symbols of defaultSymbols (API-tradable); paper mode knows only those its upstream listed. */
  apiSymbols(): string[];
}

export interface RouteCtx {
  params: Params;
  /** The exchange's own time (skew included). */
  now: number;
  ip: string;
  /** The authenticated account; empty on public routes. */
  apiKey: string;
  env: RouteEnv;
  query: string;
  /** Raw request body (control routes read JSON from it). */
  body: string;
}

export interface Route {
  signed: boolean;
  /** Weight charged to the endpoint's counter (per IP if public, per account if signed). */
  weight(params: Params): number;
  /** Signed endpoints that also count against the IP (POST /order: "1 IP + 1 UID"). */
  ipWeight?: number;
  /** New orders and cancels: they also count against the account's order rate (12/s). */
  orderRate?: boolean;
  /** Symbols the handler will read market data for (paper mode fetches them first). */
  symbols?(params: Params): string[];
  handle(ctx: RouteCtx): unknown;
}

export type RouteTable = Map<string, Route>;

export const JSON_HEADERS = { "content-type": "application/json" };
