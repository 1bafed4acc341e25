import type { Clock } from "../clock.js";
import { D, type Dec, ROUND_HALF_UP } from "./decimal.js";
import { SimError } from "./errors.js";
import { MINUTE_MS } from "./price-path.js";
import { Raw } from "./routes.js";
import { type Level, type MarketSource, type RestingChunk, ruleFromInfo, type SymbolRule } from "./source.js";
import type { MarketRestriction } from "./symbol-options.js";

export interface UpstreamTtl {
  infoMs: number;
  bookMs: number;
  tickerMs: number;
  klinesMs: number;
}

export const DEFAULT_UPSTREAM_TTL: UpstreamTtl = {
  infoMs: 30 * 60_000,
  bookMs: 3_000,
  tickerMs: 3_000,
  klinesMs: 10_000,
};

interface Cached {
  at: number;
  status: number;
  body: string;
}

interface BookSnapshot {
  bids: Level[];
  asks: Level[];
}

const DEPTH_LEVELS = 500;

/**
 * Paper mode: market data from an upstream MEXC-compatible base URL (real MEXC, or another simulator), cached
 * briefly; accounts, matching and fees stay in this simulator. Public answers are the upstream's own bytes.
 */
export class UpstreamSource implements MarketSource {
  readonly kind = "upstream" as const;
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached>>();
  private rules = new Map<string, SymbolRule>();
  private rulesAt = Number.NEGATIVE_INFINITY;
  private readonly books = new Map<string, BookSnapshot>();

  constructor(
    private readonly baseUrl: string,
    private readonly clock: Clock,
    private readonly ttl: UpstreamTtl = DEFAULT_UPSTREAM_TTL,
    private readonly restrictions: Record<string, MarketRestriction> = {},
  ) {}

  private ttlFor(path: string): number {
    if (path.endsWith("/exchangeInfo") || path.endsWith("/defaultSymbols")) return this.ttl.infoMs;
    if (path.endsWith("/klines")) return this.ttl.klinesMs;
    if (path.includes("/ticker")) return this.ttl.tickerMs;
    return this.ttl.bookMs;
  }

  private async get(path: string, query: string): Promise<Cached> {
    const url = `${this.baseUrl.replace(/\/$/, "")}${path}${query ? `?${query}` : ""}`;
    const now = this.clock.now();
    const hit = this.cache.get(url);
    if (hit && now - hit.at < this.ttlFor(path)) return hit;
    const running = this.inflight.get(url);
    if (running) return running;
    const p = (async (): Promise<Cached> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const entry = { at: this.clock.now(), status: res.status, body: await res.text() };
        if (res.status < 500) this.cache.set(url, entry);
        return entry;
      } catch {
        if (hit) return hit;
        return { at: now, status: 503, body: JSON.stringify({ code: 503, msg: "upstream unavailable" }) };
      } finally {
        this.inflight.delete(url);
      }
    })();
    this.inflight.set(url, p);
    return p;
  }

  async proxy(path: string, query: string): Promise<Raw> {
    const r = await this.get(path, query);
    return new Raw(r.body, r.status);
  }

  async prepare(symbols: readonly string[]): Promise<void> {
    const now = this.clock.now();
    if (now - this.rulesAt >= this.ttl.infoMs) await this.loadRules();
    await Promise.all(symbols.filter((s) => this.rules.has(s)).map((s) => this.loadBook(s)));
  }

  private async loadRules(): Promise<void> {
    const [info, defaults] = await Promise.all([
      this.get("/api/v3/exchangeInfo", ""),
      this.get("/api/v3/defaultSymbols", ""),
    ]);
    if (info.status !== 200) throw new SimError(503, 503, "service not available, please try again");
    const parsed = JSON.parse(info.body) as { symbols?: Record<string, unknown>[] };
    let api: Set<string> | undefined;
    if (defaults.status === 200) {
      const d = JSON.parse(defaults.body) as { data?: unknown };
      if (Array.isArray(d.data)) api = new Set(d.data.map(String));
    }
    const rules = new Map<string, SymbolRule>();
    for (const s of parsed.symbols ?? []) {
      const rule = ruleFromInfo(s, api);
      const r = this.restrictions[rule.symbol];
      rules.set(rule.symbol, {
        ...rule,
        apiMarketDisabled: r?.apiMarketDisabled ?? false,
        quoteOrderQtyMarketAllowed: r?.quoteOrderQtyMarketAllowed ?? rule.quoteOrderQtyMarketAllowed,
      });
    }
    this.rules = rules;
    this.rulesAt = this.clock.now();
  }

  private async loadBook(symbol: string): Promise<void> {
    const r = await this.get("/api/v3/depth", `symbol=${encodeURIComponent(symbol)}&limit=${DEPTH_LEVELS}`);
    if (r.status !== 200) return;
    const parsed = JSON.parse(r.body) as { bids?: unknown[]; asks?: unknown[] };
    const levels = (rows: unknown[] | undefined): Level[] =>
      (rows ?? []).flatMap((row) =>
        Array.isArray(row) && row.length >= 2
          ? [{ price: new D(String(row[0])), qty: new D(String(row[1])) }]
          : [],
      );
    this.books.set(symbol, { bids: levels(parsed.bids), asks: levels(parsed.asks) });
  }

  rule(symbol: string): SymbolRule | undefined {
    return this.rules.get(symbol);
  }

  apiSymbols(): string[] {
    return [...this.rules.values()].filter((r) => r.apiTradable).map((r) => r.symbol);
  }

  lastPrice(symbol: string): Dec | undefined {
    const b = this.books.get(symbol);
    const rule = this.rules.get(symbol);
    const bid = b?.bids[0];
    const ask = b?.asks[0];
    if (!bid || !ask || !rule) return bid?.price ?? ask?.price;
    return bid.price.plus(ask.price).dividedBy(2).toDecimalPlaces(rule.pricePrecision, ROUND_HALF_UP);
  }

  levels(symbol: string, side: "bids" | "asks"): Iterable<Level> {
    return this.books.get(symbol)?.[side] ?? [];
  }

  /** Only the present is known here: liquidity at or through the price in the latest upstream book. */
  *restingChunks(
    symbol: string,
    side: "BUY" | "SELL",
    price: Dec,
    _afterMinute: number,
    nowMs: number,
  ): Generator<RestingChunk> {
    let qty = new D(0);
    for (const l of this.levels(symbol, side === "BUY" ? "asks" : "bids")) {
      const reached = side === "BUY" ? l.price.lessThanOrEqualTo(price) : l.price.greaterThanOrEqualTo(price);
      if (!reached) break;
      qty = qty.plus(l.qty);
    }
    if (qty.greaterThan(0)) yield { minute: Math.floor(nowMs / MINUTE_MS), timeMs: nowMs, qty };
  }
}
