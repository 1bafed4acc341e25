import { D, floatFixed, ROUND_DOWN, ROUND_UP, str } from "./decimal.js";

/**
 * `str(new D(x).toDecimalPlaces(dp, ROUND_DOWN or ROUND_UP))` for a positive float, on the float's own text (a
 * Decimal built from a number reads `x.toString()`, so cutting that text at `dp` places is the same rounding).
 * The history market's tickers print a few of these per symbol per request: building and printing Decimals for
 * them was a third of the simulator's time in a replay. A text in exponent form (below 1e-6, from 1e21) goes
 * through Decimal, as does anything not positive.
 */
export function floatPlaces(x: number, dp: number, up: boolean): string {
  const s = String(x);
  if (!(x > 0) || !Number.isInteger(dp) || dp < 0 || s.includes("e"))
    return str(new D(x).toDecimalPlaces(dp, up ? ROUND_UP : ROUND_DOWN));
  const dot = s.indexOf(".");
  if (dot < 0) return s;
  const frac = s.length - dot - 1;
  if (frac <= dp) return s;
  let digits = s.slice(0, dot) + s.slice(dot + 1, dot + 1 + dp);
  if (up && /[1-9]/.test(s.slice(dot + 1 + dp))) digits = increment(digits);
  return placed(digits, dp);
}

/** `digits` (a decimal integer text) plus one, carrying. */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  if (i < 0) return `1${"0".repeat(digits.length)}`;
  return (
    digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + "0".repeat(digits.length - i - 1)
  );
}

/** An integer text of units of 10^-dp in wire form: leading and trailing zeros dropped, "0" for zero. */
function placed(digits: string, dp: number): string {
  let int = digits.slice(0, digits.length - dp).replace(/^0+/, "");
  const frac = digits.slice(digits.length - dp).replace(/0+$/, "");
  if (int === "") int = "0";
  return frac === "" ? int : `${int}.${frac}`;
}

/**
 * `str(new D(floatFixed(x, dp)))`: a generated price in wire form. floatFixed already prints plain notation
 * without trailing zeros below 1e21, which is what printing the Decimal again gives.
 */
export function floatPrice(x: number, dp: number): string {
  const s = floatFixed(x, dp);
  return s.includes("e") ? str(new D(s)) : s;
}

/** 10^-dp in wire form: the smallest step at `dp` places. */
export function unitText(dp: number): string {
  if (dp === 0) return "1";
  if (!Number.isInteger(dp) || dp < 0) return str(new D(1).dividedBy(new D(10).pow(dp)));
  return `0.${"0".repeat(dp - 1)}1`;
}

/** A plain non-negative decimal text as an integer count of 10^-dp, when a double holds it exactly. */
function scaled(t: string, dp: number): number | undefined {
  const dot = t.indexOf(".");
  const frac = dot < 0 ? "" : t.slice(dot + 1);
  if (frac.length > dp || !/^\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number((dot < 0 ? t : t.slice(0, dot) + frac) + "0".repeat(dp - frac.length));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A signed integer count of 10^-dp in wire form ("0" for zero, never "-0"). */
function unscaled(n: number, dp: number): string {
  if (n === 0) return "0";
  const digits = String(Math.abs(n)).padStart(dp + 1, "0");
  return (n < 0 ? "-" : "") + placed(digits, dp);
}

const places = (t: string): number => (t.includes(".") ? t.length - t.indexOf(".") - 1 : 0);

/**
 * The 24 h ticker's change and change ratio from two price texts in wire form: `str(last − open)` and
 * `str(((last − open) / open).toDecimalPlaces(4))` with Decimal's half-up, exactly, on integers while a double
 * holds them. Decimal's division first rounds to 40 digits; that can move a half-up decision only when the exact
 * ratio lies within 10^-36 of a half unit, and a ratio of integers below 2^53 lies at least 2^-54 from it unless
 * it is the half itself, which 40 digits hold. Anything else (longer texts) asks Decimal.
 */
export function changeTexts(last: string, open: string): { change: string; percent: string } {
  if (last === open) return { change: "0", percent: "0" };
  const dp = Math.max(places(last), places(open));
  const l = scaled(last, dp);
  const o = scaled(open, dp);
  const num = l !== undefined && o !== undefined ? (l - o) * 10_000 : Number.NaN;
  if (l === undefined || o === undefined || !(Math.abs(num) + o <= Number.MAX_SAFE_INTEGER)) {
    const od = new D(open);
    const change = new D(last).minus(od);
    return { change: str(change), percent: od.isZero() ? "0" : str(change.dividedBy(od).toDecimalPlaces(4)) };
  }
  const change = unscaled(l - o, dp);
  if (o === 0) return { change, percent: "0" };
  let q = Math.trunc(num / o);
  let r = num - q * o;
  // The double quotient may be one off; the remainder puts it right (same sign as num, below o).
  while (r !== 0 && Math.sign(r) !== Math.sign(num)) {
    q -= Math.sign(num);
    r = num - q * o;
  }
  while (Math.abs(r) >= o) {
    q += Math.sign(num);
    r = num - q * o;
  }
  if (2 * Math.abs(r) >= o) q += Math.sign(num);
  return { change, percent: unscaled(q, 4) };
}
