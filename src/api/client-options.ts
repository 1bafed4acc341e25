import { type Clock, RealClock } from "../clock.js";
import { type Alerts, type Logger, silentLogger } from "./alerts.js";
import { WeightLimiter } from "./limiter.js";
import type { LimiterFile } from "./limiter-file.js";
import { NodeHttpTransport } from "./node-http-transport.js";
import { DEFAULT_RATE_LIMITS, logCeilingChange, poolLimits, type RateLimits } from "./rate-limits.js";
import { RequestRunner } from "./request.js";
import type { Transport } from "./transport.js";

/** A secret given as text or as an object that reveals it only on demand (e.g. the project's Secret). */
export type SecretLike = string | { reveal(): string };

export interface MexcClientOptions {
  /** "https://api.mexc.com", or the simulator's URL. */
  baseUrl: string;
  apiKey?: SecretLike | undefined;
  apiSecret?: SecretLike | undefined;
  clock?: Clock;
  /** Per HTTP request; default 10 s. */
  timeoutMs?: number;
  /** ms a signed request stays valid at MEXC; default 5000, at most 60000. */
  recvWindow?: number;
  logger?: Logger;
  /** Rate-limit pools (defaults and sources in rate-limits.ts: the strictest readings of MEXC's limits). */
  limits?: Partial<Omit<RateLimits, "endpointMargin">> & {
    /** Weight per window on every endpoint, public and signed alike: sets `ipBudget` and `uidBudget` together. */
    budget?: number;
    /** Headroom on the per-endpoint pools in weight (instead of `marginPct` there). */
    margin?: number;
    /** Requests in flight at once; beyond it, requests queue by priority. Default 32. */
    maxInFlight?: number;
  };
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number };
  /** Age after which the server-time offset is measured again before a signed call; default 5 min. */
  timeSyncMs?: number;
  /** Age after which symbol rules are loaded again; default 30 min. */
  rulesRefreshMs?: number;
  /** Check every new order against the symbol rules before sending (default true). */
  checkRules?: boolean;
  /** Replaces the HTTP transport (an in-process exchange for replays). */
  transport?: Transport;
  /**
   * `stpMode` sent with every new order: what MEXC does when it would match one of this account's own resting
   * orders. Default "cancel_taker" (the new order's remainder is cancelled, the resting order of another bot stays;
   * see trading/self-trade.ts for why). "" sends none (MEXC's default: no protection).
   */
  stpMode?: StpMode;
  /**
   * Where the limiter keeps what the next process must honour (the pause after a 429 or 418, the weight still
   * counted per pool); whoever makes it closes it at stop. Without it a start knows nothing of the previous one.
   */
  limiterFile?: LimiterFile;
}

/** Drops keys set to undefined, so they do not hide the defaults they were spread over. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
/**
 * The documented values (newer docs site, Spot Account/Trade → New Order, change log 2025-09-17 "Add STP"):
 * "" no restriction (the default), "cancel_maker", "cancel_taker", "cancel_both". MEXC's announcement of
 * 2025-09-11 writes them in capitals (CANCEL_TAKER …); the parameter table, which is the specification, does not.
 */
export type StpMode = "" | "cancel_maker" | "cancel_taker" | "cancel_both";

const reveal = (s: SecretLike | undefined): string | undefined =>
  s === undefined ? undefined : typeof s === "string" ? s : s.reveal();

/** What a client is built of, from its options with every default filled in. */
export interface ClientParts {
  clock: Clock;
  logger: Logger;
  transport: Transport;
  runner: RequestRunner;
  checkRules: boolean;
  stpMode: StpMode;
}

/** Fills in the defaults and builds the transport, limiter and request runner the client's endpoints share. */
export function clientParts(opts: MexcClientOptions, alerts: Alerts): ClientParts {
  const clock = opts.clock ?? new RealClock();
  const recvWindow = opts.recvWindow ?? 5000;
  if (!Number.isInteger(recvWindow) || recvWindow < 1 || recvWindow > 60_000) {
    throw new RangeError(`recvWindow must be an integer from 1 to 60000 ms, got ${recvWindow}`);
  }
  const { budget, margin, maxInFlight: inFlight, ...pools } = opts.limits ?? {};
  const limitFor = poolLimits({
    ...DEFAULT_RATE_LIMITS,
    ...(budget !== undefined ? { ipBudget: budget, uidBudget: budget } : {}),
    ...definedOnly(pools),
    ...(margin !== undefined ? { endpointMargin: margin } : {}),
  });
  const maxInFlight = inFlight ?? 32;
  const logger = opts.logger ?? silentLogger;
  const transport =
    opts.transport ??
    new NodeHttpTransport({ clock, timeoutMs: opts.timeoutMs ?? 10_000, maxSockets: maxInFlight });
  const runner = new RequestRunner({
    baseUrl: opts.baseUrl,
    apiKey: reveal(opts.apiKey),
    apiSecret: reveal(opts.apiSecret),
    clock,
    transport,
    limiter: persistedLimiter(opts.limiterFile, alerts, {
      clock,
      limitFor,
      maxInFlight,
      onCeilingChange: (c) => logCeilingChange(logger, c),
    }),
    recvWindow,
    timeSyncRefreshMs: opts.timeSyncMs ?? 5 * 60_000,
    retry: {
      retries: opts.retry?.retries ?? 3,
      minTimeoutMs: opts.retry?.minTimeoutMs ?? 250,
      maxTimeoutMs: opts.retry?.maxTimeoutMs ?? 5000,
    },
    logger,
    alerts,
  });
  return {
    clock,
    logger,
    transport,
    runner,
    checkRules: opts.checkRules ?? true,
    stpMode: opts.stpMode ?? "cancel_taker",
  };
}

/** The limiter, restored from and kept in `file` when one is given, before its first request. */
function persistedLimiter(
  file: LimiterFile | undefined,
  alerts: Alerts,
  opts: ConstructorParameters<typeof WeightLimiter>[0],
): WeightLimiter {
  if (!file) return new WeightLimiter(opts);
  const limiter = new WeightLimiter({ ...opts, onStateChange: () => file.touched() });
  file.attach(limiter);
  // The runner keeps a 418's deadline to itself and fails fast; the next process learns it from the file.
  alerts.on((a) => {
    if (a.kind === "banned" && a.untilMs !== undefined) file.noteBan(a.untilMs);
  });
  return limiter;
}
