import { D } from "../decimal.js";

/**
 * Decimal arithmetic on BigInt for the full replay's hot loop, giving the very digits decimal.js gives with the
 * project's settings (src/decimal.ts: 40 significant digits, ROUND_HALF_EVEN). decimal.js rounds the exact result
 * of every plus, minus, times and div to that precision (its divide computes guard digits and a sticky "more"
 * flag; its add keeps a sticky word for an operand far below the result), so computing the exact result here and
 * rounding it once the same way gives the same value. decimal.js builds values from strings without rounding
 * them, and so does `exact` here. The replay is 5-10× faster this way; test/portfolio/fast-replay.test.ts checks
 * it digit for digit against the decimal.js book on random fills.
 *
 * A value is `c × 10^e`. Values are never mutated: the replay shares them freely.
 */
export interface Exact {
  readonly c: bigint;
  readonly e: number;
}

const PRECISION = 40;
const POW10: bigint[] = [1n];
for (let i = 1; i <= 2 * PRECISION + 40; i++) POW10.push((POW10[i - 1] as bigint) * 10n);
const LIMIT = POW10[PRECISION] as bigint;

export const X_ZERO: Exact = { c: 0n, e: 0 };
export const X_ONE: Exact = { c: 1n, e: 0 };

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Decimal digits of a non-negative value (1 for 0). */
function digitsOf(abs: bigint): number {
  if (abs >= (POW10[POW10.length - 1] as bigint)) return abs.toString().length;
  // Binary search in the table of powers: the smallest n with abs < 10^n.
  let lo = 1;
  let hi = POW10.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (abs < (POW10[mid] as bigint)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Rounds to 40 significant digits, half to even. `sticky` says the exact value lies a little beyond `c`
 * (a division's non-zero remainder), away from zero.
 */
function round(c: bigint, e: number, sticky = false): Exact {
  const abs = c < 0n ? -c : c;
  if (abs < LIMIT) return { c, e };
  const drop = digitsOf(abs) - PRECISION;
  const unit = pow10(drop);
  let q = abs / unit;
  const twice = (abs - q * unit) * 2n;
  if (twice > unit || (twice === unit && (sticky || (q & 1n) === 1n))) q += 1n;
  let exp = e + drop;
  if (q === LIMIT) {
    q = LIMIT / 10n;
    exp += 1;
  }
  return { c: c < 0n ? -q : q, e: exp };
}

export function xAdd(a: Exact, b: Exact): Exact {
  if (a.e === b.e) return round(a.c + b.c, a.e);
  if (a.e > b.e) return round(a.c * pow10(a.e - b.e) + b.c, b.e);
  return round(a.c + b.c * pow10(b.e - a.e), a.e);
}

export function xSub(a: Exact, b: Exact): Exact {
  return xAdd(a, { c: -b.c, e: b.e });
}

export function xMul(a: Exact, b: Exact): Exact {
  return round(a.c * b.c, a.e + b.e);
}

/** a / b, b not zero. */
export function xDiv(a: Exact, b: Exact): Exact {
  if (a.c === 0n) return X_ZERO;
  const absA = a.c < 0n ? -a.c : a.c;
  const absB = b.c < 0n ? -b.c : b.c;
  // Enough digits that the quotient has more than the precision, so rounding sees its true next digit.
  const shift = Math.max(0, PRECISION + 2 + digitsOf(absB) - digitsOf(absA));
  const n = absA * pow10(shift);
  const q = n / absB;
  const sticky = n - q * absB !== 0n;
  const negative = a.c < 0n !== b.c < 0n;
  // A remainder matters only where the dropped digits are exactly a half: the true value lies beyond it.
  return round(negative ? -q : q, a.e - b.e - shift, sticky);
}

export function xCmp(a: Exact, b: Exact): number {
  let x = a.c;
  let y = b.c;
  if (a.e > b.e) x *= pow10(a.e - b.e);
  else if (b.e > a.e) y *= pow10(b.e - a.e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const xIsZero = (a: Exact): boolean => a.c === 0n;

export function xMin(a: Exact, b: Exact): Exact {
  return xCmp(b, a) < 0 ? b : a;
}

const PLAIN = /^\d+(?:\.\d+)?$/;

/** A plain non-negative decimal string, exactly (fills.jsonl's amounts: the schema has checked their form). */
export function exact(text: string): Exact {
  if (!PLAIN.test(text)) throw new RangeError(`not a plain decimal: ${text}`);
  const dot = text.indexOf(".");
  if (dot === -1) return text.length < 16 ? { c: BigInt(Number(text)), e: 0 } : { c: BigInt(text), e: 0 };
  const digits = text.slice(0, dot) + text.slice(dot + 1);
  // Up to 15 digits a double holds the integer exactly, and BigInt(number) is several times cheaper than parsing.
  const c = digits.length < 16 ? BigInt(Number(digits)) : BigInt(digits);
  return { c, e: dot + 1 - text.length };
}

/** A Decimal, exactly (a price from the options). */
export function exactOfDecimal(d: D): Exact {
  if (!d.isFinite()) throw new RangeError(`not a finite price: ${d.toString()}`);
  const s = d.toFixed();
  const negative = s.startsWith("-");
  const x = exact(negative ? s.slice(1) : s);
  return negative ? { c: -x.c, e: x.e } : x;
}

export function toDecimal(a: Exact): D {
  return a.c === 0n ? new D(0) : new D(`${a.c}e${a.e}`);
}
