import { type Clock, RealClock } from "../clock.js";
import type { SimAccountSpec } from "./accounts.js";
import { authenticate } from "./auth.js";
import { checkContentType } from "./content-type.js";
import { controlRoutes } from "./control.js";
import { str } from "./decimal.js";
import { Engine } from "./engine.js";
import { Errors, SimError } from "./errors.js";
import { corrupt, type RandomFaultKind, SimFaults } from "./faults.js";
import type { FeeAsset } from "./fees.js";
import { checkFeePairs, type HistoryOptions, HistorySource } from "./history-source.js";
import { historyMarket } from "./history-views.js";
import { InstantAnswers } from "./instant-answers.js";
import { MarketViews } from "./market-views.js";
import { Params } from "./params.js";
import type { Regime } from "./price-path.js";
import { syntheticMarket } from "./public-views.js";
import { chargesFor, RateLimiter, type RateLimitInput, rateLimitOptions } from "./rate-limit.js";
import {
  header,
  JSON_HEADERS,
  Raw,
  type RouteEnv,
  type RouteTable,
  type SimRequest,
  type SimResponse,
} from "./routes.js";
import { publicRoutes } from "./routes-public.js";
import { signedRoutes } from "./routes-signed.js";
import type { MarketSource } from "./source.js";
import { SimStats } from "./stats.js";
import type { MarketRestriction, PriceBand } from "./symbol-options.js";
import { SyntheticSource } from "./synthetic.js";
import { UpstreamSource } from "./upstream.js";
import { type VariantOptions, Variants } from "./variants.js";

export interface SimOptions {
  /** Default: a RealClock. With a VirtualClock the market moves only when time is advanced. */
  clock?: Clock;
  seed?: number;
  generatedAlts?: number;
  accounts?: SimAccountSpec[];
  /** Asset commissions are charged in (MEXC does not document it): see Engine.commission. */
  feeAsset?: FeeAsset;
  /** Limits in their strictest readings by default; see rate-limit.ts. `budget` sets both per-endpoint pools. */
  rateLimit?: RateLimitInput;
  rejectDuplicateClientOrderId?: boolean;
  /** Paper mode: market data from this MEXC-compatible base URL. */
  upstream?: string;
  /** The history market: recorded candles (history-source.ts) on this clock. Exclusive with `upstream`. */
  history?: HistoryOptions;
  /** Serve the /__sim/* control routes. */
  control?: boolean;
  /** PERCENT_PRICE_BY_SIDE per symbol; default DEFAULT_PRICE_BANDS (BTCUSDC, ETHUSDC). Synthetic market only. */
  priceBands?: Record<string, PriceBand>;
  /** API market orders disabled (30051) / quoteOrderQty market orders not allowed; default two generated alts. */
  marketRestrictions?: Record<string, MarketRestriction>;
  /**
   * Answer at random with the variants MEXC really sends (variants.ts): short acknowledgements, strings and nulls
   * where numbers were, hex ids, extra fields. Default rate 0.5, dice seeded from `seed`.
   */
  realVariants?: boolean | VariantOptions;
  /** myTrades answers `clientOrderId: null` as MEXC's own sample does; default: on with realVariants. */
  nullTradeClientOrderId?: boolean;
  /** A full myTrades page with a startTime holds the window's newest rows (MEXC does not say which); default off. */
  newestTradesPage?: boolean;
}

export const DEFAULT_ACCOUNT: SimAccountSpec = {
  apiKey: "sim-api-key",
  apiSecret: "sim-api-secret",
  balances: { USDT: "1000", USDC: "1000" },
};

/** The connection was dropped without an answer (a fault): the HTTP layer destroys the socket. */
export class SimDropped extends Error {
  readonly code = "ECONNRESET";
  constructor() {
    super("connection dropped by the simulator");
  }
}

export interface RegimeSpec {
  kind: Regime["kind"];
  /** Default: now. */
  startMs?: number;
  /** Default: one hour. */
  durationMs?: number;
  /** Relative change over the regime; default +0.30 for a pump, −0.10 for a dip; required for a trend. */
  change?: number;
  /** Extra volume while it runs, as a multiple added to 1; default 4 (pump), 2 (dip), 0.5 (trend). */
  volumeBoost?: number;
}

