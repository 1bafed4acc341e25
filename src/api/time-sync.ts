import type { Clock } from "../clock.js";

/**
 * MEXC rejects a signed request whose timestamp is more than 1 s ahead of its clock or older than recvWindow
 * (700003). We keep an offset to the server's clock from GET /api/v3/time, taken at the midpoint of the request
 * (the server read its clock somewhere inside the round trip; the midpoint halves the worst error), refreshed
 * lazily before a signed request once it is older than `refreshMs`. No background timers: nothing to stop.
 */
export interface ServerTimeSample {
  readonly serverTime: number;
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface TimeSyncOptions {
  readonly clock: Clock;
  readonly refreshMs: number;
  /**
   * Asks the server for its time (unsigned GET /api/v3/time through the normal request path), with the client
   * clock read just before the request left and just after the answer came: queueing in the limiter must not
   * count as network time.
   */
  readonly fetchServerTime: () => Promise<ServerTimeSample>;
  /** Called when a refresh failed but an older offset is still used. */
  readonly onStaleRefreshFailure?: (err: unknown) => void;
}

export class TimeSync {
  private offset: number | undefined;
  private syncedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly opts: TimeSyncOptions) {}

  /** Server clock minus client clock, in ms; undefined before the first sync. */
  get offsetMs(): number | undefined {
    return this.offset;
  }

  /** Our best estimate of the server's clock now. */
  serverNow(): number {
    return Math.round(this.opts.clock.now() + (this.offset ?? 0));
  }

  /** Syncs if never synced or older than refreshMs. A failed refresh keeps the old offset (and reports it). */
  async ensureFresh(): Promise<void> {
    if (this.opts.clock.now() - this.syncedAt < this.opts.refreshMs) return;
    if (this.offset === undefined) return this.resync();
    try {
      await this.resync();
    } catch (err) {
      this.opts.onStaleRefreshFailure?.(err);
    }
  }

  /** Measures the offset now; concurrent callers share one request. */
  resync(): Promise<void> {
    this.inFlight ??= this.measure().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async measure(): Promise<void> {
    const { serverTime, sentAt, receivedAt } = await this.opts.fetchServerTime();
    this.offset = serverTime - (sentAt + receivedAt) / 2;
    this.syncedAt = receivedAt;
  }
}
