import { z } from "zod";
import {
  bool,
  boolOrNull,
  dec,
  decOrNull,
  id,
  idOrNull,
  int,
  intOrNull,
  leaf,
  orderStatus,
  orderType,
  side,
  str,
  strList,
  strOrNull,
} from "./schema-fields.js";
import type { Account, CancelAck, Order, Trade, TradeFee } from "./types.js";

/** zod schemas for MEXC's signed answers: order acknowledgements and lookups, the account, trades and fees. */

/**
 * A field of an acknowledgement: read when it can be, null otherwise. Acknowledgements only say "taken"; what the
 * order is and became comes from the lookup that follows, which is read strictly.
 */
function ackField<T>(schema: z.ZodType<T>) {
  return leaf((v): T | null => {
    const parsed = schema.safeParse(v);
    return parsed.success ? parsed.data : null;
  });
}

/**
 * The answer to POST /api/v3/order. The docs ("New Order") show symbol, orderId, orderListId, price, origQty, type,
 * side, transactTime; the real exchange often sends only `{symbol, orderId, orderListId}`, the form the docs show
 * for "Batch Orders" (reference: "What the real exchange sends"). Either is an acknowledgement: the order exists
 * under that id. Only the id is required (without it the order cannot be followed: an unknown outcome, resolved
 * by client id); the rest is whatever MEXC chose to say.
 */
export const orderAckSchema = z.object({
  symbol: str,
  orderId: id,
  price: ackField(decOrNull),
  origQty: ackField(decOrNull),
  type: ackField(orderType),
  side: ackField(side),
  transactTime: ackField(intOrNull),
});

/**
 * The answer to DELETE /api/v3/order. The docs ("Cancel Order") show the whole order; the real exchange may send
 * a short form without executedQty or status (reference: "What the real exchange sends"). A 200 means the cancel
 * was taken, whatever the body holds; what the order ended as (maybe partly filled) only a lookup tells.
 */
export const cancelAckSchema: z.ZodType<CancelAck> = z.object({
  symbol: ackField(str),
  orderId: ackField(idOrNull),
  origClientOrderId: ackField(strOrNull),
  clientOrderId: ackField(strOrNull),
  status: ackField(orderStatus),
  executedQty: ackField(decOrNull),
  cummulativeQuoteQty: ackField(decOrNull),
});

export const orderSchema: z.ZodType<Order> = z
  .object({
    symbol: str,
    orderId: id,
    clientOrderId: strOrNull,
    origClientOrderId: strOrNull,
    price: dec,
    // The docs name it `origQty` on most endpoints and `Qty` on GET /api/v3/order.
    origQty: decOrNull,
    Qty: decOrNull,
    executedQty: dec,
    cummulativeQuoteQty: dec,
    status: orderStatus,
    timeInForce: strOrNull,
    type: orderType,
    side,
    origQuoteOrderQty: decOrNull,
    time: intOrNull,
    updateTime: intOrNull,
  })
  .transform(({ Qty, origQty, ...o }, ctx) => {
    const qty = origQty ?? Qty;
    if (qty === null) {
      ctx.addIssue({
        code: "custom",
        path: ["origQty"],
        message: "expected a decimal, got nothing (missing)",
      });
      return z.NEVER as never;
    }
    return { ...o, origQty: qty };
  });

export const accountSchema: z.ZodType<Account> = z.object({
  canTrade: bool,
  canWithdraw: boolOrNull,
  canDeposit: boolOrNull,
  updateTime: intOrNull,
  accountType: strOrNull,
  balances: z.array(z.object({ asset: str, free: dec, locked: dec })),
  permissions: strList,
});

export const tradeSchema: z.ZodType<Trade> = z.object({
  symbol: str,
  id,
  orderId: id,
  price: dec,
  qty: dec,
  quoteQty: dec,
  commission: dec,
  commissionAsset: str,
  time: int,
  isBuyer: bool,
  isMaker: bool,
  clientOrderId: strOrNull,
});

export const tradeFeeSchema: z.ZodType<TradeFee> = z
  .object({ data: z.object({ makerCommission: dec, takerCommission: dec }) })
  .transform((r) => r.data);
