import { gauss, hash3, hash4, unit } from "./rng.js";
import type { MarketSpec } from "./universe.js";

/**
 * One synthetic price path per symbol, at minute resolution, computable anywhere in time without history:
 * - the log price at the start of each UTC day (a "checkpoint") is a sum of smoothed value-noise octaves, a
 *   pure function of (path key, day), so it wanders and reverts without a running sum from the beginning;
 * - inside a day, minutes follow a Brownian bridge between two checkpoints, its increments hashed from
 *   (path key, minute), so one day costs O(1440) and is cached as a block.
 * Regimes (pump, dip, trend) are overlays on top of the base path, so adding one never invalidates a block.
 * All of this is float arithmetic on purpose: it is a generator, quantised to Decimal at the wire and at the
 * book; no balance or fill is ever computed from these floats.
 */

export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;
/** Pre-aggregated span inside a day block: 15-minute candles (MEXC's most used interval) and all above it. */
const SPAN = 15;
const SPANS = DAY_MINUTES / SPAN;

export interface Regime {
  kind: "pump" | "dip" | "trend";
  startMs: number;
  durationMs: number;
  /** Relative price change over the regime, e.g. 0.3 for +30 %. */
  change: number;
  /** Extra volume during the regime, as a multiple added to 1. */
  volumeBoost: number;
}

/** OHLC of a span; `v` in base, `qv` in quote. */
export interface Candle {
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  qv: number;
}

interface Block {
  logs: Float64Array;
  spans: Float64Array | undefined;
  spansVersion: number;
  /** Used since the eviction hand last passed (second-chance eviction). */
  used: boolean;
}

const FIELDS = 6;

/** Bounded caches shared by every path of one simulator, so 2,000 symbols stay within a fixed memory budget. */
export class PathCache {
  readonly blocks = new Map<number, Block>();
  readonly days = new Map<number, { version: number; values: Float64Array }>();

  constructor(
    readonly maxBlocks = 4500,
    readonly maxDays = 200_000,
  ) {}

  getBlock(key: number): Block | undefined {
    const b = this.blocks.get(key);
    if (b) b.used = true;
    return b;
  }

  /** Second-chance eviction: cheaper than moving every hit to the back of the map, nearly as good as LRU. */
  putBlock(key: number, b: Block): void {
    this.blocks.set(key, b);
    while (this.blocks.size > this.maxBlocks) {
      const first = this.blocks.entries().next().value;
      if (first === undefined) break;
      const [k, v] = first;
      this.blocks.delete(k);
      if (v.used) {
        v.used = false;
        this.blocks.set(k, v);
      }
    }
  }

  putDay(key: number, version: number, values: Float64Array): void {
    this.days.set(key, { version, values });
    if (this.days.size > this.maxDays) {
      const oldest = this.days.keys().next().value;
      if (oldest !== undefined) this.days.delete(oldest);
    }
  }
}

export class PricePath {
  private readonly regimes: Regime[] = [];
  private version = 0;
  private readonly sigma: number;
  private readonly logP0: number;
  private readonly qvPerMinute: number;
  private readonly scratch: Candle = { o: 0, h: 0, l: 0, c: 0, v: 0, qv: 0 };
  /** The block used last: consecutive minutes almost always share a day. */
  private lastDay = Number.NaN;
  private lastBlock: Block | undefined;

  constructor(
    private readonly id: number,
    readonly spec: MarketSpec,
    private readonly cache: PathCache,
  ) {
    this.sigma = spec.dailyVol / Math.sqrt(DAY_MINUTES);
    this.logP0 = Math.log(spec.startPrice);
    this.qvPerMinute = spec.dailyQuoteVolume / DAY_MINUTES;
  }

  get listedMinute(): number {
    return this.spec.listedDay * DAY_MINUTES;
  }

  addRegime(r: Regime): void {
    this.regimes.push(r);
    this.version++;
  }

  /** Multiplicative regime overlay (in log) at an instant: each regime ramps linearly, then holds. */
  private overlay(ms: number): number {
    let x = 0;
    for (const r of this.regimes) {
      if (ms <= r.startMs) continue;
      const f = r.durationMs <= 0 ? 1 : Math.min(1, (ms - r.startMs) / r.durationMs);
      x += Math.log1p(r.change) * f;
    }
    return x;
  }

  private volumeFactor(ms: number): number {
    let f = 1;
    for (const r of this.regimes) if (ms >= r.startMs && ms < r.startMs + r.durationMs) f += r.volumeBoost;
    return f;
  }

  private checkpoint(day: number): number {
    const { levels, wander, dailyVol, pathKey } = this.spec;
    let x = this.logP0;
    for (let l = 0; l < levels; l++) {
      const span = 2 ** l;
      const j = Math.floor(day / span);
      const f = (day - j * span) / span;
      const s = f * f * (3 - 2 * f);
      const g0 = gauss(hash4(pathKey, l, j, 1), hash4(pathKey, l, j, 2));
      const g1 = gauss(hash4(pathKey, l, j + 1, 1), hash4(pathKey, l, j + 1, 2));
      x += wander * dailyVol * Math.sqrt(span) * (g0 + (g1 - g0) * s);
    }
    return x;
  }

