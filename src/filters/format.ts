import { D } from "../decimal.js";

/**
 * Number formatting for reasons a person reads in Telegram and in the logs. One decimal is enough to judge an
 * indicator; trailing ".0" is dropped so round values read as "RSI 28", not "RSI 28.0".
 *
 * A value next to a threshold gets more decimals while it would print the same as the threshold: "RSI 29.96
 * oversold", not "RSI 30 oversold" under a rule that says below 30.
 */

export function num(x: number, edges: readonly number[] = []): string {
  for (let digits = 1; digits <= 8; digits++) {
    const shown = round(x, digits);
    if (shown === x || !edges.some((e) => round(e, digits) === shown)) return String(shown);
  }
  return String(x);
}

/** A change with its sign: "+25%", "-6%", "0%". */
export function signedPct(x: number, edges: readonly number[] = []): string {
  const s = num(x, edges);
  return (Number(s) > 0 ? "+" : "") + s + "%";
}

/** A factor: "3.1×". */
export function times(x: number, edges: readonly number[] = []): string {
  return num(x, edges) + "×";
}

/** Points with their sign: "+2", "-1". */
export function points(p: number): string {
  return (p > 0 ? "+" : "") + String(p);
}

function round(x: number, digits: number): number {
  // Number(...) drops trailing zeros; adding 0 turns -0 into 0 so nothing prints "-0".
  return Number(x.toFixed(digits)) + 0;
}

/** An amount of money in a reason: two decimals, "12.35" (Decimal in, never through a JS number). */
export function money(d: D): string {
  return d.toDecimalPlaces(2, D.ROUND_HALF_EVEN).toFixed();
}

/** A share in percent in a reason: one decimal, "58.3". */
export function share(d: D): string {
  return d.toDecimalPlaces(1, D.ROUND_HALF_EVEN).toFixed();
}
