import { D } from "../decimal.js";
import type { AntiHypeVerdict } from "./anti-hype.js";
import { capParts, type Part, verdictLine } from "./buy-caps.js";
import { money, share } from "./format.js";

/**
 * The balance buyer's plan (seed: BalanceMonitor), as a pure rule: towards the target split of the assets' value,
 * only the lagging one when the split is off by more than `deviationPts`, each share times the anti-hype
 * multiplier (damped into hype, doubled into a dip, left out when blocked), every asset's minimum respected, and
 * the budget's caps last. The bot reads the market and places the orders; this decides how much of which.
 */

export interface BuyerAsset {
  readonly asset: string;
  /** What the account holds of it, in the quote. */
  readonly value: D;
  readonly verdict: AntiHypeVerdict;
  /** The 24 h change the filter used (percent, NaN when unknown). */
  readonly change24hPct: number;
}

export interface BuyerPlanInput<T extends BuyerAsset> {
  /** The assets that can be bought now, in the configured order. */
  readonly assets: readonly T[];
  /** Every configured asset with its target share (percent), whether it can be bought now or not. */
  readonly targets: readonly { readonly asset: string; readonly pct: D }[];
  /** What this purchase may spend: min(maximum, free). */
  readonly budget: D;
  readonly free: D;
  readonly maxPurchase: D;
  /** Points off the target share beyond which only the lagging asset is bought. */
  readonly deviationPts: D;
  /** The quote asset ("USDC"), for the reasons. */
  readonly quote: string;
  /** Why `quote` of the asset is too little to buy now (the exchange's and the bot's minimums), else undefined. */
  readonly tooSmall: (item: T, quote: D) => string | undefined;
}

export type BuyerPlan<T> =
  | { readonly kind: "buy"; readonly parts: Part<T>[]; readonly reasons: string[] }
  | { readonly kind: "skip"; readonly why: string; readonly reasons: string[] };

export function planBalanceBuy<T extends BuyerAsset>(input: BuyerPlanInput<T>): BuyerPlan<T> {
  const reasons: string[] = [];
  const skip = (why: string): BuyerPlan<T> => ({ kind: "skip", why, reasons });
  const chosen = chooseAssets(input, reasons);
  for (const a of chosen.plan)
    reasons.push(
      verdictLine(a.asset, a.verdict, a.change24hPct, "blocked by the anti-hype filter: not buying it"),
    );
  const open = chosen.plan.filter((a) => a.verdict.verdict !== "blocked");
  if (open.length === 0) return skip("every asset to buy is blocked by the anti-hype filter");
  const split = chosen.plan.length > 1;
  const amountOf = (a: T, alone: boolean): D => amountFor(input, a, alone);
  let parts: Part<T>[] = open.map((item) => ({ item, quote: amountOf(item, !split) }));

  // Respect each asset's minimum quantity; too little for both → the whole budget to one, the lagging first.
  const whys = parts.map((p) => input.tooSmall(p.item, p.quote)).filter((w) => w !== undefined);
  if (whys.length > 0) {
    const why = whys.join("; ");
    const candidates = [chosen.lagging, chosen.other].filter(
      (a): a is T => a !== undefined && open.includes(a),
    );
    const single = candidates.find((a) => input.tooSmall(a, amountOf(a, true)) === undefined);
    // Bought alone already (the lagging one only): the same amount cannot fit the second time round.
    if (!single || !split) return skip(`too little to buy: ${why}`);
    const what = open.length > 1 ? "both" : `${single.asset}'s share`;
    reasons.push(`too little for ${what} (${why}): buying ${single.asset} only, with the whole budget`);
    parts = [{ item: single, quote: amountOf(single, true) }];
  }

  const capped = capParts(parts, { free: input.free, max: input.maxPurchase, quote: input.quote });
  if (capped.reason) reasons.push(capped.reason);
  return { kind: "buy", parts: capped.parts, reasons };
}

function targetOf(input: Pick<BuyerPlanInput<BuyerAsset>, "targets">, asset: string): D {
  return input.targets.find((t) => t.asset === asset)?.pct ?? new D(0);
}

/** The planned quote of one asset: its share of the budget (all of it when bought alone) × its multiplier. */
function amountFor<T extends BuyerAsset>(input: BuyerPlanInput<T>, a: T, alone: boolean): D {
  const base = alone ? input.budget : input.budget.mul(targetOf(input, a.asset)).div(100);
  return base.mul(a.verdict.multiplier);
}

/** Which assets to buy: the lagging one alone when off by more than the deviation, else all by their targets. */
function chooseAssets<T extends BuyerAsset>(
  input: BuyerPlanInput<T>,
  reasons: string[],
): { plan: readonly T[]; lagging: T | undefined; other: T | undefined } {
  const { assets } = input;
  const total = assets.reduce((sum, a) => sum.plus(a.value), new D(0));
  const target = (a: T) => targetOf(input, a.asset);
  // Lagging: furthest under its target; with nothing held yet, the larger target.
  const gapOf = (a: T): D =>
    total.isZero() ? target(a).neg() : a.value.div(total).mul(100).minus(target(a));
  const lagging = [...assets].sort((a, b) => gapOf(a).comparedTo(gapOf(b)))[0];
  const other = assets.find((a) => a !== lagging);
  if (!lagging) return { plan: [], lagging, other };
  if (total.isZero()) {
    const names = input.targets.map((t) => t.asset).join(" or ");
    reasons.push(`no ${names} held yet: splitting ${input.targets.map((t) => t.pct.toFixed()).join("/")}`);
    return { plan: assets, lagging, other };
  }
  const held = assets.map((a) => `${a.asset} ${money(a.value)} ${input.quote}`).join(", ");
  const lagShare = lagging.value.div(total).mul(100);
  const head = `${lagging.asset} ${share(lagShare)} % vs target ${target(lagging).toFixed()} % (${held})`;
  const dev = input.deviationPts.toFixed();
  if (gapOf(lagging).abs().gt(input.deviationPts)) {
    reasons.push(`${head}: off by more than ${dev} points, buying ${lagging.asset} only`);
    return { plan: [lagging], lagging, other };
  }
  reasons.push(`${head}: within ${dev} points, splitting by the targets`);
  return { plan: assets, lagging, other };
}
