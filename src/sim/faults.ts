import { Rng } from "./rng.js";

export type AcceptMode = "503" | "drop" | "stall";
export type MalformedKind = "json" | "type";
/** What the random fault dice can pick: answered without processing (5xx, 429, drop), after processing
 * (accept503, acceptDrop: POST /order only), or a response altered (slow, malformed). */
export type RandomFaultKind = "5xx" | "429" | "drop" | "accept503" | "acceptDrop" | "slow" | "malformed";

export interface FailSpec {
  count?: number;
  status: number;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface MaintenanceSpec {
  code?: number;
  msg?: string;
  /** HTTP status; default 503. */
  status?: number;
  /** Where the text goes: MEXC's usual `msg`, or `message` as some MEXC answers have it. */
  textField?: "msg" | "message";
}

function defaultMaintenance(): { status: number; body: Record<string, unknown> } {
  return { status: 503, body: { code: 503, msg: "service not available, please try again" } };
}

interface Counted<T> {
  remaining: number;
  value: T;
}

/**
 * Faults a test arranges in-process (or over /__sim/faults/*). Each "next N" fault is consumed as requests
 * arrive; `clear()` returns to a healthy exchange.
 */
export class SimFaults {
  private readonly failures = new Map<string, Counted<CannedResponse>[]>();
  private accept: Counted<{ mode: AcceptMode; stallMs: number }> | undefined;
  private hide: { ms: number; remaining: number | undefined } | undefined;
  private readonly malformed = new Map<string, Counted<MalformedKind>>();
  private random: { rate: number; kinds: RandomFaultKind[]; rng: Rng; slowMs: number } | undefined;
  /** Every response is delayed this long. */
  slowMs = 0;
  /** The exchange's clock runs this far ahead of (or, negative, behind) the true clock. */
  skewMs = 0;
  /** Until this server time every request answers 503 maintenance. */
  maintenanceUntil = 0;
  /** What every request meets during maintenance (see `maintenance`). */
  maintenanceAnswer: { status: number; body: Record<string, unknown> } = defaultMaintenance();

  /** The next `count` (default 1) calls to `endpoint` (e.g. "GET /api/v3/account") answer this instead. */
  failNext(endpoint: string, spec: FailSpec): void {
    const body =
      spec.body === undefined
        ? JSON.stringify({ code: spec.status, msg: "simulated failure" })
        : typeof spec.body === "string"
          ? spec.body
          : JSON.stringify(spec.body);
    const value: CannedResponse = {
      status: spec.status,
      headers: { "content-type": "application/json", ...spec.headers },
      body,
    };
    const list = this.failures.get(endpoint) ?? [];
    list.push({ remaining: spec.count ?? 1, value });
    this.failures.set(endpoint, list);
  }

  /**
   * The next `count` accepted POST /order are stored and executed, but the client gets a 503 -1003, a
   * connection dropped without an answer, or the answer only after `stallMs` (past its timeout).
   */
  acceptThen(mode: AcceptMode, opts: { count?: number; stallMs?: number } = {}): void {
    this.accept = { remaining: opts.count ?? 1, value: { mode, stallMs: opts.stallMs ?? 60_000 } };
  }

  /** New orders (the next `count`, or all while set) are invisible to order queries for `ms` after creation. */
  hideOrders(ms: number, opts: { count?: number } = {}): void {
    this.hide = ms > 0 ? { ms, remaining: opts.count } : undefined;
  }

  slow(ms: number): void {
    this.slowMs = Math.max(0, ms);
  }

  skewClock(ms: number): void {
    this.skewMs = ms;
  }

  /**
   * Until `untilMs` (server time) every request answers this. MEXC lists several codes for maintenance or
   * unavailability (503, 501, 604, 801, 11444: docs "Error Codes"), with HTTP statuses that vary. Some MEXC
   * bodies carry the text under `message` instead of `msg` (the docs' own Rebate Endpoints and Wallet samples do,
   * e.g. `{"code":0,"message":null,...}`): `textField: "message"` produces such a body.
   */
  maintenance(untilMs: number, o: MaintenanceSpec = {}): void {
    this.maintenanceUntil = untilMs;
    const text = o.msg ?? "service not available, please try again";
    this.maintenanceAnswer = {
      status: o.status ?? 503,
      body: { code: o.code ?? 503, [o.textField ?? "msg"]: text },
    };
  }

  /** The next `count` answers of `endpoint` are invalid JSON ("json") or carry a field of the wrong type. */
  malformedNext(endpoint: string, count = 1, kind: MalformedKind = "json"): void {
    this.malformed.set(endpoint, { remaining: count, value: kind });
  }

  /** Each request meets one of `kinds` with probability `rate`, from its own seeded dice (soak tests). */
  randomFaults(opts: { rate: number; kinds: RandomFaultKind[]; seed?: number; slowMs?: number }): void {
    const rate = Math.min(1, Math.max(0, opts.rate));
    this.random =
      rate > 0 && opts.kinds.length > 0
        ? { rate, kinds: [...opts.kinds], rng: new Rng(opts.seed ?? 1), slowMs: opts.slowMs ?? 1500 }
        : undefined;
  }

  clear(): void {
    this.failures.clear();
    this.accept = undefined;
    this.hide = undefined;
    this.malformed.clear();
    this.random = undefined;
    this.slowMs = 0;
    this.skewMs = 0;
    this.maintenanceUntil = 0;
    this.maintenanceAnswer = defaultMaintenance();
  }

  // ---- consumed by the simulator --------------------------------------------------------------------------

  takeFailure(endpoint: string): CannedResponse | undefined {
    const list = this.failures.get(endpoint);
    const head = list?.[0];
    if (!list || !head) return undefined;
    if (--head.remaining <= 0) list.shift();
    return head.value;
  }

  takeAccept(): { mode: AcceptMode; stallMs: number } | undefined {
    const a = this.accept;
    if (!a) return undefined;
    if (--a.remaining <= 0) this.accept = undefined;
    return a.value;
  }

  takeHide(): number {
    const h = this.hide;
    if (!h) return 0;
    if (h.remaining !== undefined && --h.remaining <= 0) this.hide = undefined;
    return h.ms;
  }

  takeMalformed(endpoint: string): MalformedKind | undefined {
    const m = this.malformed.get(endpoint);
    if (!m) return undefined;
    if (--m.remaining <= 0) this.malformed.delete(endpoint);
    return m.value;
  }

  rollRandom(): { kind: RandomFaultKind; slowMs: number } | undefined {
    const r = this.random;
    if (!r || r.rng.next() >= r.rate) return undefined;
    return { kind: r.rng.pick(r.kinds), slowMs: r.slowMs };
  }
}

/** Breaks a JSON body: cut in half ("json"), or the first scalar field given a value of the wrong type. */
export function corrupt(body: string, kind: MalformedKind): string {
  if (kind === "json") return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return "{}";
    parsed[0] = mistype(parsed[0]);
  } else {
    parsed = mistype(parsed);
  }
  return JSON.stringify(parsed);
}

function mistype(v: unknown): unknown {
  if (typeof v === "string") return 12345;
  if (typeof v === "number") return "not-a-number";
  if (typeof v === "boolean") return "yes";
  if (v === null) return 0;
  if (Array.isArray(v)) return v.length === 0 ? {} : [mistype(v[0]), ...v.slice(1)];
  if (typeof v === "object") {
    const o = { ...(v as Record<string, unknown>) };
    const key = Object.keys(o)[0];
    if (key === undefined) return [];
    o[key] = mistype(o[key]);
    return o;
  }
  return null;
}
