import { D } from "../decimal.js";
import { limbAdd, limbCmp, limbDigits, limbDiv, limbMul, limbsOfDigits } from "./limb-decimal.js";

/**
 * Decimal arithmetic for the full replay's hot loop, giving the very digits decimal.js gives with the project's
 * settings (src/decimal.ts: 40 significant digits, ROUND_HALF_EVEN). decimal.js rounds the exact result of every
 * plus, minus, times and div to that precision (its divide computes guard digits and a sticky "more" flag; its add
 * keeps a sticky word for an operand far below the result), so computing the exact result here and rounding it
 * once the same way gives the same value. decimal.js builds values from strings without rounding them, and so does
 * `exact` here. test/portfolio/fast-replay.test.ts checks it digit for digit against decimal.js.
 *
 * A value is coefficient × 10^e. The coefficient is a Number while it is a safe integer (|c| < 2^53): a double
 * holds it exactly, and a sum, difference or product of two such whose double result is still safe is exact too
 * (a double rounds monotonically and 2^53 is a double, so an inexact result could not land below it). Such a
 * result has at most 16 digits, so decimal.js would not round it either. Beyond 2^53 (and for every division) a
 * coefficient is wide, limbs of 10^7 in doubles (limb-decimal.ts); the arithmetic is BigInt only where limbs do
 * not fit (an amount of more than 42 digits read from text, values some 100 digits apart, a divisor beyond 2^49),
 * a BigInt operation being a runtime call and an allocation. Values are never mutated: the replay shares them.
 */
export interface Exact {
  /** The coefficient while it is a safe integer; ±Infinity (its sign) for a wide one in `w`, NaN for one in `c`. */
  readonly n: number;
  /** The coefficient of a value beyond 42 digits (only a long amount read from text: every result is rounded). */
  readonly c: bigint | undefined;
  readonly e: number;
  /**
   * The magnitude of a coefficient beyond 2^53 (up to 42 significant digits) as seven limbs of base 10^7, lowest
   * first, e a multiple of 7 (limb-decimal.ts computes on these in doubles). A safe coefficient is never wide.
   */
  readonly w: readonly number[] | undefined;
}

const PRECISION = 40;
const POW10: bigint[] = [1n];
for (let i = 1; i <= 2 * PRECISION + 40; i++) POW10.push((POW10[i - 1] as bigint) * 10n);
/** -10^n, so a negative value is compared with its bound without negating it (every negation is a new BigInt). */
const NEG_POW10 = POW10.map((p) => -p);
/** Half of 10^n (n ≥ 1): where a dropped remainder rounds up. */
const HALF = POW10.map((p) => p / 2n);
const NEG_HALF = HALF.map((h) => -h);
const LIMIT = POW10[PRECISION] as bigint;
const NEG_LIMIT = -LIMIT;
const TOP = POW10.length - 1;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const BIG_SAFE = BigInt(MAX_SAFE);
const NEG_BIG_SAFE = -BIG_SAFE;
/** 10^k as doubles, exact up to 10^22; a shift beyond 15 digits would leave no safe coefficient but 0 anyway. */
const POW10_N = Array.from({ length: 23 }, (_, k) => 10 ** k);

export const X_ZERO: Exact = { n: 0, c: undefined, e: 0, w: undefined };
export const X_ONE: Exact = { n: 1, c: undefined, e: 0, w: undefined };

/** The value c × 10^e in its one form: a Number coefficient while it is safe, wide up to 42 digits. */
function make(c: bigint, e: number): Exact {
  if (c <= BIG_SAFE && c >= NEG_BIG_SAFE) return { n: Number(c), c: undefined, e, w: undefined };
  return wideOf(c, e);
}

/** A coefficient beyond 2^53 (the BigInt way's result) in its one form: wide up to 42 digits, else a BigInt. */
function wideOf(c: bigint, e: number): Exact {
  const negative = c < 0n;
  const s = (negative ? -c : c).toString();
  if (s.length <= 42) return limbsOfDigits(s, e, negative);
  return { n: Number.NaN, c, e, w: undefined };
}

/** The coefficient as a BigInt. */
function big(a: Exact): bigint {
  if (a.c !== undefined) return a.c;
  if (a.w === undefined) return BigInt(a.n);
  const m = BigInt(limbDigits(a.w));
  return a.n < 0 ? -m : m;
}

/** A safe Number result, or NaN when it is not (then the caller takes the BigInt way). */
function safe(x: number): number {
  return x <= MAX_SAFE && x >= -MAX_SAFE ? x : Number.NaN;
}

/**
 * a.n × 10^(a.e − e) as a safe Number (e ≤ a.e), or NaN: the coefficient of a at the smaller exponent e. NaN
 * coefficients (big values) stay NaN, so callers test the result once.
 */
