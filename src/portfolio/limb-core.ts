import { digits7, floor7, P10, shiftDown } from "./limb-digits.js";

/**
 * The arithmetic of wide exact decimals (limb-decimal.ts) on scratch limbs, shared by the immutable values and
 * the book's accumulators (limb-accumulator.ts): a coefficient as limbs of base 10^7 in doubles, lowest first,
 * read from any array at an offset and written to any array at an offset, so a running total is updated in place.
 * A result's sign and coefficient (±Infinity for a wide one, whose seven limbs went to the output) and its
 * exponent are left in OUT.
 *
 * Exactness: a limb is an integer below 10^7, a product of two below 10^14 and a column of at most 7 of them
 * below 2^53, so every step here is an exact integer operation on doubles. Math.floor(x / p) is exact for an
 * integer 0 ≤ x < 2^53 and an integer p ≥ 1: x / p lies at least 1/p below the next integer, and a double's
 * rounding error there is below (x / p) × 2^-53 < 1/p. A load returns -1 where its operand does not fit the
 * scratch limbs (a sum of values some 100 digits apart): the caller takes the BigInt way then.
 */
export const BASE = 1e7;
export const PRECISION = 40;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Scratch limbs: up to 126 digits, the widest aligned operand taken here. */
const CAP = 18;
export const A = new Float64Array(CAP);
export const B = new Float64Array(CAP);
export const R = new Float64Array(2 * CAP);
/** The divisor's limit: the long division's partial remainders then stay exact (see quotient). */
export const DIVISOR_LIMIT = 2 ** 49;

/** The last result: its coefficient while safe (±Infinity when wide: the limbs went to the output), its exponent. */
export const OUT = { n: 0, e: 0 };

/**
 * A wide magnitude's seven limbs w[off, off + 7) × 10^shift as limbs into `to`: the number of limbs written (the
 * top one may be 0), or -1 when they would not fit. A shift by r < 7 digits regroups digits and carries nothing:
 * limb i's low 7 − r digits move up r places and the limb below gives its top r digits, which fill them; no step
 * waits on the one before it.
 */
export function loadWide(w: ArrayLike<number>, off: number, shift: number, to: Float64Array): number {
  // shift ≥ 0 (an exponent at or below the operand's): an int32 quotient, and small integer indexes.
  if (shift > 7 * (CAP - 8) + 6) return -1;
  const q = (shift / 7) | 0;
  const r = shift - 7 * q;
  for (let i = 0; i < q; i++) to[i] = 0;
  if (r === 0) {
    to[q] = w[off] as number;
    to[q + 1] = w[off + 1] as number;
    to[q + 2] = w[off + 2] as number;
    to[q + 3] = w[off + 3] as number;
    to[q + 4] = w[off + 4] as number;
    to[q + 5] = w[off + 5] as number;
    to[q + 6] = w[off + 6] as number;
    return q + 7;
  }
  const up = P10[r] as number;
  const keep = 7 - r;
  const unit = P10[keep] as number;
  let below = 0;
  for (let i = 0; i < 7; i++) {
    const x = w[off + i] as number;
    const high = shiftDown(x, keep);
    to[q + i] = (x - high * unit) * up + below;
    below = high;
  }
  to[q + 7] = below;
  return q + 8;
}

/** 10^k as doubles, exact up to 10^22. */
const P10_WIDE = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * |n| × 10^shift as limbs into `to` for a safe coefficient n, as loadWide: each limb its own quotient by a power of
 * ten (exact for a safe integer), none waiting on another.
 */
export function loadSafe(n: number, shift: number, to: Float64Array): number {
  if (shift > 7 * (CAP - 4) + 6) return -1;
  const q = (shift / 7) | 0;
  const r = shift - 7 * q;
  for (let i = 0; i < q; i++) to[i] = 0;
  const m = n < 0 ? -n : n;
  const p1 = P10_WIDE[7 - r] as number;
  const d1 = Math.floor(m / p1);
  const d2 = Math.floor(m / (P10_WIDE[14 - r] as number));
  const d3 = Math.floor(m / (P10_WIDE[21 - r] as number));
  to[q] = (m - d1 * p1) * (P10[r] as number);
  to[q + 1] = d1 - d2 * BASE;
  to[q + 2] = d2 - d3 * BASE;
  to[q + 3] = d3;
  return q + 4;
}

