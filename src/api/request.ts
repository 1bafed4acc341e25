import type { z } from "zod";
import type { Clock } from "../clock.js";
import type { Alerts, Logger } from "./alerts.js";
import { type EndpointFacts, endpointFacts } from "./endpoint-facts.js";
import {
  badResponse,
  classifyHttp,
  classifyNetwork,
  looksLikeErrorOnly,
  type MexcErrorBody,
  readMexcError,
  retryAfterMs,
} from "./error-map.js";
import { ApiError, type ApiErrorInit } from "./errors.js";
import type { Permit, WeightLimiter } from "./limiter.js";
import { buildQuery, type QueryParams, signedTail } from "./query.js";
import { describeIssues, parseJson, serverTimeSchema } from "./schemas.js";
import { sign } from "./signing.js";
import { TimeSync } from "./time-sync.js";
import { type HttpResponse, scrubMessage, type Transport, TransportFailure } from "./transport.js";
import { ENDPOINTS, type EndpointSpec, endpointKey } from "./weights.js";

export interface RetryOptions {
  /** Retries after the first attempt, for idempotent requests only. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export interface RequestRunnerOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly apiSecret: string | undefined;
  readonly clock: Clock;
  readonly transport: Transport;
  readonly limiter: WeightLimiter;
  readonly recvWindow: number;
  readonly timeSyncRefreshMs: number;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  readonly alerts: Alerts;
}

/** Pause after a 429 without Retry-After: one whole window of MEXC's limit. */
const DEFAULT_PAUSE_MS = 10_000;
/** Ban assumed after a 418 without Retry-After: MEXC's shortest ban. */
const DEFAULT_BAN_MS = 120_000;

export interface Call<T> {
  readonly spec: EndpointSpec;
  readonly params?: QueryParams;
  readonly schema: z.ZodType<T>;
  /**
   * A reader of a 2xx body in the exact form the exchange writes it, giving the same value as `schema` would, or
   * `undefined` for anything else, which then goes through parseJson and `schema` as usual (klines-scan.ts).
   */
  readonly fastParse?: (text: string) => T | undefined;
  /** Ticker endpoints called without a symbol weigh more. */
  readonly allSymbols?: boolean;
  /** Carried into every error of an order call, so an unknown outcome can be looked up. */
  readonly clientOrderId?: string;
  /** Called after every wait, right before sending: it throws to withhold the request; that throw passes through. */
  readonly beforeSend?: () => void;
}

/** Where an attempt leaves the answer it read. */
interface Seen {
  res?: HttpResponse;
}

export interface ClientMetrics {
  /** HTTP requests sent (attempts, including retries and resends). */
  requests: number;
  retries: number;
  /** Time inside the HTTP round trip (transport). */
  httpMs: number;
  /** Time waiting for the limiter, a shared pause, or a time sync. */
  waitMs: number;
  /** Everything else: building, signing, parsing, validating, bookkeeping. */
  overheadMs: number;
  count429: number;
  count418: number;
}

/**
 * One request from start to domain value: ban check, time sync, limiter, signing, sending, interpreting the
 * answer, and retries for idempotent requests. The one place that knows which failures are safe to repeat.
 */
export class RequestRunner {
  readonly timeSync: TimeSync;
  readonly metrics: ClientMetrics = {
    requests: 0,
    retries: 0,
    httpMs: 0,
    waitMs: 0,
    overheadMs: 0,
    count429: 0,
    count418: 0,
  };
  private bannedUntil = 0;
  private readonly baseUrl: string;
  // #private as the key: a signed endpoint's headers carry it.
  readonly #endpoints = new WeakMap<EndpointSpec, EndpointFacts>();
  private readonly o: Omit<RequestRunnerOptions, "apiKey" | "apiSecret">;
  // #private: invisible to util.inspect, JSON.stringify and a logger handed the client by mistake.
  readonly #apiKey: string | undefined;
  readonly #apiSecret: string | undefined;

