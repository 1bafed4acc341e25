import type { Account } from "./accounts.js";
import { D, type Dec, ROUND_DOWN } from "./decimal.js";
import type { Side } from "./orders.js";
import type { MarketSource, SymbolRule } from "./source.js";
import { COMMISSION_PRECISION } from "./universe.js";

/** Where commissions are charged; MEXC does not document it, so the simulator lets a test choose. */
export type FeeAsset = "quote" | "base" | "MX";

/** Commissions round down, so a lock that includes the exact fee always covers the charged one. */
export function feeOf(amount: Dec, rate: Dec): Dec {
  return amount.times(rate).toDecimalPlaces(COMMISSION_PRECISION, ROUND_DOWN);
}

export class FeeSchedule {
  constructor(
    readonly feeAsset: FeeAsset,
    private readonly source: MarketSource,
  ) {}

  /**
   * The commission of one fill. "quote": in quote on both sides. "base": in the asset received (base on a
   * buy, quote on a sell), so a sell never needs base beyond its quantity. "MX": in MX valued at MXUSDT when
   * the account holds enough free MX, otherwise in the asset received, as MEXC's MX deduction falls back.
   */
  commission(
    acc: Account,
    rule: SymbolRule,
    side: Side,
    notional: Dec,
    qty: Dec,
    rate: Dec,
    now: number,
  ): { asset: string; amount: Dec } {
    const received = side === "BUY" ? { asset: rule.baseAsset, amount: feeOf(qty, rate) } : undefined;
    const inQuote = { asset: rule.quoteAsset, amount: feeOf(notional, rate) };
    switch (this.feeAsset) {
      case "quote":
        return inQuote;
      case "base":
        return received ?? inQuote;
      case "MX": {
        const mx = this.mxValue(notional.times(rate), rule.quoteAsset, now);
        if (mx && acc.free("MX").greaterThanOrEqualTo(mx)) return { asset: "MX", amount: mx };
        return received ?? inQuote;
      }
    }
  }

  /** A quote amount in MX, through USDT (USDC and other quotes via their USDT pair). */
  private mxValue(quoteAmount: Dec, quoteAsset: string, now: number): Dec | undefined {
    const toUsdt = quoteAsset === "USDT" ? new D(1) : this.source.lastPrice(`${quoteAsset}USDT`, now);
    const mx = this.source.lastPrice("MXUSDT", now);
    if (!toUsdt || !mx || mx.isZero()) return undefined;
    return quoteAmount.times(toUsdt).dividedBy(mx).toDecimalPlaces(COMMISSION_PRECISION, ROUND_DOWN);
  }
}
