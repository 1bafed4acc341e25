import http from "node:http";
import https from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import type { Clock } from "../clock.js";
import type { SafeCause } from "./errors.js";
import {
  type HttpRequest,
  type HttpResponse,
  NEVER_SENT,
  type Transport,
  TransportFailure,
  toSafeCause,
} from "./transport.js";

export interface NodeHttpTransportOptions {
  readonly clock: Clock;
  /** The whole exchange, from sending to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Connections per origin; requests beyond them wait in the agent (the limiter bounds what is in flight). */
  readonly maxSockets?: number;
  /** Extra certificate authorities to trust for https (a test's self-signed server, a company proxy). */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

/**
 * Headers every request carries besides the caller's, which win on a clash (they are sent exactly as given).
 * A User-Agent because CDN and WAF rules in front of exchange APIs refuse requests without one (ccxt #848, #868);
 * axios sent `axios/<version>`, Node's http sends none. No Accept-Encoding: the answers are small (a klines
 * answer of 100 candles is 10 kB) and uncompressed costs no CPU to read; an encoded answer is still decoded.
 */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  Accept: "application/json",
  "User-Agent": "mexc-portfolio-bots",
};

/** A deadline passed: named as axios named it (`clarifyTimeoutError`), so error kinds and logs stay the same. */
function timeoutCause(timeoutMs: number): SafeCause {
  return { code: "ETIMEDOUT", message: `timeout of ${timeoutMs}ms exceeded` };
}

/** The body as text; a server may still encode it although we asked for nothing (RFC 9110 § 12.5.3). */
function bodyText(chunks: Buffer[], encoding: string | undefined): string {
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return raw.toString("utf8");
    case "gzip":
    case "x-gzip":
      return gunzipSync(raw).toString("utf8");
    case "deflate":
      return inflateSync(raw).toString("utf8");
    case "br":
      return brotliDecompressSync(raw).toString("utf8");
    default:
      throw Object.assign(new Error(`unsupported content-encoding ${encoding}`), {
        code: "ERR_BAD_RESPONSE",
      });
  }
}

/** Node's lower-case headers, a repeated one (set-cookie) joined as AxiosTransport joined it. */
function flatHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in raw) {
    const v = raw[k];
    if (v !== undefined) out[k] = typeof v === "string" ? v : v.join(", ");
  }
  return out;
}

/**
 * The client's HTTP on Node's own http/https: one keep-alive agent per scheme with a bounded number of sockets, the
 * answer read as Buffers and decoded once. It replaced axios (bench/transport.ts, issue 15): axios's request
 * pipeline (config merging, interceptors, adapters) cost more CPU per request than the whole rest of the client.
 *
 * Kept from the axios days, which the error kinds depend on: a failure is a TransportFailure whose code is Node's
 * own (ECONNRESET "socket hang up" for a reset, ECONNREFUSED, ENOTFOUND / EAI_AGAIN for DNS), a deadline is
 * ETIMEDOUT, no redirect is followed (a signed request must never be re-sent elsewhere), every status is an answer,
 * and no body is ever sent: MEXC signs query + body (docs "Signed"), so a POST goes out with `Content-Length: 0`.
 */
export class NodeHttpTransport implements Transport {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  // #private: a signed endpoint's headers carry the API key, which nothing may print.
  readonly #merged = new WeakMap<object, Record<string, string>>();

