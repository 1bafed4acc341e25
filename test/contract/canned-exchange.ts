import type { HttpRequest, HttpResponse, Transport } from "../../src/api/index.js";
import type { Clock } from "../../src/clock.js";

/**
 * A Transport that answers each request with a canned body chosen by "METHOD /path", and records every request
 * exactly as the client handed it over. It parses nothing and checks nothing: the contract tests judge the
 * recorded requests against MEXC's documentation, and the real client parses the canned (documented) bodies.
 */

export interface CannedAnswer {
  readonly status?: number;
  /** The exact bytes of the answer. */
  readonly body: string;
}

/** A request as recorded, with its URL taken apart the way a server reads it. */
export interface Recorded {
  readonly req: HttpRequest;
  readonly method: string;
  readonly path: string;
  /** The raw query string (without "?"), byte for byte as sent. */
  readonly query: string;
  /** The body as sent ("" when the client sends none). */
  readonly body: string;
  /** Parameter names in the order they appear in the query. */
  readonly names: string[];
  readonly params: URLSearchParams;
  header(name: string): string | undefined;
}

export class CannedExchange implements Transport {
  readonly requests: Recorded[] = [];
  private readonly answers = new Map<string, CannedAnswer>();

  constructor(private readonly clock: Clock) {}

  /** Answers "METHOD /path" with `body` from now on. */
  answer(key: string, body: string, status = 200): this {
    this.answers.set(key, { body, status });
    return this;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const query = url.search.startsWith("?") ? url.search.slice(1) : url.search;
    // The body is whatever the transport would put on the wire; today's HttpRequest carries none.
    const body = (req as HttpRequest & { body?: unknown }).body;
    const headers = req.headers;
    this.requests.push({
      req,
      method: req.method,
      path: url.pathname,
      query,
      body: typeof body === "string" ? body : body === undefined || body === null ? "" : String(body),
      names: query === "" ? [] : query.split("&").map((p) => decodeURIComponent(p.split("=")[0] ?? "")),
      params: new URLSearchParams(query),
      header: (name) => {
        const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
        return k === undefined ? undefined : headers[k];
      },
    });
    const key = `${req.method} ${url.pathname}`;
    const canned =
      this.answers.get(key) ??
      (key === "GET /api/v3/time"
        ? // The client syncs its clock before a signed call: answer with our clock, so the offset is 0.
          { body: JSON.stringify({ serverTime: this.clock.now() }), status: 200 }
        : { body: `{"code":-1,"msg":"no canned answer for ${key}"}`, status: 404 });
    const now = this.clock.now();
    return {
      status: canned.status ?? 200,
      headers: { "content-type": "application/json" },
      body: canned.body,
      sentAt: now,
      receivedAt: now,
      httpMs: 0,
    };
  }

  /** The recorded requests to one endpoint (the clock syncs before signed calls are left out unless asked). */
  to(method: string, path: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  clear(): void {
    this.requests.length = 0;
  }
}
