import { toWire } from "./decimal.js";
import { ApiError } from "./errors.js";
import type { QueryParams } from "./query.js";
import { checkOrder, type SymbolRules } from "./symbol-rules.js";
import type { NewOrderRequest, OrderRef } from "./types.js";

/** Checks made on an order before it may leave: they cost nothing and spare a rejected (or worse) request. */

const CLIENT_ORDER_ID = /^[A-Za-z0-9_.-]{1,32}$/;

export function assertOrderShape(req: NewOrderRequest, endpoint: string): void {
  let problem: string | undefined;
  if (!CLIENT_ORDER_ID.test(req.clientOrderId)) {
    problem = `clientOrderId ${JSON.stringify(req.clientOrderId)} must be 1-32 characters of letters, digits, "-", "_", "."`;
  } else if (
    [req.quantity, req.quoteOrderQty, req.price].some((d) => d !== undefined && !(d.isFinite() && d.gt(0)))
  ) {
    problem = "quantity, quoteOrderQty and price must be positive";
  }
  if (problem) {
    throw new ApiError({
      kind: "invalid-order",
      endpoint,
      detail: `${problem}; not sent`,
      clientOrderId: req.clientOrderId,
    });
  }
}

/** The symbol's rules, enforced before sending: exchange rules cannot be forgotten by a caller. */
export function assertOrderRules(
  req: NewOrderRequest,
  rules: SymbolRules | undefined,
  endpoint: string,
): void {
  if (!rules) {
    throw new ApiError({
      kind: "bad-symbol",
      endpoint,
      clientOrderId: req.clientOrderId,
      detail: `${req.symbol} is not listed by exchangeInfo; not sent`,
      help: "Check the symbol name.",
    });
  }
  const check = checkOrder(rules, req);
  if (!check.ok) {
    throw new ApiError({
      kind: check.reason === "not-tradable" ? "bad-symbol" : "invalid-order",
      endpoint,
      clientOrderId: req.clientOrderId,
      detail: `${check.message}; not sent (${check.reason})`,
      help: "Round with roundQuantity/roundPrice/roundQuoteAmount and check with checkOrder before sending.",
    });
  }
}

export function orderParams(req: NewOrderRequest): QueryParams {
  return [
    ["symbol", req.symbol],
    ["side", req.side],
    ["type", req.type],
    ["quantity", req.quantity === undefined ? undefined : toWire(req.quantity)],
    ["quoteOrderQty", req.quoteOrderQty === undefined ? undefined : toWire(req.quoteOrderQty)],
    ["price", req.price === undefined ? undefined : toWire(req.price)],
    ["newClientOrderId", req.clientOrderId],
  ];
}

export function refParams(ref: OrderRef): QueryParams {
  return "orderId" in ref
    ? [
        ["symbol", ref.symbol],
        ["orderId", ref.orderId],
      ]
    : [
        ["symbol", ref.symbol],
        ["origClientOrderId", ref.clientOrderId],
      ];
}

export function refId(ref: OrderRef): { clientOrderId?: string } {
  return "clientOrderId" in ref ? { clientOrderId: ref.clientOrderId } : {};
}
