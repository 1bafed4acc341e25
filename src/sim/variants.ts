import { createHash } from "node:crypto";
import { Rng } from "./rng.js";

/**
 * The answer variants the real exchange sends and the docs' examples mostly hide (reference page, "What the real
 * exchange sends"; each is cited below). With `realVariants` on, each is drawn at random with probability
 * `rate`, from dice seeded by the simulator's seed, so a run repeats exactly.
 */
export interface VariantOptions {
  rate?: number;
}

export const DEFAULT_VARIANT_RATE = 0.5;

type Json = Record<string, unknown>;

/** Ticker fields MEXC has sent as null or "" (docs "24hr Ticker Price Change Statistics": quoteVolume null, bidQty ""). */
const TICKER_NUMERIC = ["volume", "quoteVolume", "bidQty", "askQty"];

export class Variants {
  private readonly rng: Rng;
  readonly rate: number;

  constructor(
    readonly enabled: boolean,
    opts: VariantOptions,
    private readonly seed: number,
    /** myTrades answers `clientOrderId: null` (docs "Account Trade List" sample; issue 18). */
    readonly nullTradeClientOrderId: boolean,
  ) {
    this.rate = Math.min(1, Math.max(0, opts.rate ?? DEFAULT_VARIANT_RATE));
    this.rng = new Rng(seed * 7_368_787 + 101);
  }

  roll(): boolean {
    return this.enabled && this.rng.next() < this.rate;
  }

  /**
   * An order or trade id: numeric by default; at random a 32-hex-digit one, as MEXC's docs show
   * ("06a480e69e604477bfb48dddd5f0b750" in "New Order", hex deal ids in "Account Trade List").
   */
  id(kind: "order" | "trade", seq: number, plain: string): string {
    if (!this.roll()) return plain;
    return createHash("sha256").update(`${this.seed}:${kind}:${seq}`).digest("hex").slice(0, 32);
  }

  /** Reshapes a handler's JSON answer (before serialisation); `endpoint` is "METHOD /path". */
  apply(endpoint: string, out: unknown): unknown {
    if (endpoint === "GET /api/v3/myTrades" && Array.isArray(out))
      return out.map((t) => this.trade(t as Json));
    if (!this.enabled) return out;
    switch (endpoint) {
      case "GET /api/v3/time":
      case "GET /api/v3/exchangeInfo":
        return this.serverTime(endpoint, out as Json);
      case "GET /api/v3/ticker/24hr":
      case "GET /api/v3/ticker/bookTicker":
        return each(out, (t) => this.ticker(t));
      case "POST /api/v3/order":
        return this.ack(out as Json);
      case "DELETE /api/v3/order":
      case "DELETE /api/v3/openOrders":
        return each(out, (o) => this.cancel(o));
      case "GET /api/v3/order":
      case "GET /api/v3/openOrders":
      case "GET /api/v3/allOrders":
        return each(out, (o) => this.order(o, endpoint === "GET /api/v3/order"));
      case "GET /api/v3/account":
        return this.account(out as Json);
      default:
        return out;
    }
  }

  /** `serverTime` as a string; exchangeInfo's `status` as "ENABLED", as before 2024-08 (hummingbot #7174). */
  private serverTime(endpoint: string, o: Json): Json {
    if (this.roll()) o.serverTime = String(o.serverTime);
    if (endpoint === "GET /api/v3/exchangeInfo" && this.roll() && Array.isArray(o.symbols)) {
      for (const s of o.symbols as Json[]) if (s.status === "1") s.status = "ENABLED";
    }
    return o;
  }

  private ticker(t: Json): Json {
    for (const f of TICKER_NUMERIC) {
      if (f in t && this.roll()) t[f] = this.roll() ? null : "";
    }
    return t;
  }

  /** The short acknowledgement `{symbol, orderId, orderListId}`, or the docs' one with `stpMode` added. */
  private ack(o: Json): Json {
    if (this.roll()) return { symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId };
    if (this.roll()) o.stpMode = "";
    return o;
  }

  /** Short cancel answers: no executedQty, cummulativeQuoteQty or status (a 200 means the cancel was taken). */
  private cancel(o: Json): Json {
    if (!this.roll()) return o;
    const { executedQty: _e, cummulativeQuoteQty: _c, status: _s, ...rest } = o;
    return rest;
  }

  /** updateTime null; clientOrderId "" where none was set; the docs' `Qty` beside origQty (docs "Query Order"). */
  private order(o: Json, single: boolean): Json {
    if (this.roll()) o.updateTime = null;
    if (o.clientOrderId === null && this.roll()) o.clientOrderId = "";
    if (single && this.roll()) o.Qty = o.origQty;
    if (!("cancelReason" in o) && this.roll()) o.cancelReason = "";
    return o;
  }

  /** MEXC's own sample has `clientOrderId: null` on every trade; "" has been seen too. */
  private trade(t: Json): Json {
    if (this.nullTradeClientOrderId) t.clientOrderId = this.roll() ? "" : null;
    return t;
  }

  /** The docs' account sample: commissions null, balances with `available`. */
  private account(a: Json): Json {
    Object.assign(a, {
      makerCommission: null,
      takerCommission: null,
      buyerCommission: null,
      sellerCommission: null,
    });
    if (Array.isArray(a.balances) && this.roll()) {
      for (const b of a.balances as Json[]) b.available = b.free;
    }
    return a;
  }
}

function each(out: unknown, f: (o: Json) => Json): unknown {
  return Array.isArray(out) ? out.map((o) => f(o as Json)) : f(out as Json);
}
