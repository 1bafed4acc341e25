/**
 * Counter-based randomness: every random number of the market is a pure function of (seed, what, where), so
 * any minute of any symbol can be computed on its own, in any order, and twice gives the same answer.
 */

/** 32-bit integer finaliser with good avalanche ("lowbias32"). */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash2(a: number, b: number): number {
  return mix32(mix32(a) ^ Math.imul(b | 0, 0x9e3779b1));
}

export function hash3(a: number, b: number, c: number): number {
  return mix32(hash2(a, b) ^ Math.imul(c | 0, 0x85ebca77));
}

export function hash4(a: number, b: number, c: number, d: number): number {
  return mix32(hash3(a, b, c) ^ Math.imul(d | 0, 0xc2b2ae3d));
}

/** FNV-1a, to turn names into counters. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** [0, 1) from a 32-bit hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

/**
 * Approximately standard normal from two hashes (Irwin–Hall of four 16-bit uniforms). Bounded tails (±3.46)
 * are a feature here: a synthetic market should not produce a 20-sigma minute by accident.
 */
export function gauss(h1: number, h2: number): number {
  const s = (h1 & 0xffff) + (h1 >>> 16) + (h2 & 0xffff) + (h2 >>> 16);
  return (s / 65536 - 2) * 1.7320508075688772;
}

/** Sequential generator (mulberry32) for things generated once in order: the symbol universe, fault dice. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed ^ 0x5bd1e995);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const v = items[Math.floor(this.next() * items.length)];
    if (v === undefined) throw new Error("pick from an empty list");
    return v;
  }

  logUniform(lo: number, hi: number): number {
    return Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
  }
}
