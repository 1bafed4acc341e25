import { Decimal } from "decimal.js";

/**
 * The one Decimal used for money everywhere above the wire: 40 significant digits so that sums of many small fills
 * and products of price × quantity never round. Build values from strings (`D("0.0001")`), send them with
 * `toFixed()` (`toString()` can print `1e-7`, which MEXC rejects).
 */
export const D = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type D = Decimal;

export function isDecimalString(s: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(s);
}