export interface SimMarket {
  regime(symbol: string, spec: RegimeSpec): void;
  /** Last price as the tickers show it now. */
  price(symbol: string): string;
  /** Lets resting orders meet the market up to now. */
  tick(): Promise<void>;
  /** What the market received minus what it gave, per asset (the counterpart of the conservation law). */
  flows(): Record<string, string>;
}

const UNKNOWN_OUTCOME_BODY = JSON.stringify({
  code: -1003,
  msg: "Service unavailable, please try again later.",
});

/** The exchange: usable in-process through `handle`, or behind plain node:http (see http.ts). */
export class Simulator {
  readonly clock: Clock;
  readonly faults = new SimFaults();
  readonly stats = new SimStats();
  readonly market: SimMarket;
  private readonly engine: Engine;
  private readonly source: MarketSource;
  private readonly env: RouteEnv;
  private readonly limiter: RateLimiter;
  private readonly routes: RouteTable;
  private readonly paths: Set<string>;
  private readonly control: RouteTable;
  private readonly controlEnabled: boolean;
  private readonly abort = new AbortController();
  private readonly variants: Variants;
  private readonly history: HistorySource | undefined;
  /** The history market's public answers at the current instant (instant-answers.ts); none with variants on. */
  private readonly instant: InstantAnswers | undefined;

  constructor(opts: SimOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    const rv = opts.realVariants ?? false;
    this.variants = new Variants(
      rv !== false,
      typeof rv === "object" ? rv : {},
      opts.seed ?? 42,
      opts.nullTradeClientOrderId ?? rv !== false,
    );
    const variants = this.variants;
    if (opts.history && opts.upstream)
      throw new Error("SimOptions: give either history or upstream, not both");
    const history = opts.history ? new HistorySource(opts.history) : undefined;
    if (history) checkFeePairs(history, opts.feeAsset ?? "quote");
    const synthetic =
      opts.upstream || history
        ? undefined
        : new SyntheticSource(opts.seed ?? 42, opts.generatedAlts ?? 300, {
            ...(opts.priceBands ? { priceBands: opts.priceBands } : {}),
            ...(opts.marketRestrictions ? { marketRestrictions: opts.marketRestrictions } : {}),
          });
    const upstream = opts.upstream
      ? new UpstreamSource(opts.upstream, this.clock, undefined, opts.marketRestrictions)
      : undefined;
    this.source = (synthetic ?? history ?? upstream) as MarketSource;
    this.history = history;
    this.instant = history && rv === false ? new InstantAnswers() : undefined;
    this.engine = new Engine(this.source, opts.accounts ?? [DEFAULT_ACCOUNT], {
      feeAsset: opts.feeAsset ?? "quote",
      rejectDuplicateClientOrderId: opts.rejectDuplicateClientOrderId ?? true,
      maxOpenOrders: 500,
      id: (kind, seq, plain) => variants.id(kind, seq, plain),
    });
    this.limiter = new RateLimiter(rateLimitOptions(opts.rateLimit));
    this.env = {
      engine: this.engine,
      source: this.source,
      synthetic,
      views: synthetic ? new MarketViews(synthetic) : undefined,
      upstream,
      faults: this.faults,
      stats: this.stats,
      newestTradesPage: opts.newestTradesPage ?? false,
      apiSymbols: () => this.source.apiSymbols(),
    };
    const market = synthetic ? syntheticMarket(synthetic, this.env.views) : history && historyMarket(history);
    this.routes = new Map([...publicRoutes<unknown>(market), ...signedRoutes()]);
    this.paths = new Set([...this.routes.keys()].map((k) => k.slice(k.indexOf(" ") + 1)));
    this.controlEnabled = opts.control ?? false;
    this.control = controlRoutes(this);
    this.market = this.makeMarket(synthetic);
  }

  /** The exchange's own clock: the injected clock plus any skew a test arranged. */
  serverTime(): number {
    return this.clock.now() + this.faults.skewMs;
  }

  account(apiKey?: string): {
    balances: Record<string, { free: string; locked: string }>;
    feesPaid: Record<string, string>;
  } {
    const key = apiKey ?? this.engine.accounts.keys().next().value;
    const acc = key === undefined ? undefined : this.engine.accounts.get(key);
    if (!acc) throw new Error(`no simulated account with key ${apiKey}`);
    return acc.snapshot();
  }

