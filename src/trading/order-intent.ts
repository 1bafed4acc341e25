import type { NewOrderRequest } from "../api/index.js";
import { D } from "../decimal.js";
import type { IntentJson } from "./order-state.js";
import type { Lease } from "./treasury.js";

type WithoutClientId<R> = R extends unknown ? Omit<R, "clientOrderId"> : never;

/** An order as the api sends it, before the order manager names it with a client id. */
export type OrderRequest = WithoutClientId<NewOrderRequest>;

/** Who wants the order and why, and what the order manager needs to look after it. */
export interface OrderPurpose {
  bot: string;
  /** Why the bot wants this order: kept in the journal and shown in reports. */
  reason: string;
  /**
   * A recent market price (last price or the book's mid): values a MARKET order by quantity for the minimum
   * notional, and is the reference of MEXC's price band for a limit order. Without it neither is checked.
   */
  marketPrice?: D;
  /** The funds reserved for this order; settled when the exchange takes them, released if it never does. */
  lease?: Lease;
  /** Cancel a resting order not filled after this many ms. */
  timeoutMs?: number;
}

/**
 * What a bot asks of the order manager: the api's own order shape (amounts already rounded to the symbol's
 * steps) plus who and why. The same type goes from the bot to the wire; only the journal stores it as strings.
 */
export type OrderIntent = OrderRequest & OrderPurpose;

/** The order the api sends for `intent` under the client id the journal gave it. */
export function requestOf(intent: OrderIntent, clientOrderId: string): NewOrderRequest {
  const order = orderOf(intent);
  return { ...order, clientOrderId };
}

/** The order alone, without who and why. */
export function orderOf(intent: OrderIntent): OrderRequest {
  if (intent.type !== "MARKET") {
    const { symbol, side, type, quantity, price } = intent;
    return { symbol, side, type, quantity, price };
  }
  if (intent.quoteOrderQty !== undefined) {
    return { symbol: intent.symbol, side: intent.side, type: "MARKET", quoteOrderQty: intent.quoteOrderQty };
  }
  return { symbol: intent.symbol, side: intent.side, type: "MARKET", quantity: intent.quantity };
}

/** The store boundary: what the journal (and a proposal) keeps of an order, amounts as decimal strings. */
export function intentOf(order: OrderRequest): IntentJson {
  return {
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    ...(order.quantity ? { quantity: order.quantity.toFixed() } : {}),
    ...(order.quoteOrderQty ? { quoteOrderQty: order.quoteOrderQty.toFixed() } : {}),
    ...(order.price ? { price: order.price.toFixed() } : {}),
  };
}

/** Back from the store: the order a stored intent describes, or why it describes none. */
export function orderOfJson(json: IntentJson): OrderRequest | { invalid: string } {
  const { symbol, side, type } = json;
  const dec = (v: string | undefined) => (v === undefined ? undefined : new D(v));
  const quantity = dec(json.quantity);
  const price = dec(json.price);
  const quoteOrderQty = dec(json.quoteOrderQty);
  if (type !== "MARKET") {
    if (!quantity || !price) return { invalid: `a ${type} order needs quantity and price` };
    return { symbol, side, type, quantity, price };
  }
  if (quoteOrderQty) {
    if (side !== "BUY") return { invalid: "quoteOrderQty is for MARKET BUY only" };
    return { symbol, side, type, quoteOrderQty };
  }
  if (!quantity) return { invalid: "a MARKET order needs quantity or quoteOrderQty" };
  return { symbol, side, type, quantity };
}
