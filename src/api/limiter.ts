import { AbortError, type Clock } from "../clock.js";
import {
  type AdaptiveLimit,
  Bucket,
  type BucketLimit,
  type BucketState,
  type CeilingChange,
} from "./limiter-bucket.js";
import type { Charge } from "./weights.js";

export type { AdaptiveLimit, BucketLimit, BucketState, CeilingChange };

/** What a restarted process must honour (limiter-file.ts writes it): the shared pause and each pool's live weight. */
export interface LimiterState {
  readonly pauseUntil: number;
  readonly buckets: Readonly<Record<string, BucketState>>;
}

/*
 * Why a sliding-window weight limiter of our own, and not bottleneck:
 *
 * MEXC allows each endpoint 500 weight per 10 s, and it judges any 10 s span, not fixed 10 s slots. bottleneck's
 * reservoir is a fixed window: it refills to the full amount every period, so a burst at the end of one period plus
 * a burst at the start of the next passes up to 2x the budget within 10 s (measured here: 82 weight in one sliding
 * 1 s window with a reservoir of 50/s). It also counts requests, not weights per endpoint, and a job heavier than the
 * refill amount waits forever without a word.
 *
 * This limiter keeps, per bucket (a pool MEXC may count against: each endpoint per IP and per account, the global
 * request rate, the order rate, the account rate; see rate-limits.ts), the weight of every request still "live",
 * and grants a request only when, in every bucket it charges, the live weight plus its own stays within the
 * bucket's ceiling (budget − margin). A request is live from the moment it is granted until one full window after its answer
 * (or its failure) arrived. That makes the guarantee hold whatever the network latency: MEXC counted the request at
 * some instant between our send and our receipt, so it leaves MEXC's window no later than it leaves ours, and any
 * set of requests MEXC sees inside one 10 s span were all live here together when the last of them was granted.
 * The margin is then only for what we cannot see (another program on the same IP or key). Time is read from, and
 * waits are made on, the injected Clock, so a VirtualClock drives it in tests and replays.
 *
 * Waiting requests are served by priority (orders before account reads before market data), then in arrival order.
 * A request blocked on a bucket holds its place in that bucket (nothing later may overtake it there, so heavy
 * requests are not starved by light ones) but never blocks requests for other buckets. A bucket may keep a reserve
 * that later priorities leave to earlier ones (market data leaves room in the global rate for orders).
 *
 * Adaptive ceilings: the readings of MEXC's limits disagree, so a 429 is taken as proof that ours was too generous.
 * `Permit.rateLimited()` cuts the ceiling of every bucket that request charged (a burst of 429s to requests sent
 * together cuts once), never below a floor; the ceiling then climbs back one step per whole window without a 429.
 * A request heavier than a lowered ceiling waits for the climb (finite); one heavier than the configured ceiling is
 * refused at once with a RangeError naming the pool. The shared pause for Retry-After is separate (`pauseUntil`).
 */

export interface LimiterOptions {
  readonly clock: Clock;
  /** The limit of a bucket, asked once per bucket name. */
  readonly limitFor: (bucket: string) => BucketLimit;
  /** Requests in flight at once, across all buckets; beyond it requests queue by priority. */
  readonly maxInFlight?: number;
  /** Told once per change of a pool's ceiling (for the log). */
  readonly onCeilingChange?: (change: CeilingChange) => void;
  /** Told when the state worth keeping across a restart changed: an answer counted, a pause, a cut. */
  readonly onStateChange?: () => void;
}

export interface Permit {
  /** Marks the request as answered (or failed); its weight then stays counted for one more window. Idempotent. */
  release(): void;
  /**
   * The exchange answered 429: lowers the ceiling of every pool this request charged, unless that pool was already
   * lowered after this request was granted (a burst of 429s to requests sent together cuts once, not once each).
   * May be called before or after release.
   */
  rateLimited(): void;
}

/** Why the limiter's own sleep is cut short: a release or a new request may let a waiter through sooner. */
const WOKEN = new AbortError("the limiter was woken");

interface Waiter {
  readonly charges: readonly Charge[];
  readonly priority: number;
  readonly seq: number;
  readonly resolve: (p: Permit) => void;
  readonly reject: (e: unknown) => void;
  readonly cleanup: () => void;
}

