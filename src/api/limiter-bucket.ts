/**
 * One pool of the weight limiter (limiter.ts explains the design): the weight still live in it, its ceiling, and
 * the ceiling's cut after a 429 and its climb back. Apart from the queue, so the limiter stays one thing a file.
 */

export interface BucketLimit {
  readonly budget: number;
  readonly windowMs: number;
  /** Headroom kept free: grants stop at budget − margin (the pool's configured ceiling). */
  readonly margin: number;
  /** How the ceiling reacts to a 429; without it the ceiling never moves. */
  readonly adaptive?: AdaptiveLimit;
  /**
   * Weight of the ceiling that requests of priority `fromPriority` or later leave to the earlier ones: in a pool
   * every request shares (the global request rate), a scan must not take the slot an order needs.
   */
  readonly reserve?: { readonly weight: number; readonly fromPriority: number };
  /**
   * Every request charges this bucket with weight 1 (the global request rate): a request waiting for another bucket
   * does not hold its place here, or one full endpoint pool would stop every other endpoint.
   */
  readonly sharedByAll?: boolean;
}

export interface AdaptiveLimit {
  /** After a 429 the ceiling becomes this percent of what it was (50: halved). */
  readonly cutPct: number;
  /** The ceiling never drops below this (weight per window); clamped to the configured ceiling. */
  readonly floor: number;
  /** Per whole window without a 429 the ceiling climbs back by this (weight), up to the configured ceiling. */
  readonly step: number;
}

/** A pool's ceiling moved: lowered after a 429, or back at its configured value. */
export interface CeilingChange {
  readonly bucket: string;
  readonly from: number;
  readonly to: number;
  readonly ceiling: number;
  readonly windowMs: number;
  readonly reason: "429" | "restored";
}

/** A pool as limiter.json keeps it: [expiresAt, weight] pairs (client clock, ms) and a lowered ceiling. */
export interface BucketState {
  readonly spent: readonly (readonly [number, number])[];
  readonly cut?: { readonly at: number; readonly value: number };
}

export interface Spent {
  readonly expiresAt: number;
  readonly weight: number;
}

export class Bucket {
  /** The configured ceiling: budget − margin. */
  readonly ceiling: number;
  inFlight = 0;
  /** Counts the cuts: a permit remembers it at grant, so only 429s to requests sent since the last cut cut again. */
  epoch = 0;
  private spent: Spent[] = [];
  private head = 0;
  private spentSum = 0;
  /** Set while the ceiling is lowered: the value it was cut to, and when. */
  private cut: { readonly at: number; readonly value: number } | undefined;

  constructor(
    readonly name: string,
    readonly limit: BucketLimit,
    private readonly onChange: ((c: CeilingChange) => void) | undefined,
  ) {
    this.ceiling = limit.budget - limit.margin;
  }

  used(now: number): number {
    while (this.head < this.spent.length && this.spent[this.head]!.expiresAt <= now) {
      this.spentSum -= this.spent[this.head]!.weight;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.spent.length) {
      this.spent = this.spent.slice(this.head);
      this.head = 0;
    }
    return this.inFlight + this.spentSum;
  }

  /** The ceiling in force at `now`: the configured one, or a lowered one climbing back a step per whole window. */
  cap(now: number): number {
    if (!this.cut) return this.ceiling;
    const windows = Math.floor(Math.max(0, now - this.cut.at) / this.limit.windowMs);
    const value = this.cut.value + windows * this.limit.adaptive!.step;
    if (value < this.ceiling) return value;
    const from = this.cut.value;
    this.cut = undefined;
    this.change(from, this.ceiling, "restored");
    return this.ceiling;
  }

  /** The ceiling for a request of `priority`: less the reserve if it is one that leaves room to others. */
  capFor(priority: number, now: number): number {
    return this.lessReserve(this.cap(now), priority);
  }

  /** The most a request of `priority` can ever be granted at once. */
  maxFor(priority: number): number {
    return this.lessReserve(this.ceiling, priority);
  }

