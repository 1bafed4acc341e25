import { D } from "../decimal.js";
import { type JournalEntry, UNSETTLED_STATES } from "./order-state.js";

/**
 * Self-trade prevention on our side. The bots share one account: the balance buyer's resting BTCUSDC buy and the
 * PnL seller's BTCUSDC sell can meet on the book, paying two fees to trade with ourselves and leaving both bots
 * wrong about what they did.
 *
 * Decision: the NEW order is refused (with the reason), the resting one is left alone. Cancelling the resting
 * order first would race with its fill (the cancel may arrive after it filled, or half-way) and take away another
 * bot's intent that it is still following; a refusal only delays the new order to its bot's next run, by when the
 * resting order has filled, timed out or been cancelled by its own bot. MEXC's own protection is sent as a backstop
 * with the same choice: `stpMode=cancel_taker` (the incoming order's remainder is cancelled, the resting order
 * stays; see api/client.ts).
 *
 * An order "rests" from the journal's point of view when it is OPEN or PARTIALLY_FILLED, and also when it is
 * PENDING or UNKNOWN (it may be on the book already: we do not know yet); MARKET orders never rest.
 */

export interface OrderToCross {
  symbol: string;
  side: "BUY" | "SELL";
  type: string;
  /** Absent for MARKET orders: they cross any resting order on the other side. */
  price?: D | undefined;
}

/** The first resting order of ours that `order` would trade against, or undefined. */
export function ownOrderCrossed(
  order: OrderToCross,
  journal: Iterable<JournalEntry>,
): JournalEntry | undefined {
  for (const e of journal) {
    const i = e.intent;
    if (i.symbol !== order.symbol || i.side === order.side || !UNSETTLED_STATES.has(e.state)) continue;
    if (i.type === "MARKET" || i.price === undefined) continue;
    if (order.type === "MARKET" || order.price === undefined) return e;
    const resting = new D(i.price);
    // A BUY at p takes any SELL at ≤ p; a SELL at p takes any BUY at ≥ p.
    if (order.side === "BUY" ? resting.lte(order.price) : resting.gte(order.price)) return e;
  }
  return undefined;
}

/** The refusal reason for an order that would cross one of ours, or undefined when it crosses none. */
export function selfTradeRefusal(order: OrderToCross, journal: Iterable<JournalEntry>): string | undefined {
  const e = ownOrderCrossed(order, journal);
  if (!e) return undefined;
  const what =
    order.type === "MARKET" || !order.price
      ? `a MARKET ${order.side}`
      : `${order.side} at ${order.price.toFixed()}`;
  return (
    `${what} would trade with our own resting ${e.intent.side} at ${e.intent.price} on ${order.symbol} ` +
    `(${e.clientOrderId}, bot ${e.bot}, ${e.state}): not sent (self-trade prevention); ` +
    "the next run tries again once that order has filled, timed out or been cancelled"
  );
}
