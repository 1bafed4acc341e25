import type { Exact } from "./exact-decimal.js";
import {
  A,
  B,
  compareLoaded,
  DIVISOR_LIMIT,
  loadSafe,
  loadWide,
  OUT,
  R,
  sum,
  writeWide,
} from "./limb-core.js";
import { digitsOfSafe, digitsOfWide, floor7 } from "./limb-digits.js";
import { product, quotient, quotientExponent } from "./limb-mul-div.js";

/**
 * The exact decimals' wide form (exact-decimal.ts) in doubles: a coefficient beyond a safe Number as seven limbs
 * of base 10^7, lowest first, its exponent a multiple of 7 and its sign in `n` (±Infinity). A rounded result has
 * 40 digits and up to 6 cleared ones below them, so it fits; a BigInt operation is a runtime call and an
 * allocation, a limb a double (issue 15). The arithmetic itself is limb-core.ts's, shared with the book's
 * accumulators (limb-accumulator.ts); here each result is a new immutable value. Each function returns undefined
 * where its operands do not fit the scratch limbs (a sum of values some 100 digits apart, a divisor of 2^49 or
 * more, a BigInt operand): the caller takes the BigInt way then. test/portfolio/limb-decimal.test.ts holds it to
 * decimal.js at those edges.
 */
const W = new Float64Array(7);

/** OUT (and a wide result's limbs in W) as a value. */
function result(): Exact {
  const n = OUT.n;
  if (n !== Infinity && n !== -Infinity) return { n, c: undefined, e: OUT.e, w: undefined };
  const w = [
    W[0] as number,
    W[1] as number,
    W[2] as number,
    W[3] as number,
    W[4] as number,
    W[5] as number,
    W[6] as number,
  ];
  return { n, c: undefined, e: OUT.e, w };
}

/** |x| × 10^shift as limbs into `to`, or -1 (limb-core.ts's loads); x is a safe Number or wide, not BigInt. */
function load(x: Exact, shift: number, to: Float64Array): number {
  const w = x.w;
  return w !== undefined ? loadWide(w, 0, shift, to) : loadSafe(x.n, shift, to);
}

/** a + b (or a − b), exactly rounded; undefined beyond the scratch limbs or for a BigInt operand. */
export function limbAdd(a: Exact, b: Exact, subtract: boolean): Exact | undefined {
  if (a.c !== undefined || b.c !== undefined) return undefined;
  const e = floor7(a.e < b.e ? a.e : b.e);
  const la = load(a, a.e - e, A);
  const lb = load(b, b.e - e, B);
  if (la === -1 || lb === -1) return undefined;
  sum(la, lb, e, a.n < 0, subtract ? !(b.n < 0) : b.n < 0, W, 0);
  return result();
}

/** a × b, exactly rounded; undefined for a BigInt operand. */
export function limbMul(a: Exact, b: Exact): Exact | undefined {
  if (a.c !== undefined || b.c !== undefined) return undefined;
  if (a.n === 0 || b.n === 0) return { n: 0, c: undefined, e: a.e + b.e, w: undefined };
  const ea = floor7(a.e);
  const eb = floor7(b.e);
  product(load(a, a.e - ea, A), load(b, b.e - eb, B), ea + eb, a.n < 0 !== b.n < 0, W, 0);
  return result();
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
  const da = a.w === undefined ? digitsOfSafe(a.n < 0 ? -a.n : a.n) : digitsOfWide(a.w, 0);
  const e = quotientExponent(a.e - b.e, da, digitsOfSafe(divisor));
  const la = load(a, a.e - b.e - e, A);
  if (la === -1) return undefined;
  quotient(la, e, divisor, a.n < 0 !== b.n < 0, W, 0);
  return result();
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
  return sa * compareLoaded(la, lb);
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
  writeWide(0, t - 1, at, negative, W, 0);
  return result();
}
