import { D, type Decimal } from "./decimal.js";
import type { SymbolRules } from "./symbol-rules.js";
import type { Side } from "./types.js";

/** Rounding to MEXC's grids. Quantities only ever go down: an order may never exceed what the caller meant. */

export type RoundMode = "down" | "up" | "nearest";

const MODE = { down: D.ROUND_DOWN, up: D.ROUND_UP, nearest: D.ROUND_HALF_EVEN } as const;

/** `value` moved onto the grid of `step` (a positive power of ten or any positive decimal). */
export function roundToStep(value: Decimal, step: Decimal, mode: RoundMode): Decimal {
  if (!step.isFinite() || step.lte(0)) throw new RangeError(`step must be positive, got ${step.toFixed()}`);
  return new D(value).div(step).toDecimalPlaces(0, MODE[mode]).mul(step);
}

export function isOnStep(value: Decimal, step: Decimal): boolean {
  return new D(value).mod(step).isZero();
}

/** Base quantity down to the symbol's step. */
export function roundQuantity(rules: SymbolRules, quantity: Decimal): Decimal {
  return roundToStep(quantity, rules.step, "down");
}

/**
 * Price onto the tick. Given a side, rounds to the side that keeps the order at least as conservative as asked:
 * a buy never pays more (down), a sell never asks less (up). Or pass the mode explicitly.
 */
export function roundPrice(rules: SymbolRules, price: Decimal, sideOrMode: Side | RoundMode): Decimal {
  const mode: RoundMode = sideOrMode === "BUY" ? "down" : sideOrMode === "SELL" ? "up" : sideOrMode;
  return roundToStep(price, rules.tick, mode);
}

/** An amount of quote (quoteOrderQty of a market buy) down to the quote precision. */
export function roundQuoteAmount(rules: SymbolRules, amount: Decimal): Decimal {
  return roundToStep(amount, rules.quoteStep, "down");
}
