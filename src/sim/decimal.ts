import { Decimal } from "decimal.js";

/**
 * The simulator's own Decimal: 40 significant digits is far more than any product of a price and a quantity
 * needs, so fills, fees and balances stay exact. Exponent thresholds are pushed out so that no path through
 * the code can ever print "1e-7" on the wire.
 */
export const D = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Dec = Decimal;

export const ZERO = new D(0);
export const ONE = new D(1);

/** Wire form: plain notation, no trailing zeros, never "-0". */
export function str(d: Dec): string {
  return d.isZero() ? "0" : d.toFixed();
}

/** Rounds to `dp` places (half up unless told) and prints in wire form. */
export function fixed(d: Dec, dp: number, rounding: Decimal.Rounding = Decimal.ROUND_HALF_UP): string {
  return str(d.toDecimalPlaces(dp, rounding));
}

/**
 * A float of the synthetic generator printed with `dp` decimals, in wire form. Number#toFixed (rounding the
 * binary value) is used rather than Decimal because the tickers of 2,000 symbols print millions of these; every
 * place that turns a generated price into a Decimal goes through here, so they all agree to the last digit.
 */
export function floatFixed(x: number, dp: number): string {
  if (!Number.isFinite(x) || x <= 0) return "0";
  return trimZeros(x.toFixed(dp));
}

/** Same, rounded down (volumes). */
export function floatFloor(x: number, dp: number): string {
  if (!Number.isFinite(x) || x <= 0) return "0";
  const f = 10 ** dp;
  return trimZeros((Math.floor(x * f * (1 + 1e-12)) / f).toFixed(dp));
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** Strict decimal literal as accepted in order parameters: digits, optional fraction, no sign or exponent. */
const DECIMAL_RE = /^(\d+(\.\d*)?|\.\d+)$/;

export function parseDecimal(s: string): Dec | undefined {
  return DECIMAL_RE.test(s) ? new D(s) : undefined;
}

export function sum(values: Iterable<Dec>): Dec {
  let t = ZERO;
  for (const v of values) t = t.plus(v);
  return t;
}

export function minDec(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}

export const ROUND_DOWN = Decimal.ROUND_DOWN;
export const ROUND_UP = Decimal.ROUND_UP;
export const ROUND_HALF_UP = Decimal.ROUND_HALF_UP;