  /** The history market's span where every symbol has candles (first common open, last common close). */
  historyRange(): { fromMs: number; toMs: number } | undefined {
    return this.history?.range();
  }

  /** Forgets rate-limit counters, back-offs and bans. */
  resetRateLimits(): void {
    this.limiter.reset();
  }

  /** Releases anything waiting on the clock (stalled or slowed answers); they end as dropped connections. */
  dispose(): void {
    this.abort.abort();
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const method = req.method.toUpperCase();
    const endpoint = `${method} ${req.path}`;
    if (req.path.startsWith("/__sim/") && this.controlEnabled)
      return this.run(this.control, endpoint, req, undefined);
    this.stats.requests[endpoint] = (this.stats.requests[endpoint] ?? 0) + 1;
    const random = this.faults.rollRandom();
    let res = await this.process(req, endpoint, random?.kind);
    const malformed =
      this.faults.takeMalformed(endpoint) ?? (random?.kind === "malformed" ? "json" : undefined);
    if (malformed) res = { ...res, body: corrupt(res.body, malformed) };
    const delay = this.faults.slowMs + (random?.kind === "slow" ? random.slowMs : 0);
    if (delay > 0) await this.clock.sleep(delay, this.abort.signal);
    return res;
  }

  private async process(
    req: SimRequest,
    endpoint: string,
    randomKind: RandomFaultKind | undefined,
  ): Promise<SimResponse> {
    const route = this.routes.get(endpoint);
    if (!route)
      return errorResponse(this.paths.has(req.path) ? Errors.methodNotAllowed() : Errors.notFound());
    const ip = req.ip ?? "127.0.0.1";
    let params: Params;
    try {
      checkContentType(req.method.toUpperCase(), req.path, header(req, "content-type"));
      params = Params.from(req.query ?? "", req.body ?? "", header(req, "content-type"));
    } catch (e) {
      if (e instanceof SimError) return errorResponse(e);
      throw e;
    }
    const weight = route.weight(params);
    const charges = chargesFor(this.limiter.options, {
      ip,
      uid: header(req, "x-mexc-apikey"),
      endpoint,
      ipWeight: route.signed ? (route.ipWeight ?? 0) : weight,
      uidWeight: route.signed ? weight : 0,
      isOrder: route.orderRate === true,
    });
    const verdict = this.limiter.check(ip, charges, this.clock.now());
    if (!verdict.ok) return this.limited(verdict.status, verdict.retryAfterSec);
    if (this.serverTime() < this.faults.maintenanceUntil) {
      const m = this.faults.maintenanceAnswer;
      return { status: m.status, headers: { ...JSON_HEADERS }, body: JSON.stringify(m.body) };
    }
    const canned = this.faults.takeFailure(endpoint);
    if (canned) return { status: canned.status, headers: { ...canned.headers }, body: canned.body };
    if (randomKind === "5xx")
      return { status: 503, headers: { ...JSON_HEADERS }, body: UNKNOWN_OUTCOME_BODY };
    if (randomKind === "429") return this.limited(429, 1);
    if (randomKind === "drop") throw new SimDropped();
    const res = await this.run(this.routes, endpoint, req, params);
    if (endpoint === "POST /api/v3/order" && res.status === 200) {
      const accept =
        this.faults.takeAccept() ??
        (randomKind === "accept503" ? { mode: "503" as const, stallMs: 0 } : undefined) ??
        (randomKind === "acceptDrop" ? { mode: "drop" as const, stallMs: 0 } : undefined);
      if (accept?.mode === "503")
        return { status: 503, headers: { ...JSON_HEADERS }, body: UNKNOWN_OUTCOME_BODY };
      if (accept?.mode === "drop") throw new SimDropped();
      if (accept?.mode === "stall") await this.clock.sleep(accept.stallMs, this.abort.signal);
    }
    return res;
  }

  private limited(status: 429 | 418, retryAfterSec: number): SimResponse {
    if (status === 429) this.stats.count429++;
    else this.stats.count418++;
    const msg = status === 429 ? "Too Many Requests" : "IP banned until Retry-After";
    return {
      status,
      headers: { ...JSON_HEADERS, "retry-after": String(retryAfterSec) },
      body: JSON.stringify({ code: status, msg }),
    };
  }

