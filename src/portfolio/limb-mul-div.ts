import {
  BASE,
  finish,
  loadRegister,
  OUT,
  PRECISION,
  A as SCRATCH_A,
  B as SCRATCH_B,
  R as SCRATCH_R,
} from "./limb-core.js";
import { digitsOfSafe, digitsOfWide, floor7 } from "./limb-digits.js";

// Products and quotients on limb-core.ts's scratch limbs, apart from it for its size. Each step takes the scratch
// arrays into locals once: an ES module's imported binding is read anew at each use.

/**
 * ⌊t / 10^7⌋ for an integer 0 ≤ t < 2^52 (a carry): a product by the reciprocal is a few cycles where a division
 * is a dozen or more, and is off by one at most (its relative error is below 2^-51), which the remainder shows.
 */
function carryOf(t: number): number {
  const c = Math.floor(t * 1e-7);
  const r = t - c * BASE;
  return r < 0 ? c - 1 : r >= BASE ? c + 1 : c;
}

/** A[0, la) × B[0, lb) at the exponent e, rounded (into OUT and `out`). */
export function product(
  la: number,
  lb: number,
  e: number,
  negative: boolean,
  out: Float64Array,
  off: number,
): void {
  const A = SCRATCH_A;
  const B = SCRATCH_B;
  const R = SCRATCH_R;
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
  finish(n, e, negative, false, out, off);
}

/**
 * A[0, la) / divisor at the exponent e, rounded (into OUT and `out`), its remainder the sticky bit; the divisor a
 * safe integer 1 ≤ divisor < 2^49.
 */
export function quotient(
  la: number,
  e: number,
  divisor: number,
  negative: boolean,
  out: Float64Array,
  off: number,
): void {
  // Long division a limb at a time. rem < divisor < 2^49, so rem × 10^7 + limb may pass 2^53: the quotient limb is
  // estimated in doubles (off by one at most), the remainder computed exactly on the divisor split at 10^7, then
  // the estimate corrected.
  const A = SCRATCH_A;
  const R = SCRATCH_R;
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
  finish(la, e, negative, rem !== 0, out, off);
}

/**
 * The exponent of a quotient of a dividend of `da` digits by a divisor of `db`, their exponents `e` apart: at
 * least 42 digits of quotient, its exponent a multiple of 7.
 */
export function quotientExponent(e: number, da: number, db: number): number {
  return floor7(e - Math.max(0, PRECISION + 2 + db - da));
}

/** to = a × b by the limbs, neither 0. */
export function productRegisters(
  N: Float64Array,
  E: Int32Array,
  W: Float64Array,
  to: number,
  a: number,
  b: number,
) {
  const ea = E[a] as number;
  const eb = E[b] as number;
  const fa = floor7(ea);
  const fb = floor7(eb);
  const la = loadRegister(N, W, a, ea - fa, SCRATCH_A);
  const lb = loadRegister(N, W, b, eb - fb, SCRATCH_B);
  product(la, lb, fa + fb, (N[a] as number) < 0 !== (N[b] as number) < 0, W, 8 * to);
  N[to] = OUT.n;
  E[to] = OUT.e;
}

/** to = a / b by the limbs, a not 0, b safe, 1 ≤ |b| < DIVISOR_LIMIT. */
export function quotientRegisters(
  N: Float64Array,
  E: Int32Array,
  W: Float64Array,
  to: number,
  a: number,
  b: number,
): boolean {
  const na = N[a] as number;
  const nb = N[b] as number;
  const divisor = nb < 0 ? -nb : nb;
  const ea = E[a] as number;
  const eb = E[b] as number;
  const da = na === Infinity || na === -Infinity ? digitsOfWide(W, 8 * a) : digitsOfSafe(na < 0 ? -na : na);
  const e = quotientExponent(ea - eb, da, digitsOfSafe(divisor));
  const la = loadRegister(N, W, a, ea - eb - e, SCRATCH_A);
  if (la === -1) return false;
  quotient(la, e, divisor, na < 0 !== nb < 0, W, 8 * to);
  N[to] = OUT.n;
  E[to] = OUT.e;
  return true;
}