  constructor(opts: RequestRunnerOptions) {
    const { apiKey, apiSecret, ...o } = opts;
    this.o = o;
    this.#apiKey = apiKey;
    this.#apiSecret = apiSecret;
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    this.timeSync = new TimeSync({
      clock: o.clock,
      refreshMs: o.timeSyncRefreshMs,
      fetchServerTime: async () => {
        const seen: Seen = {};
        const value = await this.run({ spec: ENDPOINTS.time, schema: serverTimeSchema }, seen);
        const res = seen.res!;
        return { serverTime: value.serverTime, sentAt: res.sentAt, receivedAt: res.receivedAt };
      },
      onStaleRefreshFailure: (err) =>
        o.logger.warn(
          { err: err instanceof ApiError ? err.toJSON() : String(err) },
          "MEXC time resync failed",
        ),
    });
  }

  /** While a 418 ban lasts: when it ends (client clock); otherwise 0. */
  get banEndsAt(): number {
    return this.bannedUntil > this.o.clock.now() ? this.bannedUntil : 0;
  }

  call<T>(c: Call<T>): Promise<T> {
    return this.run(c, undefined);
  }

  /**
   * Idempotent calls are retried on transient failures with exponential backoff and jitter (half fixed, half
   * random), waited on the injected clock. A loop of our own rather than p-retry: the answer that needs no retry
   * (nearly all of them) then costs one try block, not a retry operation with its options and abort wiring.
   */
  private async run<T>(c: Call<T>, seen: Seen | undefined): Promise<T> {
    if (!c.spec.idempotent) return this.attempt(c, false, seen);
    const { retries, minTimeoutMs, maxTimeoutMs } = this.o.retry;
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        return await this.attempt(c, false, seen);
      } catch (error) {
        if (!(error instanceof ApiError && error.transient) || attemptNumber > retries) throw error;
        this.o.logger.warn(
          {
            endpoint: error.endpoint,
            kind: error.kind,
            code: error.code,
            status: error.status,
            attemptNumber,
          },
          "MEXC request failed; retrying",
        );
      }
      this.metrics.retries++;
      const ceiling = Math.min(maxTimeoutMs, minTimeoutMs * 2 ** (attemptNumber - 1));
      await this.o.clock.sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }

  /** One try; the answer that was read lands in `seen` (the time sync wants its send and receipt times). */
  private async attempt<T>(c: Call<T>, resent: boolean, seen: Seen | undefined): Promise<T> {
    const facts = this.facts(c.spec);
    const endpoint = facts.key;
    const t0 = performance.now();
    let waited = 0;
    this.failIfBanned(c);
    if (c.spec.signed) {
      if (!this.#apiKey || !this.#apiSecret) {
        throw this.error({
          kind: "auth",
          endpoint,
          detail: "no API key or secret configured",
          help: "Set the MEXC API key and secret in the environment to use account endpoints.",
        });
      }
      const w0 = performance.now();
      await this.timeSync.ensureFresh();
      waited += performance.now() - w0;
    }
    const w1 = performance.now();
    const charges = c.allSymbols === true ? facts.chargesAll : facts.charges;
    // Granted on the spot when there is room (nearly always away from the limit): no promise to wait on.
    const permit =
      this.o.limiter.tryAcquire(charges, c.spec.priority) ??
      (await this.o.limiter.acquire(charges, c.spec.priority));
    waited += performance.now() - w1;
    let res: HttpResponse;
    try {
      this.failIfBanned(c);
      c.beforeSend?.();
      this.metrics.requests++;
      res = await this.o.transport.send({ method: c.spec.method, url: this.url(c), headers: facts.headers });
    } catch (err) {
      if (!(err instanceof TransportFailure)) throw err;
      this.account(t0, waited, err.httpMs);
      const cause = { ...err.safe, message: this.scrub(err.safe.message) };
      this.o.logger.warn({ endpoint, cause, reachedServer: err.mayHaveReachedServer }, "MEXC no answer");
      throw this.error(
        classifyNetwork({
          endpoint,
          cause,
          mayHaveReachedServer: err.mayHaveReachedServer,
          mayHavePlacedOrder: c.spec.placesOrder === true,
          ...(c.clientOrderId !== undefined ? { clientOrderId: c.clientOrderId } : {}),
        }),
      );
    } finally {
      permit.release();
    }
    let value: T;
    try {
      value = this.interpret(c, res, permit, endpoint);
    } catch (err) {
      this.account(t0, waited, res.httpMs);
      if (err instanceof ApiError && err.kind === "clock" && err.code === 700003 && !resent) {
        // Rejected before processing (timestamp outside recvWindow): resync and resend once. Safe for orders too.
        this.o.logger.warn(
          { endpoint, offsetMs: this.timeSync.offsetMs },
          "MEXC 700003: resyncing clock, resending",
        );
        await this.timeSync.resync();
        return this.attempt(c, true, seen);
      }
      throw err;
    }
    this.account(t0, waited, res.httpMs);
    if (seen) seen.res = res;
    return value;
  }