  /** Authenticates if the route is signed, brings market data up to date, runs the handler. */
  private async run(
    table: RouteTable,
    endpoint: string,
    req: SimRequest,
    parsed: Params | undefined,
  ): Promise<SimResponse> {
    try {
      const route = table.get(endpoint);
      if (!route) throw Errors.notFound();
      const params = parsed ?? Params.from(req.query ?? "", req.body ?? "", header(req, "content-type"));
      let apiKey = "";
      if (route.signed) {
        const input = {
          query: req.query ?? "",
          body: req.body ?? "",
          contentType: header(req, "content-type"),
          apiKeyHeader: header(req, "x-mexc-apikey"),
        };
        apiKey = authenticate(
          input,
          params,
          (k) => this.engine.accounts.get(k)?.apiSecret,
          this.serverTime(),
        );
      }
      const symbols = route.symbols?.(params) ?? [];
      if (route.signed)
        await this.source.prepare([...symbols, ...this.engine.openSymbols(), ...this.feeSymbols()]);
      else if (symbols.length > 0) await this.source.prepare(symbols);
      const now = this.serverTime();
      if (route.signed) this.engine.advance(now);
      const kept =
        this.instant && !route.signed && table === this.routes ? `${endpoint}?${req.query ?? ""}` : "";
      const hit = kept === "" ? undefined : this.instant?.get(kept, now);
      // Awaited either way: the same turns of the event loop as before, so concurrent requests keep their order.
      const out = await (hit ??
        route.handle({
          params,
          now,
          ip: req.ip ?? "127.0.0.1",
          apiKey,
          env: this.env,
          query: req.query ?? "",
          body: req.body ?? "",
        }));
      if (hit !== undefined) return { status: 200, headers: { ...JSON_HEADERS }, body: hit };
      if (out instanceof Raw)
        return { status: out.status, headers: { ...JSON_HEADERS, ...out.headers }, body: out.body };
      const shaped = table === this.routes ? this.variants.apply(endpoint, out) : out;
      const body = JSON.stringify(shaped);
      if (kept !== "") this.instant?.set(kept, now, body);
      return { status: 200, headers: { ...JSON_HEADERS }, body };
    } catch (e) {
      if (e instanceof SimError) return errorResponse(e);
      if (e instanceof SimDropped || (e instanceof Error && e.name === "AbortError")) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return {
        status: 500,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify({ code: 500, msg: `Internal error: ${msg}` }),
      };
    }
  }

  /** Market data the MX fee needs (MX price, USDC valued in USDT). */
  private feeSymbols(): string[] {
    return this.engine.options.feeAsset === "MX" ? ["MXUSDT", "USDCUSDT"] : [];
  }

  private makeMarket(synthetic: SyntheticSource | undefined): SimMarket {
    return {
      regime: (symbol, spec) => {
        if (!synthetic)
          throw new Error("market regimes need the synthetic market (not paper or history mode)");
        const defaults = { pump: [0.3, 4], dip: [-0.1, 2], trend: [Number.NaN, 0.5] } as const;
        const [change, boost] = defaults[spec.kind];
        const c = spec.change ?? change;
        if (!Number.isFinite(c) || c <= -1)
          throw new Error(`regime ${spec.kind} on ${symbol}: give a change > -1`);
        synthetic.regime(symbol, {
          kind: spec.kind,
          startMs: spec.startMs ?? this.serverTime(),
          durationMs: spec.durationMs ?? 3_600_000,
          change: c,
          volumeBoost: spec.volumeBoost ?? boost,
        });
      },
      price: (symbol) => {
        const p = this.source.lastPrice(symbol, this.serverTime());
        if (!p) throw new Error(`no price for ${symbol}`);
        return str(p);
      },
      tick: async () => {
        await this.source.prepare([...this.engine.openSymbols(), ...this.feeSymbols()]);
        this.engine.advance(this.serverTime());
      },
      flows: () => this.engine.flows.snapshot(),
    };
  }
}

function errorResponse(e: SimError): SimResponse {
  return { status: e.status, headers: { ...JSON_HEADERS, ...e.headers }, body: e.body() };
}