/**
 * The value ±R[0, len) × 10^e rounded to 40 digits, half to even, into OUT (and its limbs into out[off, off + 7)
 * when wide); `sticky`: the exact value lies a little beyond R (a division's remainder), which decides only at
 * an exact half. The digits dropped are cleared in place rather than shifted out, so the result keeps an exponent
 * that is a multiple of 7 (as e is) and its limbs line up with any other wide value's: a sum of two copies limbs
 * and a product never multiplies by a power of ten.
 */
export function finish(
  len: number,
  e: number,
  negative: boolean,
  sticky: boolean,
  out: Float64Array,
  off: number,
): void {
  let t = len - 1;
  while (t >= 0 && R[t] === 0) t--;
  if (t < 0) {
    OUT.n = 0;
    OUT.e = e;
    return;
  }
  const d = 7 * t + digits7(R[t] as number);
  if (d <= PRECISION) {
    if (t <= 2) {
      const v =
        t === 0
          ? (R[0] as number)
          : t === 1
            ? (R[1] as number) * BASE + (R[0] as number)
            : ((R[2] as number) * BASE + (R[1] as number)) * BASE + (R[0] as number);
      // A double rounds monotonically: v ≤ MAX_SAFE only when the exact value is, and then v is exact.
      if (v <= MAX_SAFE) {
        OUT.n = negative ? -v : v;
        OUT.e = e;
        return;
      }
    }
    writeWide(0, t, e, negative, out, off);
    return;
  }
  const drop = d - PRECISION;
  const q = (drop / 7) | 0;
  const r = drop - 7 * q;
  // The first dropped digit, whether any below it is not 0, and limb q with its dropped digits cleared.
  const unit = P10[r] as number;
  let digit: number;
  let rest: boolean;
  let below: number;
  if (r === 0) {
    const low = R[q - 1] as number;
    digit = shiftDown(low, 6);
    rest = low - digit * 1e6 !== 0;
    below = q - 1;
  } else {
    // The digits above the cut and those down to the first dropped one, each straight from x (neither waits on
    // the other): the first dropped digit is their difference.
    const x = R[q] as number;
    const high = shiftDown(x, r);
    const upper = shiftDown(x, r - 1);
    digit = upper - 10 * high;
    rest = x - upper * (P10[r - 1] as number) !== 0;
    below = q;
    R[q] = high * unit;
  }
  for (let k = 0; !rest && k < below; k++) rest = R[k] !== 0;
  if (digit > 5 || (digit === 5 && (rest || sticky || (((R[q] as number) / unit) & 1) === 1))) {
    // R[q] is a multiple of unit below 10^7: plus unit it reaches 10^7 at most, and carries.
    let k = q;
    let v = (R[q] as number) + unit;
    while (v === BASE) {
      R[k] = 0;
      k++;
      v = k <= t ? (R[k] as number) + 1 : 1;
    }
    R[k] = v;
    if (k > t) t = k;
  }
  writeWide(q, t, e + 7 * q, negative, out, off);
}

/** The wide value of R[from, top] × 10^e (at most 7 limbs: 40 digits and the cleared ones below them) into OUT. */
export function writeWide(
  from: number,
  top: number,
  e: number,
  negative: boolean,
  out: Float64Array,
  off: number,
): void {
  for (let k = top + 1; k < from + 7; k++) R[k] = 0;
  out[off] = R[from] as number;
  out[off + 1] = R[from + 1] as number;
  out[off + 2] = R[from + 2] as number;
  out[off + 3] = R[from + 3] as number;
  out[off + 4] = R[from + 4] as number;
  out[off + 5] = R[from + 5] as number;
  out[off + 6] = R[from + 6] as number;
  OUT.n = negative ? -Infinity : Infinity;
  OUT.e = e;
}

/**
 * ±A[0, la) + ±B[0, lb) at the exponent e, rounded (into OUT and `out`): the signs are negA and negB (a
 * difference is a sum with b's sign turned).
 */
