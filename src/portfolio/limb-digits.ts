/**
 * Digits of limbs (base 10^7, limb-core.ts) and of safe integers: small helpers of the limbs' arithmetic, apart
 * so that limb-core.ts holds the scratch limbs and every step that touches them in one module.
 */
const BASE = 1e7;
export const P10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];

/** The largest multiple of 7 not above e: wide values' exponents, so their limbs line up. */
export const floor7 = (e: number): number => Math.floor(e / 7) * 7;

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

export function digits7(x: number): number {
  return x < 1e3 ? (x < 10 ? 1 : x < 100 ? 2 : 3) : x < 1e5 ? (x < 1e4 ? 4 : 5) : x < 1e6 ? 6 : 7;
}

/** Decimal digits of the seven limbs w[off, off + 7) (at least 1). */
export function digitsOfWide(w: ArrayLike<number>, off: number): number {
  let t = 6;
  while (t > 0 && w[off + t] === 0) t--;
  return 7 * t + digits7(w[off + t] as number);
}

/** Digits of a safe integer (at least 1). */
export function digitsOfSafe(m: number): number {
  if (m < BASE) return digits7(m);
  const hi = Math.floor(m / BASE);
  return hi < BASE ? 7 + digits7(hi) : 14 + digits7(Math.floor(hi / BASE));
}
