import type { Exact } from "./exact-decimal.js";

/**
 * The exact decimals' wide form (exact-decimal.ts) in doubles: a coefficient beyond a safe Number as seven limbs
 * of base 10^7, lowest first, its exponent a multiple of 7 and its sign in `n` (±Infinity). A rounded result has
 * 40 digits and up to 6 cleared ones below them (finish), so it fits; a BigInt operation is a runtime call and an
 * allocation, a limb a double, and the replay's book spends most of its time on sums, products and quotients of
 * such values (issue 15).
 *
 * Exactness: a limb is an integer below 10^7, a product of two below 10^14 and a column of at most 7 of them
 * below 2^53, so every step here is an exact integer operation on doubles. Math.floor(x / p) is exact for an
 * integer 0 ≤ x < 2^53 and an integer p ≥ 1: x / p lies at least 1/p below the next integer, and a double's
 * rounding error there is below (x / p) × 2^-53 < 1/p. Each function returns undefined where its operands do not
 * fit the scratch limbs (a sum of values some 100 digits apart, a divisor of 2^49 or more, a BigInt operand): the
 * caller takes the BigInt way then. test/portfolio/limb-decimal.test.ts holds it to decimal.js at those edges.
 */
const BASE = 1e7;
const P10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];
const PRECISION = 40;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Scratch limbs: up to 126 digits, the widest aligned operand taken here. */
const CAP = 18;
const A = new Float64Array(CAP);
const B = new Float64Array(CAP);
const R = new Float64Array(2 * CAP);
/** The divisor's limit: the long division's partial remainders then stay exact (see div). */
const DIVISOR_LIMIT = 2 ** 49;

/**
 * |x| × 10^shift as limbs into `to`: the number of limbs written (the top one may be 0), or -1 when they would
 * not fit. x is a safe Number or wide, not BigInt.
 */
function load(x: Exact, shift: number, to: Float64Array): number {
  const q = Math.floor(shift / 7);
  const r = shift - 7 * q;
  const w = x.w;
  if (w !== undefined) {
    if (q + 8 > CAP) return -1;
    for (let i = 0; i < q; i++) to[i] = 0;
    if (r === 0) {
      for (let i = 0; i < 7; i++) to[q + i] = w[i] as number;
      return q + 7;
    }
    const m = P10[r] as number;
    let carry = 0;
    for (let i = 0; i < 7; i++) {
      const t = (w[i] as number) * m + carry;
      carry = carryOf(t);
      to[q + i] = t - carry * BASE;
    }
    to[q + 7] = carry;
    return q + 8;
  }
  if (q + 4 > CAP) return -1;
  for (let i = 0; i < q; i++) to[i] = 0;
  // A safe coefficient times 10^r (r < 7) is below 2^53 × 10^6: split into limbs before multiplying.
  const m = x.n < 0 ? -x.n : x.n;
  const hi = Math.floor(m / BASE);
  const top = Math.floor(hi / BASE);
  const f = P10[r] as number;
  let t = (m - hi * BASE) * f;
  let carry = carryOf(t);
  to[q] = t - carry * BASE;
  t = (hi - top * BASE) * f + carry;
  carry = carryOf(t);
  to[q + 1] = t - carry * BASE;
  t = top * f + carry;
  carry = carryOf(t);
  to[q + 2] = t - carry * BASE;
  to[q + 3] = carry;
  return q + 4;
}

/**
 * ⌊t / 10^7⌋ for an integer 0 ≤ t < 2^52 (a carry): a product by the reciprocal is a few cycles where a division
 * is a dozen or more, and is off by one at most (its relative error is below 2^-51), which the remainder shows.
 */
function carryOf(t: number): number {
  const c = Math.floor(t * 1e-7);
  const r = t - c * BASE;
  return r < 0 ? c - 1 : r >= BASE ? c + 1 : c;
}

/** 1 / 10^r, for shiftDown. */
const INV10 = P10.map((p) => 1 / p);

/**
 * ⌊x / 10^r⌋ for a limb (an integer 0 ≤ x < 10^7, 0 ≤ r ≤ 7) by the reciprocal: a product is a few cycles where a
 * division is a dozen or more. The product's rounding never crosses an integer there (limb-decimal.test.ts checks
 * every limb at every r).
 */
export function shiftDown(x: number, r: number): number {
  return Math.floor(x * (INV10[r] as number));
}

function digits7(x: number): number {
  return x < 1e3 ? (x < 10 ? 1 : x < 100 ? 2 : 3) : x < 1e5 ? (x < 1e4 ? 4 : 5) : x < 1e6 ? 6 : 7;
}

/** Decimal digits of limbs [0, len) (at least 1). */
function digitsOf(l: ArrayLike<number>, len: number): number {
  let t = len - 1;
  while (t > 0 && l[t] === 0) t--;
  return 7 * t + digits7(l[t] as number);
}

