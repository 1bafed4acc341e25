// axios as the client's transport, as it was until issue 15. The program now sends over node:http
// (src/api/node-http-transport.ts: half the CPU per request, 14 against 207 ms to load); this copy stays only so
// `npm run bench:transport` can keep measuring the three against each other. axios is a devDependency for it.
import http from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import type { AxiosInstance, AxiosStatic } from "axios";
import {
  type HttpRequest,
  type HttpResponse,
  NEVER_SENT,
  type Transport,
  TransportFailure,
  toSafeCause,
} from "../src/api/transport.js";
import type { Clock } from "../src/clock.js";

export interface AxiosTransportOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly maxSockets?: number;
}

/**
 * axios, loaded at the first request and from its one-file CommonJS build (the file its package.json maps `require`
 * to in Node): the same axios as its ES-module entry, which loads as ~60 modules and cost 440 ms CPU and 22 MiB at
 * start against 174 ms and 17 MiB (bench/transport.ts, issue 15). A client that never sends over HTTP (the
 * in-process transport of the soak, replays, `npm run pnl` in sim mode) does not load it at all.
 */
let axiosModule: AxiosStatic | undefined;
function loadAxios(): AxiosStatic {
  axiosModule ??= createRequire(import.meta.url)("axios") as AxiosStatic;
  return axiosModule;
}

export class AxiosTransport implements Transport {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private instance: AxiosInstance | undefined;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(opts: AxiosTransportOptions) {
    this.clock = opts.clock;
    this.timeoutMs = opts.timeoutMs;
    // Keep-alive: a scan of 2,000 symbols must not pay a TCP (and TLS) handshake per request.
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 32 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 32 });
  }

  private get axios(): AxiosInstance {
    this.instance ??= loadAxios().create({
      timeout: this.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // No body is ever sent, and none may be invented: MEXC signs query + body, so a serializer turning "nothing"
      // into `""` or `{}` would break the signature. The identity keeps axios's default transform (which picks a
      // content type from the data) out; the Content-Type we give is kept, since axios only fills a missing one.
      transformRequest: [(data: unknown) => data],
      // Every status is an answer to classify, not an exception carrying our headers.
      validateStatus: () => true,
      // Raw text: we parse and validate ourselves, so a malformed body becomes a precise "bad-response".
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    });
    return this.instance;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    // Outside the try: axios failing to load is no network failure.
    const ax = this.axios;
    const sentAt = this.clock.now();
    const t0 = performance.now();
    try {
      const res = await ax.request<string>({
        method: req.method,
        url: req.url,
        headers: req.headers,
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) {
        if (v !== undefined && v !== null)
          headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
      }
      return {
        status: res.status,
        headers,
        body: typeof res.data === "string" ? res.data : String(res.data ?? ""),
        sentAt,
        receivedAt: this.clock.now(),
        httpMs: performance.now() - t0,
      };
    } catch (err) {
      const safe = toSafeCause(err);
      throw new TransportFailure(safe, !NEVER_SENT.has(safe.code ?? ""), performance.now() - t0);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
