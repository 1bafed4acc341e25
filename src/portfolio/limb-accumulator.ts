import { type Exact, xAdd, xCmp, xDiv, xMul, xSub } from "./exact-decimal.js";
import { compareRegisters, DIVISOR_LIMIT, sumRegisters } from "./limb-core.js";
import { productRegisters, quotientRegisters } from "./limb-mul-div.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** 10^k as doubles, exact up to 10^22 (exact-decimal.ts's `at`). */
const POW10_N = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Registers of exact decimals the book updates in place (issue 15): register k holds what an Exact would (its
 * coefficient n[k] while a safe integer, ±Infinity with seven limbs at w[8k, 8k + 7) when wide, NaN with the
 * value in a map when BigInt; its exponent e[k]), so a running total, a fill's amount or an intermediate costs no
 * object and no array. Each operation is exact-decimal.ts's (xAdd, xSub, xMul, xDiv, xCmp) step for step, the
 * safe Number way, the limbs (limb-core.ts), then the BigInt way through Exacts: a register ends with the very
 * coefficient and exponent the immutable value would have. A destination may be an operand (both are read
 * first). test/portfolio/limb-accumulator.test.ts holds each operation to exact-decimal.ts.
 */
export class Registers {
  n = new Float64Array(0);
  e = new Int32Array(0);
  w = new Float64Array(0);
  readonly #bigs = new Map<number, Exact>();
  #count = 0;

  constructor(capacity = 64) {
    this.#grow(capacity);
  }

  /** `k` new registers, 0 each: the first one's index. */
  alloc(k: number): number {
    const first = this.#count;
    if (first + k > this.n.length) this.#grow(Math.max(2 * this.n.length, first + k));
    this.#count = first + k;
    return first;
  }

  /** Register k as an immutable value (a new object: for the book's results, never in its loop). */
  exact(k: number): Exact {
    const n = this.n[k] as number;
    const e = this.e[k] as number;
    // biome-ignore lint/suspicious/noSelfCompare: NaN marks a BigInt value
    if (n !== n) return this.#bigs.get(k) as Exact;
    if (n !== Infinity && n !== -Infinity) return { n, c: undefined, e, w: undefined };
    const o = 8 * k;
    const w = this.w;
    return { n, c: undefined, e, w: Array.from(w.subarray(o, o + 7)) };
  }

  set(k: number, x: Exact): void {
    this.e[k] = x.e;
    this.n[k] = x.n;
    if (x.c !== undefined) this.#bigs.set(k, x);
    else if (x.w !== undefined) this.w.set(x.w, 8 * k);
  }

  /** A safe coefficient × 10^e (a fill's amount as the columns hold it). */
  setSafe(k: number, n: number, e: number): void {
    this.n[k] = n;
    this.e[k] = e;
  }

  copy(to: number, from: number): void {
    const n = this.n[from] as number;
    this.n[to] = n;
    this.e[to] = this.e[from] as number;
    // biome-ignore lint/suspicious/noSelfCompare: as in exact()
    if (n !== n) this.#bigs.set(to, this.#bigs.get(from) as Exact);
    else if (n === Infinity || n === -Infinity) this.w.copyWithin(8 * to, 8 * from, 8 * from + 7);
  }

  isZero(k: number): boolean {
    return this.n[k] === 0;
  }

  /** to = a + b, as xAdd. */
  add(to: number, a: number, b: number): void {
    this.#sum(to, a, b, false);
  }

  /** to = a − b, as xSub. */
  sub(to: number, a: number, b: number): void {
    this.#sum(to, a, b, true);
  }

