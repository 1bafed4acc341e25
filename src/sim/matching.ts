import { type Dec, minDec, ROUND_DOWN, ZERO } from "./decimal.js";
import { feeOf } from "./fees.js";
import type { Order, Side } from "./orders.js";
import type { SymbolRule } from "./source.js";

/**
 * How an incoming order meets the book: the levels it may take from (the market's and the account's own resting
 * orders), and the walk across them as a taker, with self-trade prevention. Pure: the engine applies the result.
 */

export interface Fill {
  price: Dec;
  qty: Dec;
  /** The account's own resting order on the other side: a self-trade. */
  maker?: Order | undefined;
}

export interface Walk {
  fills: Fill[];
  qty: Dec;
  /** Quote paid (buy, including a fee charged in quote) or received before fees (sell). */
  quote: Dec;
  /** The book or the limit price ran out before the order was satisfied. */
  exhausted: boolean;
  /** Own resting orders self-trade prevention cancels (cancel_maker, cancel_both). */
  stpMakers: Order[];
  /** Self-trade prevention ends the incoming order here (cancel_taker, cancel_both). */
  stpTaker: boolean;
}

/** A level the incoming order may take from: the market's, or one of the account's own resting orders. */
export interface TakeLevel {
  price: Dec;
  qty: Dec;
  maker?: Order;
}

export const NO_WALK = (): Walk => ({
  fills: [],
  qty: ZERO,
  quote: ZERO,
  exhausted: true,
  stpMakers: [],
  stpTaker: false,
});

/** Would an order at `price` take at once (the best level it meets is at or better than its price)? */
export function wouldTake(levels: Iterable<TakeLevel>, side: Side, price: Dec): boolean {
  for (const l of levels) {
    return side === "BUY" ? l.price.lessThanOrEqualTo(price) : l.price.greaterThanOrEqualTo(price);
  }
  return false;
}

/**
 * What an incoming order meets, best price first: the market's levels merged with the account's own resting
 * orders on the other side (at one price, the resting order first: it was there before).
 */
export function* takeLevels(
  market: () => Iterable<TakeLevel>,
  open: Iterable<Order>,
  symbol: string,
  side: Side,
): Generator<TakeLevel> {
  const buy = side === "BUY";
  const better = (a: Dec, b: Dec): boolean => (buy ? a.lessThanOrEqualTo(b) : a.greaterThanOrEqualTo(b));
  const own = [...open]
    .filter((o) => o.symbol === symbol && o.side !== side && o.price !== undefined)
    .sort((a, b) => {
      const pa = a.price as Dec;
      const pb = b.price as Dec;
      return pa.equals(pb) ? a.seq - b.seq : better(pa, pb) ? -1 : 1;
    });
  let i = 0;
  for (const l of market()) {
    for (; i < own.length && better(own[i]?.price as Dec, l.price); i++) {
      const o = own[i] as Order;
      yield { price: o.price as Dec, qty: (o.origQty as Dec).minus(o.executedQty), maker: o };
    }
    yield l;
  }
  for (; i < own.length; i++) {
    const o = own[i] as Order;
    yield { price: o.price as Dec, qty: (o.origQty as Dec).minus(o.executedQty), maker: o };
  }
}

/**
 * Walks the opposite side of the book as a taker: up to a quantity, a quote budget (buy by quoteOrderQty,
 * fee included when charged in quote), quote proceeds (sell by quoteOrderQty), and/or a limit price.
 */
export function walkBook(
  levels: Iterable<TakeLevel>,
  rule: SymbolRule,
  side: Side,
  stp: string,
  o: {
    maxQty?: Dec | undefined;
    budget?: Dec | undefined;
    proceeds?: Dec | undefined;
    limit?: Dec;
    feeOnTop: Dec;
  },
): Walk {
  const fills: Fill[] = [];
  const stpMakers: Order[] = [];
  let stpTaker = false;
  let qty = ZERO;
  let quote = ZERO;
  let exhausted = true;
  for (const l of levels) {
    if (o.limit && (side === "BUY" ? l.price.greaterThan(o.limit) : l.price.lessThan(o.limit))) break;
    // Self-trade prevention, as the incoming order's stpMode says (only for accounts in an STP group).
    if (l.maker && stp !== "") {
      if (stp === "cancel_maker" || stp === "cancel_both") stpMakers.push(l.maker);
      if (stp === "cancel_taker" || stp === "cancel_both") {
        stpTaker = true;
        exhausted = false;
        break;
      }
      continue;
    }
    let q = l.qty;
    if (o.maxQty) q = minDec(q, o.maxQty.minus(qty));
    if (o.budget) {
      const perUnit = l.price.times(o.feeOnTop.plus(1));
      q = minDec(q, o.budget.minus(quote).dividedBy(perUnit).toDecimalPlaces(rule.basePrecision, ROUND_DOWN));
    }
    if (o.proceeds) {
      q = minDec(
        q,
        o.proceeds.minus(quote).dividedBy(l.price).toDecimalPlaces(rule.basePrecision, ROUND_DOWN),
      );
    }
    if (q.lessThanOrEqualTo(0)) {
      exhausted = false;
      break;
    }
    const notional = l.price.times(q);
    fills.push({ price: l.price, qty: q, maker: l.maker });
    qty = qty.plus(q);
    quote = quote.plus(side === "BUY" ? notional.plus(feeOf(notional, o.feeOnTop)) : notional);
    if (o.maxQty && qty.greaterThanOrEqualTo(o.maxQty)) {
      exhausted = false;
      break;
    }
  }
  return { fills, qty, quote, exhausted, stpMakers, stpTaker };
}