  private lessReserve(cap: number, priority: number): number {
    const r = this.limit.reserve;
    return r && priority >= r.fromPriority ? Math.max(1, cap - r.weight) : cap;
  }

  /** After a 429: cut the ceiling (never below the floor) and start the slow climb back from now. */
  lower(now: number): void {
    const a = this.limit.adaptive;
    if (!a) return;
    this.epoch++;
    const from = this.cap(now);
    const floor = Math.min(Math.max(1, a.floor), this.ceiling);
    const to = Math.max(floor, Math.floor((from * a.cutPct) / 100));
    if (to >= this.ceiling) return; // a pool too small to cut (ceiling at its floor)
    this.cut = { at: now, value: to };
    if (to !== from) this.change(from, to, "429");
  }

  /** 0 if `weight` fits now; else ms until it might; Infinity if only answers still in flight can free room. */
  waitFor(weight: number, now: number, priority: number): number {
    const excess = this.used(now) + weight - this.capFor(priority, now);
    if (excess <= 0) return 0;
    // A lowered ceiling rises at the next whole window: that alone may make room.
    const climb = this.cut
      ? this.limit.windowMs - (Math.max(0, now - this.cut.at) % this.limit.windowMs)
      : Number.POSITIVE_INFINITY;
    if (this.spentSum < excess) return climb;
    let freed = 0;
    for (let i = this.head; i < this.spent.length; i++) {
      const s = this.spent[i]!;
      freed += s.weight;
      if (freed >= excess) return Math.min(climb, s.expiresAt - now);
    }
    return climb;
  }

  finish(weight: number, now: number): void {
    this.inFlight -= weight;
    // Keep the list ordered by expiry even if the clock stepped backwards.
    const last = this.spent[this.spent.length - 1];
    const expiresAt = Math.max(now + this.limit.windowMs, last ? last.expiresAt : 0);
    this.spent.push({ expiresAt, weight });
    this.spentSum += weight;
  }

  /**
   * What another process must count from this pool: every weight still live (one in flight as if answered now) with
   * its expiry rounded up to `grainMs` and merged, so a full pool writes a few dozen pairs, and a cut in force.
   */
  state(now: number, grainMs: number): BucketState {
    this.used(now);
    const merged = new Map<number, number>();
    const add = (expiresAt: number, weight: number) => {
      const at = Math.ceil(expiresAt / grainMs) * grainMs;
      merged.set(at, (merged.get(at) ?? 0) + weight);
    };
    for (let i = this.head; i < this.spent.length; i++) add(this.spent[i]!.expiresAt, this.spent[i]!.weight);
    if (this.inFlight > 0) add(now + this.limit.windowMs, this.inFlight);
    const cut = this.cut && this.cap(now) < this.ceiling ? { cut: { ...this.cut } } : {};
    return { spent: [...merged].sort((a, b) => a[0] - b[0]), ...cut };
  }

  /**
   * Counts what a previous process spent (limiter.json). Expiries are kept within one window of now and a cut within
   * [1, ceiling], so a file from a skewed clock or a bigger configured pool holds nothing longer than a window.
   */
  adopt(state: BucketState, now: number): void {
    const cap = now + this.limit.windowMs;
    const live = state.spent
      .filter(([at, w]) => at > now && w > 0)
      .map(([at, w]): Spent => ({ expiresAt: Math.min(at, cap), weight: w }));
    this.spent = [...this.spent.slice(this.head), ...live].sort((a, b) => a.expiresAt - b.expiresAt);
    this.head = 0;
    this.spentSum = this.spent.reduce((sum, x) => sum + x.weight, 0);
    if (state.cut && this.limit.adaptive && state.cut.value < this.ceiling) {
      this.cut = { at: Math.min(state.cut.at, now), value: Math.max(1, state.cut.value) };
      this.epoch++;
    }
  }

  private change(from: number, to: number, reason: CeilingChange["reason"]): void {
    this.onChange?.({
      bucket: this.name,
      from,
      to,
      ceiling: this.ceiling,
      windowMs: this.limit.windowMs,
      reason,
    });
  }
}