  constructor(opts: NodeHttpTransportOptions) {
    this.clock = opts.clock;
    this.timeoutMs = opts.timeoutMs;
    const maxSockets = opts.maxSockets ?? 32;
    // Keep-alive: a scan of 2,000 symbols must not pay a TCP (and TLS) handshake per request.
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ...(opts.ca !== undefined ? { ca: opts.ca as string | Buffer | Array<string | Buffer> } : {}),
    });
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    const sentAt = this.clock.now();
    const t0 = performance.now();
    return new Promise<HttpResponse>((resolve, reject) => {
      let request: http.ClientRequest;
      try {
        const secure = req.url.startsWith("https:");
        request = (secure ? https : http).request(req.url, {
          method: req.method,
          headers: this.headersFor(req.headers),
          agent: secure ? this.httpsAgent : this.httpAgent,
        });
      } catch (err) {
        // An unusable URL (ERR_INVALID_URL): nothing left for the server.
        reject(new TransportFailure(toSafeCause(err), false, performance.now() - t0));
        return;
      }
      const x = new Exchange(this.clock, request, sentAt, t0, resolve, reject);
      x.timer = setTimeout(() => x.fail(undefined, timeoutCause(this.timeoutMs)), this.timeoutMs);
      request.on("error", (err) => x.fail(err));
      request.once("response", (res) => x.answered(res));
      request.end();
    });
  }

  /** BASE_HEADERS under the caller's; made once for a frozen set (the runner's per endpoint), else per request. */
  private headersFor(own: Readonly<Record<string, string>>): Record<string, string> {
    if (!Object.isFrozen(own)) return { ...BASE_HEADERS, ...own };
    let merged = this.#merged.get(own);
    if (!merged) {
      merged = Object.freeze({ ...BASE_HEADERS, ...own });
      this.#merged.set(own, merged);
    }
    return merged;
  }

  /** Resets what is in flight and the idle connections; the transport stays usable (new sockets). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * One request in flight: its state and the ways it ends, as methods of one object rather than a closure each
 * (every request makes one; cold code pays per closure and step). It settles once: answered, or failed.
 */
class Exchange {
  timer: NodeJS.Timeout | undefined;
  private settled = false;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly request: http.ClientRequest,
    private readonly sentAt: number,
    private readonly t0: number,
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  fail(err: unknown, safe: SafeCause = toSafeCause(err)): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.request.destroy();
    this.reject(new TransportFailure(safe, !NEVER_SENT.has(safe.code ?? ""), performance.now() - this.t0));
  }

  answered(res: http.IncomingMessage): void {
    res.on("data", (c: Buffer) => this.chunks.push(c));
    res.on("error", (err) => this.fail(err));
    // Closed before the end: the connection was cut in the middle of the answer.
    res.once("close", () => {
      if (!res.complete) this.fail(undefined, { code: "ECONNRESET", message: "socket hang up" });
    });
    res.once("end", () => this.ended(res));
  }

  private ended(res: http.IncomingMessage): void {
    if (this.settled) return;
    let body: string;
    try {
      body = bodyText(this.chunks, contentEncoding(res.rawHeaders));
    } catch (err) {
      this.fail(err);
      return;
    }
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(
      new NodeHttpResponse(
        res,
        res.statusCode ?? 0,
        body,
        this.sentAt,
        this.clock.now(),
        performance.now() - this.t0,
      ),
    );
  }
}

/**
 * An answer whose headers are flattened when first read: nearly no answer needs them (a 429's Retry-After does),
 * and Node builds `res.headers` lazily too, so an answer read for its body alone never pays for either.
 */
class NodeHttpResponse implements HttpResponse {
  // #private: the answer looks as it always did (status, headers, body, times); no socket hangs off it.
  readonly #res: http.IncomingMessage;
  #headers: Record<string, string> | undefined;

  constructor(
    res: http.IncomingMessage,
    readonly status: number,
    readonly body: string,
    readonly sentAt: number,
    readonly receivedAt: number,
    readonly httpMs: number,
  ) {
    this.#res = res;
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= flatHeaders(this.#res.headers);
    return this.#headers;
  }
}

/** Content-Encoding from the raw header list, repeated ones joined as `res.headers` joins them (", "). */
function contentEncoding(raw: readonly string[]): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 16 && name.toLowerCase() === "content-encoding") {
      out = out === undefined ? raw[i + 1]! : `${out}, ${raw[i + 1]!}`;
    }
  }
  return out;
}
