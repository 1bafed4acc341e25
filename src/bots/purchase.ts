import type { MexcClient } from "../api/index.js";
import type { D } from "../decimal.js";
import { money } from "../filters/index.js";
import type { Logger } from "../log.js";
import type { OrderPlacer } from "../trading/order-placer.js";
import type { Funds } from "../trading/treasury.js";
import { type BookBuyResult, bookBuy, describeBuy, ordered, outcomeOf } from "./book-buy.js";
import type { Decision, RunContext } from "./monitor.js";

/**
 * What the two book-buying bots (the balance buyer and the 50/50 balancer) do alike around their plans: wait for
 * their own resting orders, buy each planned part with a book-priced limit, and sum the purchase up. A routine of
 * bots/, not a bot: bots never import each other.
 */

export interface PurchaseDeps {
  client: MexcClient;
  treasury: Funds;
  /** The order manager, or the proposal queue when the bot may not trade by itself. */
  orders: OrderPlacer;
  /**
   * This bot's orders not yet settled (resting, or being looked up). While any rests, what it bought is not in the
   * balances yet, so deciding again would buy the same gap twice: the bot waits for them to fill or time out.
   */
  openOrders?: () => number;
  log?: Logger;
}

/** The book-buy settings of one bot's config section. */
export interface BookBuySettings {
  makerOffsetPct: D;
  placementAttempts: number;
  orderTimeoutSec: number;
  cooldownSec: number;
}

/** One order of a purchase: what to buy and how it is told in the journal, the reasons and the log. */
export interface PurchaseOrder {
  symbol: string;
  quote: D;
  /** Kept in the journal and shown to the owner. */
  why: string;
  /** How the part is named in the reasons ("BTC 12.50 USDC (×2)") and the summary ("BTC"). */
  label: string;
  name: string;
  minQuantity?: D;
  /** The log line's fields beyond the bot, quote and outcome. */
  logFields: Record<string, string>;
}

export function noPurchase(reasons: readonly string[], why: string): Decision {
  return { acted: false, summary: `no purchase: ${why}`, reasons: [...reasons, why] };
}

/** Why the bot waits instead of deciding, or undefined when none of its orders is still open. */
export function waitingForOwnOrders(deps: PurchaseDeps): string | undefined {
  const resting = deps.openOrders?.() ?? 0;
  if (resting === 0) return undefined;
  return `${resting} order${resting === 1 ? "" : "s"} of mine still open: waiting for them to fill or time out`;
}

/** "free USDC 120.00 (after keeping 50)": spendable already keeps the bot's floor. */
export function freeLine(asset: string, free: D, floor: D): string {
  return `free ${asset} ${money(free)} (after keeping ${floor.toFixed()})`;
}

/** One book buy with the bot's settings. */
export function buyOne(
  deps: PurchaseDeps,
  bot: string,
  s: BookBuySettings,
  o: Pick<PurchaseOrder, "symbol" | "quote" | "why" | "minQuantity">,
  signal: AbortSignal,
): Promise<BookBuyResult> {
  return bookBuy(deps, {
    bot,
    symbol: o.symbol,
    quote: o.quote,
    reason: o.why,
    makerOffsetPct: s.makerOffsetPct,
    attempts: s.placementAttempts,
    timeoutMs: s.orderTimeoutSec * 1000,
    signal,
    ...(o.minQuantity ? { minQuantity: o.minQuantity } : {}),
  });
}

export interface PurchaseOptions {
  /** The summary's first word(s): "bought", "rebalanced:". */
  verb: string;
  /** The log line's message. */
  logMessage: string;
}

/**
 * Buys every part, one after the other, after the cooldown is on disk (a crash after the first order must not let
 * the restarted bot buy again), commits it again after the last part, and turns the outcomes into the run's
 * decision.
 */
export async function purchase(
  deps: PurchaseDeps,
  bot: string,
  s: BookBuySettings,
  ctx: RunContext,
  parts: readonly PurchaseOrder[],
  reasons: string[],
  opts: PurchaseOptions,
): Promise<Decision> {
  const cooldownUntil = ctx.now + s.cooldownSec * 1000;
  await ctx.commitLimits(cooldownUntil);
  const done: { name: string; r: BookBuyResult }[] = [];
  for (const part of parts) {
    // A stop or a pause while the run goes on: no further part is sent (the runtime aborts the run's signal).
    if (ctx.signal.aborted) {
      reasons.push("stopped before every purchase was made");
      break;
    }
    const r = await buyOne(deps, bot, s, part, ctx.signal);
    reasons.push(`${part.label}: ${describeBuy(r)}`);
    done.push({ name: part.name, r });
    deps.log?.info({ bot, ...part.logFields, quote: part.quote.toFixed(), outcome: r.kind }, opts.logMessage);
  }
  const sent = done.filter((d) => ordered(d.r));
  if (sent.length === 0) return { acted: false, summary: "no purchase: no order went through", reasons };
  // Once more after the last order: the cooldown then holds from it, not from before the first (an order can take
  // seconds on a loaded machine; npm run chaos saw a purchase's last order and the next purchase closer than the
  // cooldown, together above the cap).
  await ctx.commitLimits(cooldownUntil);
  const summary = sent
    .map(
      (d) => `${d.name} ${d.r.kind === "skipped" ? "" : money(d.r.order.notional)} USDC (${outcomeOf(d.r)})`,
    )
    .join(", ");
  return { acted: true, summary: `${opts.verb} ${summary}`, reasons, cooldownUntil };
}