  private block(day: number): Block {
    if (day === this.lastDay && this.lastBlock) return this.lastBlock;
    const key = this.id * 65536 + day;
    const hit = this.cache.getBlock(key);
    if (hit) {
      this.lastDay = day;
      this.lastBlock = hit;
      return hit;
    }
    const logs = new Float64Array(DAY_MINUTES + 1);
    const key0 = this.spec.pathKey;
    const first = day * DAY_MINUTES;
    let w = 0;
    for (let i = 1; i <= DAY_MINUTES; i++) {
      w += this.sigma * gauss(hash3(key0, first + i, 11), hash3(key0, first + i, 12));
      logs[i] = w;
    }
    const c0 = this.checkpoint(day);
    const c1 = this.checkpoint(day + 1);
    for (let i = 0; i <= DAY_MINUTES; i++) {
      const t = i / DAY_MINUTES;
      logs[i] = c0 + t * (c1 - c0) + (logs[i] as number) - t * w;
    }
    // Exactly the next block's first point, so a day's last candle closes where the next day opens.
    logs[DAY_MINUTES] = c1;
    const b: Block = { logs, spans: undefined, spansVersion: -1, used: false };
    this.cache.putBlock(key, b);
    this.lastDay = day;
    this.lastBlock = b;
    return b;
  }

  /** Log-price overlay of the regimes at an instant (0 when there are none: the common, fast case). */
  private ov(ms: number): number {
    return this.regimes.length === 0 ? 0 : this.overlay(ms);
  }

  private minuteInto(logs: Float64Array, m: number, frac: number, out: Candle): Candle {
    const i = m - Math.floor(m / DAY_MINUTES) * DAY_MINUTES;
    const l0 = logs[i] as number;
    const l1 = logs[i + 1] as number;
    const t0 = m * MINUTE_MS;
    // A whole minute closes exactly where the next one opens: same expression, same float.
    const lc = frac === 1 ? l1 : l0 + (l1 - l0) * frac;
    const o = Math.exp(l0 + this.ov(t0));
    const c = Math.exp(lc + this.ov(t0 + frac * MINUTE_MS));
    return this.candleInto(o, c, m, frac, out);
  }

  /** Wicks and volume of minute `m` around its open and close; the one formula every aggregate uses. */
  private candleInto(o: number, c: number, m: number, frac: number, out: Candle): Candle {
    const h = hash3(this.spec.pathKey, m, 21);
    const up = this.sigma * ((h & 0xffff) / 65536) * frac;
    const down = this.sigma * ((h >>> 16) / 65536) * frac;
    out.o = o;
    out.c = c;
    // exp(±w) to second order: w is a fraction of a minute's volatility, the error is below 1e-9.
    out.h = Math.max(o, c) * (1 + up + up * up * 0.5);
    out.l = Math.min(o, c) * (1 - down + down * down * 0.5);
    const t0 = m * MINUTE_MS;
    const boost = this.regimes.length === 0 ? 1 : this.volumeFactor(t0);
    const quote = this.qvPerMinute * (0.25 + 1.5 * unit(hash3(this.spec.pathKey, m, 31))) * boost;
    out.v = (quote / ((o + c) / 2)) * frac;
    out.qv = (out.v * (out.o + out.h + out.l + out.c)) / 4;
    return out;
  }

  /** The candle of one whole minute (a fresh object). */
  minute(m: number): Candle {
    const logs = this.block(Math.floor(m / DAY_MINUTES)).logs;
    return { ...this.minuteInto(logs, m, 1, this.scratch) };
  }

  /** Mid price at an instant: linear in log between the two minute points around it. */
  priceAt(ms: number): number {
    const m = Math.floor(ms / MINUTE_MS);
    const logs = this.block(Math.floor(m / DAY_MINUTES)).logs;
    return this.minuteInto(logs, m, (ms - m * MINUTE_MS) / MINUTE_MS, this.scratch).c;
  }

  private spanValues(day: number): Float64Array {
    const b = this.block(day);
    if (b.spans && b.spansVersion === this.version) return b.spans;
    const first = day * DAY_MINUTES;
    // Each minute point's price once (a day of minutes shares 1441 of them), then the candles around them.
    const prices = new Float64Array(DAY_MINUTES + 1);
    for (let i = 0; i <= DAY_MINUTES; i++)
      prices[i] = Math.exp((b.logs[i] as number) + this.ov((first + i) * MINUTE_MS));
    const spans = new Float64Array(SPANS * FIELDS);
    const c = this.scratch;
    const acc = new Acc();
    for (let s = 0; s < SPANS; s++) {
      acc.reset();
      for (let k = 0; k < SPAN; k++) {
        const i = s * SPAN + k;
        acc.add(this.candleInto(prices[i] as number, prices[i + 1] as number, first + i, 1, c));
      }
      acc.store(spans, s * FIELDS);
    }
    b.spans = spans;
    b.spansVersion = this.version;
    return spans;
  }