  private facts(spec: EndpointSpec): EndpointFacts {
    let f = this.#endpoints.get(spec);
    if (!f) {
      f = endpointFacts(spec, this.#apiKey);
      this.#endpoints.set(spec, f);
    }
    return f;
  }

  private account(t0: number, waited: number, httpMs: number): void {
    this.metrics.waitMs += waited;
    this.metrics.httpMs += httpMs;
    this.metrics.overheadMs += Math.max(0, performance.now() - t0 - waited - httpMs);
  }

  /** The query is built once, signed as built, and sent as built: no serializer may touch it afterwards. */
  private url(c: Call<unknown>): string {
    let query = c.params ? buildQuery(c.params) : "";
    if (c.spec.signed) {
      // As buildQuery would write the caller's pairs with these two appended, without copying the pairs per request.
      query += `${query ? "&" : ""}${signedTail(this.o.recvWindow, this.timeSync.serverNow())}`;
      query += `&signature=${sign(this.#apiSecret!, query)}`;
    }
    return `${this.baseUrl}${c.spec.path}${query ? `?${query}` : ""}`;
  }

  private interpret<T>(c: Call<T>, res: HttpResponse, permit: Permit, endpoint: string): T {
    this.o.logger.debug({ endpoint, status: res.status, httpMs: Math.round(res.httpMs) }, "MEXC answer");
    const isOk = res.status >= 200 && res.status < 300;
    if (isOk && c.fastParse) {
      const fast = c.fastParse(res.body);
      if (fast !== undefined) return fast;
    }
    let body: unknown;
    let jsonError: string | undefined;
    try {
      body = parseJson(res.body);
    } catch {
      jsonError = `the body is not JSON (${res.body.length} bytes)`;
    }
    const mexcError = readMexcError(body);
    if (isOk && jsonError === undefined && !(mexcError && looksLikeErrorOnly(body))) {
      const parsed = c.schema.safeParse(body);
      if (parsed.success) return parsed.data;
      throw this.badAnswer(c, describeIssues(parsed.error), res.status);
    }
    if (isOk && jsonError !== undefined) throw this.badAnswer(c, jsonError, res.status);
    return this.failure(c, res, mexcError, permit);
  }

  /** A 2xx we cannot read. For an order it may still have been placed: that is an unknown outcome, not an error. */
  private badAnswer(c: Call<unknown>, detail: string, status: number): ApiError {
    const endpoint = endpointKey(c.spec);
    this.o.logger.error(
      { endpoint, status, detail: this.scrub(detail) },
      "MEXC answer did not match the schema",
    );
    if (c.spec.placesOrder) {
      return this.error({
        kind: "unknown-outcome",
        endpoint,
        status,
        detail: `accepted with an unreadable answer (${detail})`,
        help: `The order was probably placed: do NOT resend it; look it up by clientOrderId ${c.clientOrderId}.`,
        ...(c.clientOrderId !== undefined ? { clientOrderId: c.clientOrderId } : {}),
      });
    }
    return this.error(badResponse(endpoint, detail, status));
  }

  private failure(
    c: Call<unknown>,
    res: HttpResponse,
    mexcError: MexcErrorBody | undefined,
    permit: Permit,
  ): never {
    const endpoint = endpointKey(c.spec);
    const now = this.o.clock.now();
    let untilMs: number | undefined;
    if (res.status === 429) {
      this.metrics.count429++;
      // Our idea of the limit was too generous: the pools this request charged grant less for a while.
      permit.rateLimited();
      untilMs = now + (retryAfterMs(res.headers["retry-after"], now) ?? DEFAULT_PAUSE_MS);
      const alreadyPaused = this.o.limiter.pausedUntil > now;
      this.o.limiter.pauseUntil(untilMs);
      if (!alreadyPaused) {
        const message = `MEXC rate limit hit on ${endpoint}: every call paused until ${new Date(untilMs).toISOString()}`;
        this.o.logger.warn({ endpoint, untilMs }, message);
        this.o.alerts.emit({ kind: "rate-limited", untilMs, message });
      }
    } else if (res.status === 418) {
      this.metrics.count418++;
      untilMs = now + (retryAfterMs(res.headers["retry-after"], now) ?? DEFAULT_BAN_MS);
      const isNew = this.bannedUntil <= now;
      this.bannedUntil = Math.max(this.bannedUntil, untilMs);
      if (isNew) {
        const message = `MEXC banned this IP until ${new Date(this.bannedUntil).toISOString()}: all calls stopped`;
        this.o.logger.error({ endpoint, untilMs: this.bannedUntil }, message);
        this.o.alerts.emit({ kind: "banned", untilMs: this.bannedUntil, message });
      }
    }
    const init = classifyHttp({
      endpoint,
      status: res.status,
      ...(mexcError?.code !== undefined ? { code: mexcError.code } : {}),
      ...(mexcError?.msg !== undefined ? { msg: mexcError.msg } : {}),
      mayHavePlacedOrder: c.spec.placesOrder === true,
      ...(c.clientOrderId !== undefined ? { clientOrderId: c.clientOrderId } : {}),
      ...(untilMs !== undefined ? { untilMs } : {}),
    });
    const err = this.error(init);
    const log = { endpoint, kind: err.kind, code: err.code, status: err.status };
    if (err.kind === "auth" || err.kind === "client-bug") {
      // A person must act: a key to fix, or a bug to report (700013 refuses every order until it is fixed).
      this.o.logger.error(log, err.message);
      this.o.alerts.emit({ kind: err.kind, message: err.message });
    } else if (err.kind !== "rate-limited" && err.kind !== "banned") {
      this.o.logger.info(log, "MEXC refused the request");
    }
    throw err;
  }

  private failIfBanned(c: Call<unknown>): void {
    if (this.bannedUntil === 0) return; // never banned: no clock to read
    const until = this.banEndsAt;
    if (until === 0) return;
    throw this.error({
      ...classifyHttp({
        endpoint: endpointKey(c.spec),
        status: 418,
        msg: "not sent: this IP is banned",
        mayHavePlacedOrder: false,
        untilMs: until,
        ...(c.clientOrderId !== undefined ? { clientOrderId: c.clientOrderId } : {}),
      }),
      status: undefined,
    });
  }

  /** Every ApiError passes here: text that came from outside is scrubbed of anything secret. */
  private error(init: ApiErrorInit): ApiError {
    return new ApiError({
      ...init,
      detail: this.scrub(init.detail),
      ...(init.cause ? { cause: { ...init.cause, message: this.scrub(init.cause.message) } } : {}),
    });
  }

  /** Outside text (a server message, a library error) without URLs, signatures, or our key and secret. */
  private scrub(text: string): string {
    let out = scrubMessage(text);
    for (const secret of [this.#apiKey, this.#apiSecret]) {
      if (secret) out = out.split(secret).join("[redacted]");
    }
    return out;
  }
}
