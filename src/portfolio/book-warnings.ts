import type { CostBasisWarning } from "./cost-basis-types.js";
import { type Exact, toDecimal } from "./exact-decimal.js";

/**
 * A warning of the fast book (fast-book.ts) with its amounts still exact (an option's price stays the Decimal the
 * option gave).
 */
export type BookWarning =
  | {
      readonly kind: "unmatched-sell";
      readonly w: Record<string, unknown>;
      readonly qty: Exact;
      readonly proceeds: Exact;
    }
  | { readonly kind: "other"; readonly w: CostBasisWarning };

/**
 * The warnings as the decimal.js book holds them, each converted once: a position's list and the book's share
 * the objects, as they do there.
 */
export function warningConverter(): (w: BookWarning) => CostBasisWarning {
  const converted = new Map<BookWarning, CostBasisWarning>();
  return (w) => {
    let out = converted.get(w);
    if (out === undefined) {
      out =
        w.kind === "other"
          ? w.w
          : ({ ...w.w, qty: toDecimal(w.qty), proceeds: toDecimal(w.proceeds) } as CostBasisWarning);
      converted.set(w, out);
    }
    return out;
  };
}