/**
 * The value ±R[0, len) × 10^e rounded to 40 digits, half to even; `sticky`: the exact value lies a little beyond
 * R (a division's remainder), which decides only at an exact half. The digits dropped are cleared in place rather
 * than shifted out, so the result keeps an exponent that is a multiple of 7 (as e is) and its limbs line up with
 * any other wide value's: a sum of two copies limbs and a product never multiplies by a power of ten.
 */
function finish(len: number, e: number, negative: boolean, sticky: boolean): Exact {
  let t = len - 1;
  while (t >= 0 && R[t] === 0) t--;
  if (t < 0) return { n: 0, c: undefined, e, w: undefined };
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
      if (v <= MAX_SAFE) return { n: negative ? -v : v, c: undefined, e, w: undefined };
    }
    return wide(0, t, e, negative);
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
    const x = R[q] as number;
    const low = x - shiftDown(x, r) * unit;
    const tenth = P10[r - 1] as number;
    digit = shiftDown(low, r - 1);
    rest = low - digit * tenth !== 0;
    below = q;
    R[q] = x - low;
  }
  for (let k = 0; !rest && k < below; k++) rest = R[k] !== 0;
  if (digit > 5 || (digit === 5 && (rest || sticky || (((R[q] as number) / unit) & 1) === 1))) {
    // R[q] is a multiple of unit below 10^7: plus unit it reaches 10^7 at most, and carries.
    let k = q;
    let v = (R[q] as number) + unit;
    while (v === BASE) {
      R[k] = 0;
      k++;
      v = limbAt(k, t) + 1;
    }
    R[k] = v;
    if (k > t) t = k;
  }
  return wide(q, t, e + 7 * q, negative);
}

/** R[k], or 0 above the top limb t. */
function limbAt(k: number, t: number): number {
  return k <= t ? (R[k] as number) : 0;
}

/** The wide value of R[from, top] × 10^e (at most 7 limbs: 40 digits and the cleared ones below them). */
function wide(from: number, top: number, e: number, negative: boolean): Exact {
  for (let k = top + 1; k < from + 7; k++) R[k] = 0;
  const w = [
    R[from] as number,
    R[from + 1] as number,
    R[from + 2] as number,
    R[from + 3] as number,
    R[from + 4] as number,
    R[from + 5] as number,
    R[from + 6] as number,
  ];
  return { n: negative ? -Infinity : Infinity, c: undefined, e, w };
}

/** The largest multiple of 7 not above e: wide values' exponents, so their limbs line up. */
const floor7 = (e: number): number => Math.floor(e / 7) * 7;

/** a + b (or a − b), exactly rounded; undefined beyond the scratch limbs or for a BigInt operand. */
export function limbAdd(a: Exact, b: Exact, subtract: boolean): Exact | undefined {
  if (a.c !== undefined || b.c !== undefined) return undefined;
  const e = floor7(a.e < b.e ? a.e : b.e);
  const la = load(a, a.e - e, A);
  const lb = load(b, b.e - e, B);
  if (la === -1 || lb === -1) return undefined;
  const negA = a.n < 0;
  const negB = subtract ? !(b.n < 0) : b.n < 0;
  const n = la > lb ? la : lb;
  for (let i = la; i < n; i++) A[i] = 0;
  for (let i = lb; i < n; i++) B[i] = 0;
  if (negA === negB) {
    let carry = 0;
    for (let i = 0; i < n; i++) {
      const t = (A[i] as number) + (B[i] as number) + carry;
      // 1 when t ≥ 10^7 without a branch (t below 2^31): half the limbs carry, unpredictably.
      carry = 1 - ((t - BASE) >>> 31);
      R[i] = t - carry * BASE;
    }
    R[n] = carry;
    return finish(n + 1, e, negA, false);
  }
  // Signs differ: the smaller magnitude from the larger, whose sign the result takes.
  const order = compare(n);
  if (order === 0) return { n: 0, c: undefined, e, w: undefined };
  const big = order > 0 ? A : B;
  const small = order > 0 ? B : A;
  let borrow = 0;
  for (let i = 0; i < n; i++) {
    const t = (big[i] as number) - (small[i] as number) - borrow;
    borrow = t >>> 31;
    R[i] = t + borrow * BASE;
  }
  return finish(n, e, order > 0 ? negA : negB, false);
}

