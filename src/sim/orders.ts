import type { Dec } from "./decimal.js";
import { str, ZERO } from "./decimal.js";

export type Side = "BUY" | "SELL";
export type OrderType = "LIMIT" | "MARKET" | "LIMIT_MAKER" | "IMMEDIATE_OR_CANCEL" | "FILL_OR_KILL";
export type OrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "PARTIALLY_CANCELED";

/**
 * Self-trade prevention (docs "New Order", newer site, 2025-09): "" (default) no restriction; "cancel_maker"
 * cancels the resting order, "cancel_taker" the incoming one, "cancel_both" both. An order cancelled so ends
 * CANCELED (or PARTIALLY_CANCELED) with `cancelReason: "stp_cancel"` (docs "Query Order").
 */
export type StpMode = "" | "cancel_maker" | "cancel_taker" | "cancel_both";
export const STP_MODES: readonly StpMode[] = ["", "cancel_maker", "cancel_taker", "cancel_both"];
export const STP_CANCEL = "stp_cancel";

export const ORDER_TYPES: readonly OrderType[] = [
  "LIMIT",
  "MARKET",
  "LIMIT_MAKER",
  "IMMEDIATE_OR_CANCEL",
  "FILL_OR_KILL",
];

export interface Order {
  seq: number;
  orderId: string;
  apiKey: string;
  symbol: string;
  side: Side;
  type: OrderType;
  price: Dec | undefined;
  origQty: Dec | undefined;
  quoteOrderQty: Dec | undefined;
  executedQty: Dec;
  cumQuote: Dec;
  status: OrderStatus;
  clientOrderId: string | null;
  stpMode: StpMode;
  /** "stp_cancel" when self-trade prevention cancelled it. */
  cancelReason: string | undefined;
  time: number;
  updateTime: number;
  /** Queries do not see the order before this instant (fault injection). */
  hiddenUntil: number;
  /** Funds still locked for this order, in `lockAsset`. */
  locked: Dec;
  lockAsset: string;
  /** Quote locked per unit of base for resting buys: price, plus the fee when fees are charged in quote. */
  lockPerUnit: Dec;
  /** Whole minutes up to this one have been checked against the resting price. */
  checkedMinute: number;
  /** The last minute this order took a chunk of liquidity in (one chunk per minute). */
  lastChunkMinute: number;
}

export interface Trade {
  seq: number;
  id: string;
  apiKey: string;
  symbol: string;
  orderId: string;
  price: Dec;
  qty: Dec;
  quoteQty: Dec;
  commission: Dec;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  /** Both sides were this account's orders (no self-trade prevention applied). */
  isSelfTrade: boolean;
  clientOrderId: string | null;
}

export function isOpen(o: Order): boolean {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}

function origQuote(o: Order): Dec {
  if (o.quoteOrderQty) return o.quoteOrderQty;
  if (o.price && o.origQty) return o.price.times(o.origQty);
  return ZERO;
}

/** POST /api/v3/order answers only this. */
export function ackView(o: Order): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    price: str(o.price ?? ZERO),
    origQty: str(o.origQty ?? ZERO),
    type: o.type,
    side: o.side,
    transactTime: o.time,
  };
}

/** GET /order, openOrders and allOrders rows. */
export function orderView(o: Order): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: str(o.price ?? ZERO),
    origQty: str(o.origQty ?? ZERO),
    executedQty: str(o.executedQty),
    cummulativeQuoteQty: str(o.cumQuote),
    status: o.status,
    timeInForce: null,
    type: o.type,
    side: o.side,
    stopPrice: null,
    icebergQty: null,
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    origQuoteOrderQty: str(origQuote(o)),
    stpMode: o.stpMode,
    ...(o.cancelReason !== undefined ? { cancelReason: o.cancelReason } : {}),
  };
}

/** DELETE /order answer; DELETE /openOrders adds orderListId. */
export function cancelView(
  o: Order,
  newClientOrderId: string | undefined,
  withListId: boolean,
): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    ...(withListId ? { orderListId: -1 } : {}),
    clientOrderId: newClientOrderId ?? o.clientOrderId,
    price: str(o.price ?? ZERO),
    origQty: str(o.origQty ?? ZERO),
    executedQty: str(o.executedQty),
    cummulativeQuoteQty: str(o.cumQuote),
    status: o.status,
    timeInForce: null,
    type: o.type,
    side: o.side,
  };
}

export function tradeView(t: Trade): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: str(t.price),
    qty: str(t.qty),
    quoteQty: str(t.quoteQty),
    commission: str(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
    isSelfTrade: t.isSelfTrade,
    clientOrderId: t.clientOrderId,
  };
}
