import type { SafeCause } from "../src/api/errors.js";
import {
  type HttpRequest,
  type HttpResponse,
  NEVER_SENT,
  scrubMessage,
  type Transport,
  TransportFailure,
  toSafeCause,
} from "../src/api/transport.js";
import type { Clock } from "../src/clock.js";

export interface FetchTransportOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
}

/**
 * Undici's socket errors, named as Node's http module (and so axios) names them: the error kinds, the retries and the
 * "may have reached the server" rule read these codes, and a reset must stay a reset whichever transport saw it.
 */
const UNDICI_CODES: Record<string, SafeCause> = {
  // The server closed or destroyed the connection before the whole answer came.
  UND_ERR_SOCKET: { code: "ECONNRESET", message: "socket hang up" },
  UND_ERR_CLOSED: { code: "ECONNRESET", message: "socket hang up" },
  UND_ERR_ABORTED: { code: "ECONNRESET", message: "socket hang up" },
  UND_ERR_CONNECT_TIMEOUT: { code: "ETIMEDOUT", message: "connect timeout" },
  UND_ERR_HEADERS_TIMEOUT: { code: "ETIMEDOUT", message: "no answer headers in time" },
  UND_ERR_BODY_TIMEOUT: { code: "ETIMEDOUT", message: "the answer body stalled" },
};

/**
 * What a failed fetch is, as a safe cause. fetch wraps the network error in `TypeError("fetch failed")` with the
 * real one as `cause`; an abort rejects with the signal's reason (our timeout or our close).
 */
function fetchCause(err: unknown, timeoutMs: number): SafeCause {
  const e = err as { name?: unknown; cause?: unknown; code?: unknown } | null;
  if (e?.name === "TimeoutError") return { code: "ETIMEDOUT", message: `timeout of ${timeoutMs}ms exceeded` };
  if (e?.name === "AbortError")
    return { code: "ECONNRESET", message: "socket hang up (the client was closed)" };
  const inner = (e?.cause ?? e) as { code?: unknown; message?: unknown } | null;
  const code = typeof inner?.code === "string" ? inner.code : undefined;
  if (code !== undefined && UNDICI_CODES[code]) return UNDICI_CODES[code];
  if (code !== undefined)
    return { code, message: scrubMessage(typeof inner?.message === "string" ? inner.message : code) };
  return toSafeCause(err);
}

/**
 * A candidate for the client's HTTP, measured by bench/transport.ts against NodeHttpTransport (the client's) and
 * AxiosTransport, and not used by the program: Node's own fetch (undici, built into Node) has nothing to import, but
 * on Node 20 it cost more CPU per request and far more RSS than either (issue 15's figures; see the README). Kept here, behind the same Transport
 * interface, so the comparison can be run again on a newer Node. Keep-alive is undici's default; the limiter bounds the requests in flight, so the
 * connections per origin follow from it. No body is ever sent: every parameter is in the signed query string (MEXC
 * signs query + body, docs "Signed"), and the headers go out as given: a Content-Type we set is kept as it is
 * (fetch only adds one for a body, and there is none).
 */
export class FetchTransport implements Transport {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  /** What is in flight, for close() to abort as destroying axios's agents did. */
  private readonly inFlight = new Set<AbortController>();

  constructor(opts: FetchTransportOptions) {
    this.clock = opts.clock;
    this.timeoutMs = opts.timeoutMs;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const sentAt = this.clock.now();
    const t0 = performance.now();
    // One controller per request: the timeout covers the whole exchange, body included, like axios's `timeout`, and
    // its timer is cleared at the answer (AbortSignal.timeout would keep one timer per request to its deadline).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException("timeout", "TimeoutError")), this.timeoutMs);
    this.inFlight.add(abort);
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        // A redirect is an answer to classify (axios had maxRedirects: 0); a signed request must not be re-sent.
        redirect: "manual",
        signal: abort.signal,
      });
      const body = await res.text();
      const headers: Record<string, string> = {};
      // Headers iterates lower-case names, repeated ones joined with ", " (as AxiosTransport joined arrays).
      for (const [k, v] of res.headers) headers[k] = v;
      return {
        status: res.status,
        headers,
        body,
        sentAt,
        receivedAt: this.clock.now(),
        httpMs: performance.now() - t0,
      };
    } catch (err) {
      const safe = fetchCause(err, this.timeoutMs);
      throw new TransportFailure(safe, !NEVER_SENT.has(safe.code ?? ""), performance.now() - t0);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(abort);
    }
  }

  /** Ends what is in flight (a reset); the transport stays usable, as axios's agents were after destroy(). */
  close(): void {
    for (const a of this.inFlight) a.abort();
    this.inFlight.clear();
  }
}
