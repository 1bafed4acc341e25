import { D } from "../decimal.js";
import type { AntiHypeVerdict } from "./anti-hype.js";
import { money, signedPct } from "./format.js";

/**
 * What the two book-buying bots (the balance buyer and the 50/50 balancer) decide alike: the filter's verdict as
 * a reason line, and the caps that apply last to a planned purchase.
 */

/** A planned purchase of one item (an asset, a symbol): how much quote it gets. */
export interface Part<T> {
  readonly item: T;
  readonly quote: D;
}

/**
 * The filter's verdict as a reason line, in the filter's own words: "BTC dip -6.1%: DCA ×2 (…)". `blocked` says
 * which filter blocked and what the bot does about it. `change24hPct` is NaN when unknown.
 */
export function verdictLine(
  name: string,
  verdict: AntiHypeVerdict,
  change24hPct: number,
  blocked: string,
): string {
  const detail = verdict.reasons.join("; ");
  const change = Number.isFinite(change24hPct) ? signedPct(change24hPct) : "unknown";
  switch (verdict.verdict) {
    case "blocked":
      return `${name} ${blocked} (${detail})`;
    case "boosted":
      return `${name} dip ${change}: DCA ×${verdict.multiplier} (${detail})`;
    case "damped":
      return `${name} hype ${change}: damped ×${verdict.multiplier} (${detail})`;
    case "allowed":
      return `${name} 24h ${change}: ×1 (${detail})`;
  }
}

export interface Caps {
  /** Spendable quote (after the floor). */
  readonly free: D;
  /** The bot's maximum per purchase. */
  readonly max: D;
  /** The quote asset, for the reason ("USDC"). */
  readonly quote: string;
}

/**
 * A dip boost may take the total past what may be spent: the maximum and what is spendable apply last, after
 * every multiplier (issue 13), by scaling every part down alike. Answers the parts and, when scaled, why.
 */
export function capParts<T>(
  parts: readonly Part<T>[],
  caps: Caps,
): { parts: Part<T>[]; reason: string | undefined } {
  const planned = parts.reduce((sum, p) => sum.plus(p.quote), new D(0));
  const most = D.min(caps.max, caps.free);
  if (!planned.gt(most)) return { parts: [...parts], reason: undefined };
  const limit = caps.free.lt(caps.max)
    ? `the free ${money(caps.free)}`
    : `the ${caps.max.toFixed()} ${caps.quote} maximum`;
  return {
    parts: parts.map((p) => ({ ...p, quote: p.quote.mul(most).div(planned) })),
    reason: `planned ${money(planned)} ${caps.quote} is more than ${limit}: scaled down`,
  };
}