/** Compares the magnitudes in A[0, n) and B[0, n). */
function compare(n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    const x = A[i] as number;
    const y = B[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a × b, exactly rounded; undefined for a BigInt operand. */
export function limbMul(a: Exact, b: Exact): Exact | undefined {
  if (a.c !== undefined || b.c !== undefined) return undefined;
  if (a.n === 0 || b.n === 0) return { n: 0, c: undefined, e: a.e + b.e, w: undefined };
  const ea = floor7(a.e);
  const eb = floor7(b.e);
  const e = ea + eb;
  let la = load(a, a.e - ea, A);
  let lb = load(b, b.e - eb, B);
  while (la > 1 && A[la - 1] === 0) la--;
  while (lb > 1 && B[lb - 1] === 0) lb--;
  const n = la + lb;
  for (let k = 0; k < n; k++) R[k] = 0;
  for (let i = 0; i < la; i++) {
    const x = A[i] as number;
    if (x === 0) continue;
    for (let j = 0; j < lb; j++) R[i + j] = (R[i + j] as number) + x * (B[j] as number);
  }
  let carry = 0;
  for (let k = 0; k < n; k++) {
    const t = (R[k] as number) + carry;
    carry = carryOf(t);
    R[k] = t - carry * BASE;
  }
  return finish(n, e, a.n < 0 !== b.n < 0, false);
}

/**
 * a / b, b not zero, exactly rounded: the quotient of a × 10^shift by b to 42 digits or more, its remainder the
 * sticky bit, as exact-decimal.ts's xDiv does in BigInt. Only for a safe Number divisor below 2^49.
 */
export function limbDiv(a: Exact, b: Exact): Exact | undefined {
  if (a.c !== undefined || b.w !== undefined || b.c !== undefined) return undefined;
  const divisor = b.n < 0 ? -b.n : b.n;
  // A zero divisor: the BigInt way throws at once, naming it (here it would give limbs of NaN).
  if (divisor === 0 || divisor >= DIVISOR_LIMIT) return undefined;
  const da = a.w === undefined ? digitsOfSafe(a.n < 0 ? -a.n : a.n) : digitsOf(a.w, 7);
  const db = digitsOfSafe(divisor);
  // At least 42 digits of quotient, and its exponent a multiple of 7.
  const e = floor7(a.e - b.e - Math.max(0, PRECISION + 2 + db - da));
  const la = load(a, a.e - b.e - e, A);
  if (la === -1) return undefined;
  // Long division a limb at a time. rem < divisor < 2^49, so rem × 10^7 + limb may pass 2^53: the quotient limb is
  // estimated in doubles (off by one at most), the remainder computed exactly on the divisor split at 10^7, then
  // the estimate corrected.
  const high = Math.floor(divisor / BASE);
  const low = divisor - high * BASE;
  // The estimate by a product with the reciprocal: a division per limb costs several times more, and the
  // correction below absorbs its error as it does the rounding of rem × 10^7 + limb.
  const inverse = 1 / divisor;
  let rem = 0;
  for (let i = la - 1; i >= 0; i--) {
    const limb = A[i] as number;
    let q = Math.floor((rem * BASE + limb) * inverse);
    let r = (rem - q * high) * BASE + (limb - q * low);
    while (r < 0) {
      q--;
      r += divisor;
    }
    while (r >= divisor) {
      q++;
      r -= divisor;
    }
    R[i] = q;
    rem = r;
  }
  return finish(la, e, a.n < 0 !== b.n < 0, rem !== 0);
}

/** Digits of a safe integer (at least 1). */
function digitsOfSafe(m: number): number {
  if (m < BASE) return digits7(m);
  const hi = Math.floor(m / BASE);
  return hi < BASE ? 7 + digits7(hi) : 14 + digits7(Math.floor(hi / BASE));
}

/** a compared with b, or undefined for a BigInt operand or values too far apart for the scratch limbs. */
export function limbCmp(a: Exact, b: Exact): number | undefined {
  if (a.c !== undefined || b.c !== undefined) return undefined;
  const sa = a.n < 0 ? -1 : a.n > 0 ? 1 : 0;
  const sb = b.n < 0 ? -1 : b.n > 0 ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const e = a.e < b.e ? a.e : b.e;
  const la = load(a, a.e - e, A);
  const lb = load(b, b.e - e, B);
  if (la === -1 || lb === -1) return undefined;
  const n = la > lb ? la : lb;
  for (let i = la; i < n; i++) A[i] = 0;
  for (let i = lb; i < n; i++) B[i] = 0;
  return sa * compare(n);
}

/** The coefficient's digits, sign aside. */
export function limbDigits(w: readonly number[]): string {
  let t = 6;
  while (t > 0 && w[t] === 0) t--;
  let s = String(w[t]);
  for (let k = t - 1; k >= 0; k--) s += String(w[k]).padStart(7, "0");
  return s;
}

/** The wide form of ±digits × 10^e (16 to 42 digits, no leading zero). */
export function limbsOfDigits(digits: string, e: number, negative: boolean): Exact {
  const at = floor7(e);
  const s = digits + "0".repeat(e - at);
  let t = 0;
  for (let end = s.length; end > 0; t++, end -= 7) R[t] = Number(s.slice(Math.max(0, end - 7), end));
  return wide(0, t - 1, at, negative);
}