  #sum(to: number, a: number, b: number, subtract: boolean): void {
    const N = this.n;
    const E = this.e;
    const na = N[a] as number;
    const nb = N[b] as number;
    const ea = E[a] as number;
    const eb = E[b] as number;
    const e = ea < eb ? ea : eb;
    const x = at(na, ea - e);
    const y = at(nb, eb - e);
    const s = subtract ? x - y : x + y;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) {
      N[to] = s;
      E[to] = e;
      return;
    }
    // biome-ignore lint/suspicious/noSelfCompare: NaN marks a BigInt operand (the BigInt way then)
    if (na === na && nb === nb && sumRegisters(N, E, this.w, to, a, b, subtract)) return;
    const p = this.exact(a);
    const q = this.exact(b);
    this.set(to, subtract ? xSub(p, q) : xAdd(p, q));
  }

  /** to = a × b, as xMul. */
  mul(to: number, a: number, b: number): void {
    const N = this.n;
    const E = this.e;
    const na = N[a] as number;
    const nb = N[b] as number;
    const ea = E[a] as number;
    const eb = E[b] as number;
    const p = na * nb;
    if (p <= MAX_SAFE && p >= -MAX_SAFE) {
      N[to] = p;
      E[to] = ea + eb;
      return;
    }
    // biome-ignore lint/suspicious/noSelfCompare: as in #sum
    if (na === na && nb === nb) {
      if (na === 0 || nb === 0) {
        N[to] = 0;
        E[to] = ea + eb;
        return;
      }
      productRegisters(N, E, this.w, to, a, b);
      return;
    }
    this.set(to, xMul(this.exact(a), this.exact(b)));
  }

  /** to = a / b (b not zero), as xDiv. */
  div(to: number, a: number, b: number): void {
    const N = this.n;
    const E = this.e;
    const na = N[a] as number;
    const nb = N[b] as number;
    if (na === 0) {
      N[to] = 0;
      E[to] = 0;
      return;
    }
    const divisor = nb < 0 ? -nb : nb;
    // A safe, non-zero divisor below the limit (NaN, a BigInt's mark, fails the comparison) and no BigInt dividend.
    // biome-ignore lint/suspicious/noSelfCompare: as in #sum
    if (na === na && divisor !== 0 && divisor < DIVISOR_LIMIT && quotientRegisters(N, E, this.w, to, a, b))
      return;
    this.set(to, xDiv(this.exact(a), this.exact(b)));
  }

  /** a compared with b, as xCmp. */
  cmp(a: number, b: number): number {
    const N = this.n;
    const E = this.e;
    const na = N[a] as number;
    const nb = N[b] as number;
    const ea = E[a] as number;
    const eb = E[b] as number;
    const e = ea < eb ? ea : eb;
    const x = at(na, ea - e);
    const y = at(nb, eb - e);
    // Both safe (a finite coefficient: NaN and ±Infinity minus themselves are NaN) and both safe at e.
    if (na - na === 0 && nb - nb === 0 && x - x === 0 && y - y === 0) return x < y ? -1 : x > y ? 1 : 0;
    // biome-ignore lint/suspicious/noSelfCompare: as in #sum
    if (na === na && nb === nb) {
      const order = compareRegisters(N, E, this.w, a, b);
      // biome-ignore lint/suspicious/noSelfCompare: NaN: the limbs do not fit
      if (order === order) return order;
    }
    return xCmp(this.exact(a), this.exact(b));
  }

  #grow(capacity: number): void {
    const n = new Float64Array(capacity);
    const e = new Int32Array(capacity);
    const w = new Float64Array(8 * capacity);
    n.set(this.n);
    e.set(this.e);
    w.set(this.w);
    this.n = n;
    this.e = e;
    this.w = w;
  }
}

/** n × 10^d (d ≥ 0) while a safe Number, else NaN (exact-decimal.ts's `at`; NaN and ±Infinity give NaN). */
function at(n: number, d: number): number {
  if (d === 0) return n;
  if (d >= POW10_N.length) return Number.NaN;
  const x = n * (POW10_N[d] as number);
  return x <= MAX_SAFE && x >= -MAX_SAFE ? x : Number.NaN;
}