export function sum(
  la: number,
  lb: number,
  e: number,
  negA: boolean,
  negB: boolean,
  out: Float64Array,
  off: number,
): void {
  const n = la > lb ? la : lb;
  for (let i = la; i < n; i++) A[i] = 0;
  for (let i = lb; i < n; i++) B[i] = 0;
  if (negA === negB) {
    // Each limb's carry from its own column (1 when A + B ≥ 10^7, without a branch: half the limbs carry,
    // unpredictably), so no limb waits on the one below; a carry that a limb of 9s passes on, one in 10^7, is
    // settled after.
    let carry = 0;
    let ripple = false;
    for (let i = 0; i < n; i++) {
      const t = ((A[i] as number) + (B[i] as number)) | 0;
      const out = (9999999 - t) >>> 31;
      const v = (t - out * 10000000 + carry) | 0;
      if (v === 10000000) ripple = true;
      R[i] = v;
      carry = out;
    }
    R[n] = carry;
    if (ripple) settle(n + 1);
    finish(n + 1, e, negA, false, out, off);
    return;
  }
  // Signs differ: the smaller magnitude from the larger, whose sign the result takes.
  const order = compare(n);
  if (order === 0) {
    OUT.n = 0;
    OUT.e = e;
    return;
  }
  const big = order > 0 ? A : B;
  const small = order > 0 ? B : A;
  // As the sum's carries: each limb's borrow from its own column, one that a limb of equal digits passes on
  // settled after.
  let borrow = 0;
  let ripple = false;
  for (let i = 0; i < n; i++) {
    const t = ((big[i] as number) - (small[i] as number)) | 0;
    const out = t >>> 31;
    const v = (t + out * 10000000 - borrow) | 0;
    if (v < 0) ripple = true;
    R[i] = v;
    borrow = out;
  }
  if (ripple) settle(n);
  finish(n, e, order > 0 ? negA : negB, false, out, off);
}

/** R[0, len) with limbs of 10^7 or −1 (a carry or borrow passed on) carried into the limbs above. */
function settle(len: number): void {
  for (let i = 0; i + 1 < len; i++) {
    const v = R[i] as number;
    if (v >= BASE) {
      R[i] = v - BASE;
      R[i + 1] = (R[i + 1] as number) + 1;
    } else if (v < 0) {
      R[i] = v + BASE;
      R[i + 1] = (R[i + 1] as number) - 1;
    }
  }
}

/** Compares the magnitudes in A[0, n) and B[0, n). */
export function compare(n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    const x = A[i] as number;
    const y = B[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A's and B's magnitudes compared, A[0, la) and B[0, lb). */
export function compareLoaded(la: number, lb: number): number {
  const n = la > lb ? la : lb;
  for (let i = la; i < n; i++) A[i] = 0;
  for (let i = lb; i < n; i++) B[i] = 0;
  return compare(n);
}

// The book's registers (limb-accumulator.ts): coefficients N (±Infinity: wide, its limbs at W[8k, 8k + 7)),
// exponents E. Here, beside the scratch limbs, so that an operation is one call into this module: the limbs
// reached from another module cost the book's loop a third more (ES module bindings are not constants to the JIT).
// None of these takes a BigInt register (NaN), and each false is where the limbs do not fit.

/** Register k's magnitude × 10^shift into `to`, as loadWide and loadSafe. */
export function loadRegister(
  N: Float64Array,
  W: Float64Array,
  k: number,
  shift: number,
  to: Float64Array,
): number {
  const n = N[k] as number;
  return n === Infinity || n === -Infinity ? loadWide(W, 8 * k, shift, to) : loadSafe(n, shift, to);
}

/** to = a ± b by the limbs. */
export function sumRegisters(
  N: Float64Array,
  E: Int32Array,
  W: Float64Array,
  to: number,
  a: number,
  b: number,
  subtract: boolean,
): boolean {
  const ea = E[a] as number;
  const eb = E[b] as number;
  const e = floor7(ea < eb ? ea : eb);
  const la = loadRegister(N, W, a, ea - e, A);
  const lb = loadRegister(N, W, b, eb - e, B);
  if (la === -1 || lb === -1) return false;
  const nb = N[b] as number;
  sum(la, lb, e, (N[a] as number) < 0, subtract ? !(nb < 0) : nb < 0, W, 8 * to);
  N[to] = OUT.n;
  E[to] = OUT.e;
  return true;
}

/** a compared with b (neither BigInt), or NaN where the limbs do not fit. */
export function compareRegisters(
  N: Float64Array,
  E: Int32Array,
  W: Float64Array,
  a: number,
  b: number,
): number {
  const na = N[a] as number;
  const nb = N[b] as number;
  const sa = na < 0 ? -1 : na > 0 ? 1 : 0;
  const sb = nb < 0 ? -1 : nb > 0 ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const ea = E[a] as number;
  const eb = E[b] as number;
  const e = ea < eb ? ea : eb;
  const la = loadRegister(N, W, a, ea - e, A);
  const lb = loadRegister(N, W, b, eb - e, B);
  if (la === -1 || lb === -1) return Number.NaN;
  return sa * compareLoaded(la, lb);
}
