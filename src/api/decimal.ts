import type { Decimal as DecimalJs } from "decimal.js";

/**
 * The project's one Decimal for money (src/decimal.ts: 40 significant digits, no exponent notation), re-exported
 * for the client. Anything sent to MEXC still goes through `toWire()` (`toFixed()`): MEXC rejects `1e-7`.
 */
import { D } from "../decimal.js";

export { D };
export type Decimal = DecimalJs;

/** A plain decimal literal as MEXC sends it: optional minus, digits, optional fraction. No exponent, no "NaN". */
export const DECIMAL_LITERAL = /^-?\d+(\.\d+)?$/;

/** The text MEXC accepts for a decimal: fixed notation, no exponent, no trailing-zero games. */
export function toWire(d: Decimal): string {
  if (!d.isFinite()) throw new RangeError(`not a finite decimal: ${d.toString()}`);
  return d.toFixed();
}

/** 10^-places, e.g. 2 → 0.01: MEXC expresses steps and ticks as a number of decimal places. */
export function stepOf(places: number): Decimal {
  return new D(10).pow(-places);
}