export class WeightLimiter {
  private readonly clock: Clock;
  private readonly limitFor: (bucket: string) => BucketLimit;
  private readonly maxInFlight: number;
  private readonly onCeilingChange: ((c: CeilingChange) => void) | undefined;
  private readonly changed: () => void;
  private readonly buckets = new Map<string, Bucket>();
  private readonly pools = new WeakMap<readonly Charge[], Bucket[]>();
  private waiters: Waiter[] = [];
  private seq = 0;
  private inFlight = 0;
  private pauseEnd = 0;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(opts: LimiterOptions) {
    this.clock = opts.clock;
    this.limitFor = opts.limitFor;
    this.maxInFlight = opts.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.onCeilingChange = opts.onCeilingChange;
    this.changed = opts.onStateChange ?? (() => {});
  }

  /** Waits until every charge fits its bucket (and no pause is on), then counts them. */
  acquire(charges: readonly Charge[], priority = 0, signal?: AbortSignal): Promise<Permit> {
    const refused = this.neverFits(charges, priority);
    if (refused) return Promise.reject(refused);
    if (!signal?.aborted) {
      const permit = this.grantNow(charges, priority);
      if (permit) return Promise.resolve(permit);
    }
    return new Promise<Permit>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        charges,
        priority,
        seq: this.seq++,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      // Sorted insert: by priority, then arrival.
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1]!.priority > priority) i--;
      this.waiters.splice(i, 0, waiter);
      this.kick();
    });
  }

  /**
   * The permit at once when nothing waits, no pause is on and every charge fits now: what the queue would grant a
   * lone waiter, without one. Nearly every request away from the limit comes this way, so it is kept to a few
   * comparisons (cold code costs per bytecode); `undefined` means queue (acquire does).
   */
  tryAcquire(charges: readonly Charge[], priority = 0): Permit | undefined {
    return this.neverFits(charges, priority) ? undefined : this.grantNow(charges, priority);
  }

  private grantNow(charges: readonly Charge[], priority: number): Permit | undefined {
    if (this.waiters.length > 0 || this.inFlight >= this.maxInFlight) return undefined;
    const now = this.clock.now();
    if (now < this.pauseEnd) return undefined;
    const pools = this.poolsOf(charges);
    for (let i = 0; i < pools.length; i++) {
      if (pools[i]!.waitFor(charges[i]!.weight, now, priority) > 0) return undefined;
    }
    return this.grant(charges);
  }

  /** A charge heavier than its pool's configured ceiling: it would wait forever, so it is refused at once. */
  private neverFits(charges: readonly Charge[], priority: number): RangeError | undefined {
    const pools = this.poolsOf(charges);
    for (let i = 0; i < pools.length; i++) {
      const b = pools[i]!;
      const c = charges[i]!;
      // Against the configured ceiling: a lowered one climbs back in finite time, so waiting for it is fine.
      if (c.weight > b.maxFor(priority)) {
        const { budget, margin, windowMs } = b.limit;
        return new RangeError(
          `weight ${c.weight} can never fit pool ${c.bucket}: its ceiling is ${b.maxFor(priority)} per ${windowMs} ms ` +
            `(budget ${budget} − margin ${margin}); raise that pool's limit in src/config.ts (rateLimits)`,
        );
      }
    }
    return undefined;
  }

  /** Holds every grant until `untilMs` (client clock): one shared pause after a 429, whoever received it. */
  pauseUntil(untilMs: number): void {
    if (untilMs > this.pauseEnd) {
      this.pauseEnd = untilMs;
      this.changed();
    }
    this.kick();
  }

  /** The pause and every pool's live weight, for the next process (limiter-file.ts). */
  state(grainMs = 100): LimiterState {
    const now = this.clock.now();
    const buckets: Record<string, BucketState> = {};
    for (const [name, b] of this.buckets) {
      const s = b.state(now, grainMs);
      if (s.spent.length > 0 || s.cut) buckets[name] = s;
    }
    return { pauseUntil: this.pauseEnd > now ? this.pauseEnd : 0, buckets };
  }

  /** Counts what a previous process spent and honours the pause it was given; call before the first request. */
  restore(state: LimiterState): void {
    const now = this.clock.now();
    for (const [name, s] of Object.entries(state.buckets)) this.bucket(name).adopt(s, now);
    if (state.pauseUntil > this.pauseEnd) this.pauseEnd = state.pauseUntil;
    this.kick();
  }

  get pausedUntil(): number {
    return this.pauseEnd;
  }

  /** The ceiling a bucket grants up to now: its configured one, or lower for a while after a 429. */
  ceiling(bucket: string): number {
    return this.bucket(bucket).cap(this.clock.now());
  }

  /** Weight currently counted against a bucket (in flight + answered within the last window). */
  usage(bucket: string): number {
    return this.bucket(bucket).used(this.clock.now());
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** The buckets of a list of charges, in its order; remembered per list (the runner passes one list per endpoint). */
  private poolsOf(charges: readonly Charge[]): Bucket[] {
    let pools = this.pools.get(charges);
    if (!pools) {
      pools = charges.map((c) => this.bucket(c.bucket));
      this.pools.set(charges, pools);
    }
    return pools;
  }

  private bucket(name: string): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = new Bucket(name, this.limitFor(name), this.onCeilingChange);
      this.buckets.set(name, b);
    }
    return b;
  }

  private kick(): void {
    const w = this.wake;
    if (w) {
      this.wake = undefined;
      w();
    } else if (!this.running && this.waiters.length > 0) {
      void this.run();
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    // A controller whose sleep ran out was never aborted and its listener is gone: the next sleep may use it.
    let ac: AbortController | undefined;
    try {
      while (this.waiters.length > 0) {
        const waitMs = this.grantWhatFits();
        if (this.waiters.length === 0) break;
        const woken = new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        // The sleep is aborted only when woken first (its timer must not linger), and with a reason made once: an
        // abort without one creates a DOMException, stack and all, each time.
        let slept = false;
        const timed = Number.isFinite(waitMs);
        if (timed) ac ??= new AbortController();
        const racers: Promise<void>[] = [woken];
        if (timed && ac) {
          const sleep = this.clock.sleep(waitMs, ac.signal).then(
            () => {
              slept = true;
            },
            () => undefined,
          );
          racers.push(sleep);
        }
        await Promise.race(racers);
        this.wake = undefined;
        if (timed && ac && !slept) {
          ac.abort(WOKEN);
          ac = undefined;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Grants every waiter that fits; returns how long until the next one might (Infinity: until a release). */
  private grantWhatFits(): number {
    const now = this.clock.now();
    if (now < this.pauseEnd) return this.pauseEnd - now;
    let next = Number.POSITIVE_INFINITY;
    const held = new Set<string>();
    for (const w of [...this.waiters]) {
      if (this.inFlight >= this.maxInFlight) break;
      if (w.charges.some((c) => held.has(c.bucket))) continue;
      let wait = 0;
      const short = new Set<string>();
      for (const c of w.charges) {
        const ms = this.bucket(c.bucket).waitFor(c.weight, now, w.priority);
        if (ms > 0) short.add(c.bucket);
        wait = Math.max(wait, ms);
      }
      if (wait > 0) {
        // It keeps its place in its buckets, except in a bucket every request shares with the same weight (the
        // global rate) where it has room: there holding would stop all other traffic, and no one can starve it.
        for (const c of w.charges) {
          if (short.has(c.bucket) || !this.bucket(c.bucket).limit.sharedByAll) held.add(c.bucket);
        }
        next = Math.min(next, wait);
        continue;
      }
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.cleanup();
      w.resolve(this.grant(w.charges));
    }
    return next;
  }

  private grant(charges: readonly Charge[]): Permit {
    this.inFlight++;
    const pools = this.poolsOf(charges);
    for (let i = 0; i < pools.length; i++) pools[i]!.inFlight += charges[i]!.weight;
    return new Grant(this, charges, pools);
  }

  /** A permit's release (Grant calls it, once): its weight stays counted one more window; the queue may move. */
  settle(charges: readonly Charge[], pools: readonly Bucket[]): void {
    this.inFlight--;
    const now = this.clock.now();
    for (let i = 0; i < pools.length; i++) pools[i]!.finish(charges[i]!.weight, now);
    this.changed();
    this.kick();
  }

  /** A permit's 429 (Grant calls it): cuts each pool not cut since the grant (`epochs` as they were then). */
  cutAfter429(pools: readonly Bucket[], epochs: readonly number[]): void {
    const now = this.clock.now();
    for (let i = 0; i < pools.length; i++) {
      const b = pools[i]!;
      // A pool charged twice by one request is cut once: the first cut moves its epoch on.
      if (b.epoch === epochs[i]) b.lower(now);
    }
    this.changed();
  }
}

/**
 * The permit of one granted request: an object of a class, not a pair of closures, since every request makes one
 * (its pools and their epochs at grant, for `rateLimited`).
 */
class Grant implements Permit {
  private released = false;
  private readonly epochs: number[];

  constructor(
    private readonly limiter: WeightLimiter,
    private readonly charges: readonly Charge[],
    private readonly pools: readonly Bucket[],
  ) {
    this.epochs = new Array<number>(pools.length);
    for (let i = 0; i < pools.length; i++) this.epochs[i] = pools[i]!.epoch;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.limiter.settle(this.charges, this.pools);
  }

  rateLimited(): void {
    this.limiter.cutAfter429(this.pools, this.epochs);
  }
}