function at(a: Exact, e: number): number {
  const d = a.e - e;
  if (d === 0) return a.n;
  return d < POW10_N.length ? safe(a.n * (POW10_N[d] as number)) : Number.NaN;
}

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/**
 * Decimal digits of a value, sign aside (1 for 0), known to have at least `lo`: `guess` first (two comparisons;
 * callers know the likely count: a rounded value has 40, a quotient or a rounded sum a digit or two more), then a
 * binary search in the table of powers. (Number(c) and a logarithm would be fewer steps, but converting a BigInt
 * to a double costs as much as four comparisons.)
 */
function digitsOf(c: bigint, lo = 1, guess = lo): number {
  const negative = c < 0n;
  if (guess >= lo && guess < TOP) {
    if (negative) {
      if (c > (NEG_POW10[guess] as bigint) && (guess === lo || c <= (NEG_POW10[guess - 1] as bigint)))
        return guess;
    } else if (c < (POW10[guess] as bigint) && (guess === lo || c >= (POW10[guess - 1] as bigint)))
      return guess;
  }
  if (negative ? c <= (NEG_POW10[TOP] as bigint) : c >= (POW10[TOP] as bigint))
    return (negative ? -c : c).toString().length;
  // The smallest n with |c| < 10^n.
  let hi = TOP;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (negative ? c > (NEG_POW10[mid] as bigint) : c < (POW10[mid] as bigint)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Digits of a safe Number coefficient, sign aside. */
function digitsOfNumber(n: number): number {
  const abs = Math.abs(n);
  let d = 1;
  while (d < 16 && abs >= (POW10_N[d] as number)) d++;
  return d;
}

/**
 * Rounds to 40 significant digits, half to even. For a quotient `c` of `dividend` / `divisor` (not 0n), the
 * exact value lies a little beyond `c`, away from zero, when the division left a remainder: asked only at an
 * exact half, where it decides (two BigInt operations saved on every other division). BigInt division truncates
 * toward zero and the remainder takes the sign of `c`, so a negative value rounds without being negated. Each
 * BigInt comparison is a call, so the sign is asked once and each bound on its own side; a sum is one digit over
 * at most, so 41 digits is asked before the search; a rounded value has 40 digits, far beyond a safe Number.
 */
function round(c: bigint, e: number, dividend = 0n, divisor = 0n): Exact {
  if (c >= 0n) {
    if (c < LIMIT) return c <= BIG_SAFE ? { n: Number(c), c: undefined, e, w: undefined } : wideOf(c, e);
    const drop =
      (c < (POW10[PRECISION + 1] as bigint) ? PRECISION + 1 : digitsOf(c, PRECISION + 2)) - PRECISION;
    const unit = pow10(drop);
    let q = c / unit;
    // Not c % unit: a BigInt remainder costs more than a product and a difference.
    const r = c - q * unit;
    const half = HALF[drop] ?? unit / 2n;
    // Below half is the common case: one comparison then.
    if (r >= half && (r > half || (q & 1n) === 1n || inexact(c, dividend, divisor))) {
      q += 1n;
      if (q === LIMIT) return wideOf(POW10[PRECISION - 1] as bigint, e + drop + 1);
    }
    return wideOf(q, e + drop);
  }
  if (c > NEG_LIMIT)
    return c >= NEG_BIG_SAFE ? { n: Number(c), c: undefined, e, w: undefined } : wideOf(c, e);
  const drop =
    (c > (NEG_POW10[PRECISION + 1] as bigint) ? PRECISION + 1 : digitsOf(c, PRECISION + 2)) - PRECISION;
  const unit = pow10(drop);
  let q = c / unit;
  const r = c - q * unit;
  const half = NEG_HALF[drop] ?? -(unit / 2n);
  if (r <= half && (r < half || (q & 1n) === 1n || inexact(c, dividend, divisor))) {
    q -= 1n;
    if (q === NEG_LIMIT) return wideOf(NEG_POW10[PRECISION - 1] as bigint, e + drop + 1);
  }
  return wideOf(q, e + drop);
}

/** Whether c is a quotient dividend / divisor that left a remainder (never, for divisor 0n: no division). */
function inexact(c: bigint, dividend: bigint, divisor: bigint): boolean {
  return divisor !== 0n && dividend !== c * divisor;
}

export function xAdd(a: Exact, b: Exact): Exact {
  const e = a.e < b.e ? a.e : b.e;
  const sum = safe(at(a, e) + at(b, e));
  // biome-ignore lint/suspicious/noSelfCompare: NaN, never equal to itself, marks a result beyond a safe Number
  if (sum === sum) return { n: sum, c: undefined, e, w: undefined };
  return limbAdd(a, b, false) ?? bigAdd(big(a), a.e, big(b), b.e);
}

/** a − b: the same as xAdd(a, −b) without making −b. */
export function xSub(a: Exact, b: Exact): Exact {
  const e = a.e < b.e ? a.e : b.e;
  const difference = safe(at(a, e) - at(b, e));
  // biome-ignore lint/suspicious/noSelfCompare: as in xAdd
  if (difference === difference) return { n: difference, c: undefined, e, w: undefined };
  return limbAdd(a, b, true) ?? bigSub(big(a), a.e, big(b), b.e);
}

function bigAdd(a: bigint, ae: number, b: bigint, be: number): Exact {
  if (ae === be) return round(a + b, ae);
  if (ae > be) return round(a * pow10(ae - be) + b, be);
  return round(a + b * pow10(be - ae), ae);
}

/** bigAdd(a, −b) without making −b (a BigInt each). */
function bigSub(a: bigint, ae: number, b: bigint, be: number): Exact {
  if (ae === be) return round(a - b, ae);
  if (ae > be) return round(a * pow10(ae - be) - b, be);
  return round(a - b * pow10(be - ae), ae);
}

export function xMul(a: Exact, b: Exact): Exact {
  const product = safe(a.n * b.n);
  // biome-ignore lint/suspicious/noSelfCompare: as in xAdd
  if (product === product) return { n: product, c: undefined, e: a.e + b.e, w: undefined };
  return limbMul(a, b) ?? round(big(a) * big(b), a.e + b.e);
}

/** a / b, b not zero. */
export function xDiv(a: Exact, b: Exact): Exact {
  if (a.n === 0) return X_ZERO;
  const limbs = limbDiv(a, b);
  if (limbs !== undefined) return limbs;
  const ac = big(a);
  const bc = big(b);
  const da = isSafe(a) ? digitsOfNumber(a.n) : digitsOf(ac, 16, PRECISION);
  const db = isSafe(b) ? digitsOfNumber(b.n) : digitsOf(bc, 16, PRECISION);
  // Enough digits that the quotient has more than the precision, so rounding sees its true next digit.
  const shift = Math.max(0, PRECISION + 2 + db - da);
  const n = ac * pow10(shift);
  const q = n / bc;
  // A remainder matters only where the dropped digits are exactly a half: the true value lies beyond it.
  return round(q, a.e - b.e - shift, n, bc);
}

/** Whether the coefficient is a safe Number (neither wide nor BigInt). */
const isSafe = (a: Exact): boolean => a.c === undefined && a.w === undefined;

export function xCmp(a: Exact, b: Exact): number {
  const e = a.e < b.e ? a.e : b.e;
  const x = at(a, e);
  const y = at(b, e);
  // biome-ignore lint/suspicious/noSelfCompare: as in xAdd (a wide value's ±Infinity is safe() only if unshifted)
  if (x === x && y === y && isSafe(a) && isSafe(b)) return x < y ? -1 : x > y ? 1 : 0;
  const limbs = limbCmp(a, b);
  if (limbs !== undefined) return limbs;
  let p = big(a);
  let q = big(b);
  if (a.e > b.e) p *= pow10(a.e - b.e);
  else if (b.e > a.e) q *= pow10(b.e - a.e);
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Zero is always a safe Number. */
export const xIsZero = (a: Exact): boolean => a.n === 0;

export function xMin(a: Exact, b: Exact): Exact {
  return xCmp(b, a) < 0 ? b : a;
}

const PLAIN = /^\d+(?:\.\d+)?$/;

/** A plain non-negative decimal string, exactly (fills.jsonl's amounts: the schema has checked their form). */
export function exact(text: string): Exact {
  if (!PLAIN.test(text)) throw new RangeError(`not a plain decimal: ${text}`);
  const dot = text.indexOf(".");
  const digits = dot === -1 ? text : text.slice(0, dot) + text.slice(dot + 1);
  const e = dot === -1 ? 0 : dot + 1 - text.length;
  // Up to 15 digits a double holds the integer exactly, and Number() is several times cheaper than BigInt().
  return digits.length < 16 ? { n: Number(digits), c: undefined, e, w: undefined } : make(BigInt(digits), e);
}

/** A Decimal, exactly (a price from the options). */
export function exactOfDecimal(d: D): Exact {
  if (!d.isFinite()) throw new RangeError(`not a finite price: ${d.toString()}`);
  const s = d.toFixed();
  const negative = s.startsWith("-");
  const x = exact(negative ? s.slice(1) : s);
  if (!negative) return x;
  return x.c === undefined
    ? { n: -x.n, c: undefined, e: x.e, w: x.w }
    : { n: Number.NaN, c: -x.c, e: x.e, w: undefined };
}

/** The value as a Decimal; zero is 0 whatever its sign (decimal.js keeps a −0 that its toString hides). */
export function toDecimal(a: Exact): D {
  if (a.n === 0) return new D(0);
  if (a.w === undefined) return new D(`${a.c ?? a.n}e${a.e}`);
  return new D(`${a.n < 0 ? "-" : ""}${limbDigits(a.w)}e${a.e}`);
}
