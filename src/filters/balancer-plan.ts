import { D } from "../decimal.js";
import type { Part } from "./buy-caps.js";
import { money, share } from "./format.js";

/**
 * The 50/50 balancer's plan (seed: Balancer5050), as pure rules: when alts and BTC/ETH are off half of the invested
 * value each by more than `deviationPct`, buy the lagging side with half the gap in USD, at most the maximum per
 * operation and what is free; BTC/ETH split by their shares, alts spread over the basket, the least held first.
 * The bot reads balances, prices and the filter and places the orders; these decide what to buy and how much.
 */

const TARGET_PCT = new D(50);
/** Half the gap per operation: the market moves while orders fill, and a full correction would overshoot. */
const GAP_FRACTION = new D("0.5");

export type BalancerSide = "core" | "alt";

export type SideCall =
  | { readonly kind: "skip"; readonly why: string; readonly reasons: string[] }
  | { readonly kind: "buy"; readonly side: BalancerSide; readonly reasons: string[] };

/** Which side lags: `altSharePct` is the alts' share of the invested value (alts + BTC/ETH), in percent. */
export function balancerSide(altValue: D, coreValue: D, altSharePct: D, deviationPct: D): SideCall {
  const reasons = [
    `alts ${share(altSharePct)} % (${money(altValue)} USD) vs BTC/ETH ${share(new D(100).minus(altSharePct))} % (${money(coreValue)} USD)`,
  ];
  const deviation = altSharePct.minus(TARGET_PCT);
  if (deviation.abs().lte(deviationPct)) {
    return { kind: "skip", why: `alts within ${deviationPct.toFixed()} points of 50 %`, reasons };
  }
  const side = deviation.gt(0) ? "core" : "alt";
  reasons.push(
    `off 50 % by ${share(deviation.abs())} points: buying ${side === "core" ? "BTC/ETH" : "alts"}`,
  );
  return { kind: "buy", side, reasons };
}

export interface BalancerAmountInput {
  readonly altValue: D;
  readonly coreValue: D;
  /** Spendable USDC, after the floor `floor`. */
  readonly free: D;
  readonly floor: D;
  readonly maxPerOperation: D;
  readonly minPerAsset: D;
}

/** How much this operation spends: min(maximum, free, half the gap), or why nothing. */
export function balancerAmount(
  i: BalancerAmountInput,
): { ok: true; amount: D; reason: string } | { ok: false; why: string; reason: string } {
  const invested = i.altValue.plus(i.coreValue);
  const gapUsd = i.altValue.minus(invested.div(2)).abs();
  const amount = D.min(i.maxPerOperation, i.free, gapUsd.mul(GAP_FRACTION));
  const reason = `amount ${money(amount)} USDC = min(max ${i.maxPerOperation.toFixed()}, free ${money(i.free)} after keeping ${i.floor.toFixed()}, half the ${money(gapUsd)} USD gap)`;
  if (amount.lt(i.minPerAsset))
    return {
      ok: false,
      why: `${money(amount)} USDC is under ${i.minPerAsset.toFixed()} USD per asset`,
      reason,
    };
  return { ok: true, amount, reason };
}

export interface BalancerCandidate {
  readonly symbol: string;
  /** What the account holds of the base, in USDT; orders the alt basket (least held first). */
  readonly held: D;
  /** Share of the side (percent), BTC/ETH side only. */
  readonly splitPct?: D;
  /** The anti-hype size multiplier. */
  readonly multiplier: number;
}

/**
 * The quote each chosen symbol gets, its anti-hype multiplier applied. Each part must clear `minPerAsset` and
 * `fits` (the exchange's own minimums at the current price).
 */
export function allocateBalancer<T extends BalancerCandidate>(
  side: BalancerSide,
  cands: readonly T[],
  amount: D,
  minPerAsset: D,
  fits: (item: T, quote: D) => boolean,
  reasons: string[],
): Part<T>[] {
  const part = (item: T, quote: D): Part<T> => ({ item, quote: quote.mul(item.multiplier) });
  const allFit = (parts: Part<T>[], base: D) =>
    base.gte(minPerAsset) && parts.every((p) => fits(p.item, p.quote));
  if (side === "core") {
    // A blocked asset's share goes to the other: the point is the side's total.
    const sum = cands.reduce((s, x) => s.plus(x.splitPct ?? 0), new D(0));
    const parts = cands.map((x) => part(x, amount.mul(x.splitPct ?? 0).div(sum)));
    const smallest = D.min(...cands.map((x) => amount.mul(x.splitPct ?? 0).div(sum)));
    if (parts.length > 1 && !allFit(parts, smallest)) {
      const first = [...cands].sort((a, b) => (b.splitPct ?? new D(0)).comparedTo(a.splitPct ?? new D(0)))[0];
      if (!first) return [];
      reasons.push(
        `${money(amount)} USDC is too little to split (${minPerAsset.toFixed()} USD per asset): ${first.symbol} only`,
      );
      return [part(first, amount)];
    }
    return parts;
  }
  // Alts: the least held first, so the basket fills evenly over the operations; as many as the amount allows.
  const byHeld = [...cands].sort((a, b) => a.held.comparedTo(b.held));
  for (let n = Math.min(byHeld.length, amount.div(minPerAsset).floor().toNumber()); n >= 1; n--) {
    const each = amount.div(n);
    const parts = byHeld.slice(0, n).map((x) => part(x, each));
    if (n > 1 && !allFit(parts, each)) continue;
    if (n < byHeld.length) {
      reasons.push(
        `${money(amount)} USDC is enough for ${n} of ${byHeld.length} basket alts (${minPerAsset.toFixed()} USD each at least): ${parts.map((p) => p.item.symbol).join(", ")}`,
      );
    }
    return parts;
  }
  return [];
}
