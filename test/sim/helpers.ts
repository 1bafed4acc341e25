import { createHmac } from "node:crypto";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, type SimOptions, type Simulator, startSim } from "../../src/sim/index.js";

export const KEY = "sim-api-key";
export const SECRET = "sim-api-secret";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

export type ParamValue = string | number | undefined;

export function hmac(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** Form-encodes in the given order, uppercase percent escapes as MEXC asks. */
export function form(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
}

export interface SignOptions {
  apiKey?: string;
  secret?: string;
  timestamp?: number;
  recvWindow?: number;
  /**
   * Where parameters travel: all in the query (default, as the project's client sends them), all in a JSON body,
   * or split between the query and a JSON body. The signature always goes in the query string.
   */
  where?: "query" | "body" | "mixed";
  /** Content-Type of a POST/PUT/DELETE; default application/json as MEXC requires. */
  contentType?: string;
  signature?: string;
}

/**
 * Talks MEXC to a simulator either over HTTP (global fetch) or in-process (`sim.handle`), signing like a
 * client: totalParams = query + body, signature appended to the part sent last.
 */
export class TestClient {
  constructor(
    private readonly target: { url: string } | { sim: Simulator },
    private readonly now: () => number,
    private readonly creds = { apiKey: KEY, secret: SECRET },
  ) {}

  async raw(
    method: string,
    path: string,
    query = "",
    body = "",
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Reply> {
    if ("sim" in this.target) {
      const r = await this.target.sim.handle({ method, path, query, body, headers });
      return { status: r.status, headers: r.headers, text: r.body, json: tryJson(r.body) };
    }
    const url = `${this.target.url}${path}${query ? `?${query}` : ""}`;
    const init: RequestInit = { method, headers, ...(signal ? { signal } : {}) };
    if (body !== "") init.body = body;
    const res = await fetch(url, init);
    const text = await res.text();
    const h: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      h[k] = v;
    });
    return { status: res.status, headers: h, text, json: tryJson(text) };
  }

  get(path: string, params: Record<string, ParamValue> = {}): Promise<Reply> {
    return this.raw("GET", path, form(params));
  }

  signed(
    method: string,
    path: string,
    params: Record<string, ParamValue> = {},
    o: SignOptions = {},
    signal?: AbortSignal,
  ): Promise<Reply> {
    const all = {
      ...params,
      recvWindow: o.recvWindow,
      timestamp: o.timestamp ?? this.now(),
    };
    const where = o.where ?? "query";
    const entries = Object.entries(all).filter(([, v]) => v !== undefined);
    const json = (e: [string, ParamValue][]): string =>
      JSON.stringify(Object.fromEntries(e.map(([k, v]) => [k, String(v)])));
    let query = "";
    let body = "";
    if (where === "query") query = form(all);
    else if (where === "body") body = json(entries);
    else {
      const half = Math.ceil(entries.length / 2);
      query = form(Object.fromEntries(entries.slice(0, half)));
      body = json(entries.slice(half));
    }
    const sig = o.signature ?? hmac(o.secret ?? this.creds.secret, query + body);
    query += `${query ? "&" : ""}signature=${sig}`;
    const headers: Record<string, string> = { "X-MEXC-APIKEY": o.apiKey ?? this.creds.apiKey };
    if (method !== "GET") headers["content-type"] = o.contentType ?? "application/json";
    return this.raw(method, path, query, body, headers, signal);
  }

  order(params: Record<string, ParamValue>, o: SignOptions = {}): Promise<Reply> {
    return this.signed("POST", "/api/v3/order", params, o);
  }

  getOrder(symbol: string, orderId: string): Promise<Reply> {
    return this.signed("GET", "/api/v3/order", { symbol, orderId });
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const T0 = Date.UTC(2026, 1, 2, 9, 30, 10);
export const N = (s: string | undefined): number => Number(s);

export interface Env {
  clock: VirtualClock;
  running: RunningSim;
  c: TestClient;
}

/** A simulator on a virtual clock with a rich default account and a poor second one ("poor"/"poor-secret"). */
export async function tradingSim(opts: SimOptions = {}): Promise<Env> {
  const clock = new VirtualClock(T0);
  const running = await startSim({
    clock,
    generatedAlts: 12,
    rateLimit: { enabled: false },
    accounts: [
      { apiKey: KEY, apiSecret: SECRET, balances: { USDT: "1000000", USDC: "1000000", MX: "5000" } },
      { apiKey: "poor", apiSecret: "poor-secret", balances: { USDT: "20" } },
    ],
    ...opts,
  });
  return { clock, running, c: new TestClient({ url: running.url }, () => clock.now()) };
}

export async function tradesOf(
  c: TestClient,
  symbol: string,
  orderId: string,
): Promise<Record<string, string>[]> {
  return (await c.signed("GET", "/api/v3/myTrades", { symbol, orderId })).json;
}
