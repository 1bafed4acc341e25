import type { Dec } from "./decimal.js";
import { str } from "./decimal.js";
import { Errors } from "./errors.js";
import type { OrderType, Side, StpMode } from "./orders.js";
import type { SymbolRule } from "./source.js";

export interface OrderRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  quantity?: Dec | undefined;
  quoteOrderQty?: Dec | undefined;
  price?: Dec | undefined;
  newClientOrderId?: string | undefined;
  stpMode?: StpMode | undefined;
}

const CLIENT_ID_RE = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Checks an order against the symbol's rules, in the order MEXC reports problems: symbol, API access, status,
 * side, type, mandatory parameters, precision, minimum, maximum. `refPrice` values a MARKET order given by
 * quantity. Balance, duplicates and book checks belong to the engine.
 */
export function checkOrder(
  rule: SymbolRule | undefined,
  req: OrderRequest,
  refPrice: Dec | undefined,
): SymbolRule {
  if (!rule) throw Errors.invalidSymbol();
  if (!rule.apiTradable) throw Errors.symbolNotApi();
  if (rule.status !== "1") throw Errors.symbolSuspended();
  const sides = rule.tradeSideType;
  if (sides === "4" || (sides === "2" && req.side === "SELL") || (sides === "3" && req.side === "BUY")) {
    throw Errors.sideNotAllowed();
  }
  if (req.type === "MARKET") {
    if (!rule.orderTypes.includes("MARKET")) throw Errors.marketDisabled();
    if (rule.apiMarketDisabled) throw Errors.apiMarketDisabled();
  } else if (req.type === "LIMIT_MAKER") {
    if (!rule.orderTypes.includes("LIMIT_MAKER")) throw Errors.typeNotAllowed();
  } else if (!rule.orderTypes.includes("LIMIT")) {
    throw Errors.typeNotAllowed();
  }
  if (req.newClientOrderId !== undefined && !CLIENT_ID_RE.test(req.newClientOrderId)) {
    throw Errors.illegal("newClientOrderId");
  }

  const market = req.type === "MARKET";
  if (market) {
    if (!req.quantity && !req.quoteOrderQty) throw Errors.mandatory("quantity");
    if (req.quantity && req.quoteOrderQty)
      throw Errors.paramError("send quantity or quoteOrderQty, not both");
    if (req.quoteOrderQty && !rule.quoteOrderQtyMarketAllowed) throw Errors.quoteOrderQtyMarketNotAllowed();
  } else {
    if (!req.quantity) throw Errors.mandatory("quantity");
    if (!req.price) throw Errors.mandatory("price");
  }
  if (req.quantity?.lessThanOrEqualTo(0)) throw Errors.notPositive("quantity");
  if (req.price?.lessThanOrEqualTo(0)) throw Errors.notPositive("price");
  if (req.quoteOrderQty?.lessThanOrEqualTo(0)) throw Errors.notPositive("quoteOrderQty");
  if (req.quantity && req.quantity.decimalPlaces() > rule.basePrecision) throw Errors.scale("quantity");
  if (!market && req.price && req.price.decimalPlaces() > rule.pricePrecision) throw Errors.scale("price");
  if (req.quoteOrderQty && req.quoteOrderQty.decimalPlaces() > rule.pricePrecision)
    throw Errors.scale("amount");

  if (req.quantity?.lessThan(rule.minQty)) throw Errors.belowMinimum(`${str(rule.minQty)}${rule.baseAsset}`);
  let notional: Dec | undefined;
  if (req.quoteOrderQty) notional = req.quoteOrderQty;
  else if (!market && req.price && req.quantity) notional = req.price.times(req.quantity);
  else if (req.quantity) {
    if (!refPrice || refPrice.isZero()) throw Errors.noPrice();
    notional = refPrice.times(req.quantity);
  }
  const min = market ? rule.minNotionalMarket : rule.minNotional;
  const max = market ? rule.maxQuoteMarket : rule.maxQuote;
  if (notional?.lessThan(min)) throw Errors.belowMinimum(`${str(min)}${rule.quoteAsset}`);
  if (notional?.greaterThan(max)) throw Errors.aboveMaximum(`${str(max)}${rule.quoteAsset}`);
  if (!market && req.price && refPrice && outsideBand(rule, req, req.price, refPrice))
    throw Errors.priceBand();
  return rule;
}

/**
 * PERCENT_PRICE_BY_SIDE (docs "Exchange Information"): buys by LIMIT, IMMEDIATE_OR_CANCEL or FILL_OR_KILL need
 * price <= lastPrice * bidMultiplierUp; sells need price >= lastPrice * askMultiplierDown (the docs name no order
 * type for sells, so every priced sell is checked: the stricter reading).
 */
function outsideBand(rule: SymbolRule, req: OrderRequest, price: Dec, last: Dec): boolean {
  if (req.side === "BUY") {
    if (!rule.bidMultiplierUp || req.type === "LIMIT_MAKER") return false;
    return price.greaterThan(last.times(rule.bidMultiplierUp));
  }
  return rule.askMultiplierDown !== undefined && price.lessThan(last.times(rule.askMultiplierDown));
}