  private dayValues(day: number): Float64Array {
    const key = this.id * 65536 + day;
    const hit = this.cache.days.get(key);
    if (hit && hit.version === this.version) return hit.values;
    const spans = this.spanValues(day);
    const acc = new Acc();
    for (let h = 0; h < SPANS; h++) acc.addStored(spans, h * FIELDS);
    const values = new Float64Array(FIELDS);
    acc.store(values, 0);
    this.cache.putDay(key, this.version, values);
    return values;
  }

  /**
   * Aggregate of the minutes [fromMin, toMin) that exist at `nowMs`: minutes before the listing are skipped,
   * the minute containing `nowMs` is taken partially, later ones not at all. Undefined when nothing is left.
   */
  summarize(fromMin: number, toMin: number, nowMs: number): Candle | undefined {
    const nowMin = Math.floor(nowMs / MINUTE_MS);
    const from = Math.max(fromMin, this.listedMinute);
    const fullTo = Math.min(toMin, nowMin);
    const acc = new Acc();
    let m = from;
    while (m < fullTo) {
      if (m % DAY_MINUTES === 0 && m + DAY_MINUTES <= fullTo) {
        acc.addStored(this.dayValues(m / DAY_MINUTES), 0);
        m += DAY_MINUTES;
      } else if (m % SPAN === 0 && m + SPAN <= fullTo) {
        const day = Math.floor(m / DAY_MINUTES);
        acc.addStored(this.spanValues(day), ((m - day * DAY_MINUTES) / SPAN) * FIELDS);
        m += SPAN;
      } else {
        const logs = this.block(Math.floor(m / DAY_MINUTES)).logs;
        acc.add(this.minuteInto(logs, m, 1, this.scratch));
        m++;
      }
    }
    if (toMin > nowMin && from <= nowMin) {
      const logs = this.block(Math.floor(nowMin / DAY_MINUTES)).logs;
      acc.add(this.minuteInto(logs, nowMin, (nowMs - nowMin * MINUTE_MS) / MINUTE_MS, this.scratch));
    }
    return acc.result();
  }

  /**
   * Whole minutes in [fromMin, toMin) whose candle satisfies `crosses`, earliest first. Days and 15-minute spans
   * whose aggregate does not cross are skipped whole, so a resting order checked after a month costs little.
   */
  *crossingMinutes(fromMin: number, toMin: number, crosses: (c: Candle) => boolean): Generator<number> {
    let m = Math.max(fromMin, this.listedMinute);
    while (m < toMin) {
      if (m % DAY_MINUTES === 0 && m + DAY_MINUTES <= toMin) {
        if (!crosses(toCandle(this.dayValues(m / DAY_MINUTES), 0))) {
          m += DAY_MINUTES;
          continue;
        }
      }
      if (m % SPAN === 0 && m + SPAN <= toMin) {
        const day = Math.floor(m / DAY_MINUTES);
        const sv = this.spanValues(day);
        if (!crosses(toCandle(sv, ((m - day * DAY_MINUTES) / SPAN) * FIELDS))) {
          m += SPAN;
          continue;
        }
      }
      if (crosses(this.minute(m))) yield m;
      m++;
    }
  }
}

function toCandle(a: Float64Array, at: number): Candle {
  return {
    o: a[at] as number,
    h: a[at + 1] as number,
    l: a[at + 2] as number,
    c: a[at + 3] as number,
    v: a[at + 4] as number,
    qv: a[at + 5] as number,
  };
}

/** Running OHLC merge in time order. */
class Acc {
  private n = 0;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;
  private qv = 0;

  reset(): void {
    this.n = 0;
    this.v = 0;
    this.qv = 0;
  }

  add(x: Candle): void {
    this.merge(x.o, x.h, x.l, x.c, x.v, x.qv);
  }

  addStored(a: Float64Array, at: number): void {
    this.merge(
      a[at] as number,
      a[at + 1] as number,
      a[at + 2] as number,
      a[at + 3] as number,
      a[at + 4] as number,
      a[at + 5] as number,
    );
  }

  private merge(o: number, h: number, l: number, c: number, v: number, qv: number): void {
    if (this.n === 0) {
      this.o = o;
      this.h = h;
      this.l = l;
    } else {
      if (h > this.h) this.h = h;
      if (l < this.l) this.l = l;
    }
    this.c = c;
    this.v += v;
    this.qv += qv;
    this.n++;
  }

  store(a: Float64Array, at: number): void {
    a[at] = this.o;
    a[at + 1] = this.h;
    a[at + 2] = this.l;
    a[at + 3] = this.c;
    a[at + 4] = this.v;
    a[at + 5] = this.qv;
  }

  result(): Candle | undefined {
    return this.n === 0 ? undefined : { o: this.o, h: this.h, l: this.l, c: this.c, v: this.v, qv: this.qv };
  }
}
