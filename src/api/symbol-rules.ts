import { D, type Decimal, stepOf } from "./decimal.js";
import { bandLimits, type PriceBand, priceBandOf } from "./price-band.js";
import { isOnStep } from "./rounding.js";
import type { ExchangeInfo, OrderType, Side, SymbolInfo } from "./types.js";

/**
 * A symbol's trading rules as MEXC enforces them, read the way the mature connectors (ccxt, Hummingbot) read
 * exchangeInfo, since MEXC has no Binance-style LOT_SIZE / PRICE_FILTER filters:
 * step = 10^-baseAssetPrecision, tick = 10^-quoteAssetPrecision (the coarser if quotePrecision differs),
 * minimum quantity = baseSizePrecision, minimum notional = quoteAmountPrecision, maximum = maxQuoteAmount.
 * Of `filters` only MEXC's price protection (PERCENT_PRICE_BY_SIDE, see price-band.ts) is read; others are ignored.
 */

export type TradeSide = "all" | "buy-only" | "sell-only" | "closed";

export interface SymbolRules {
  symbol: string;
  base: string;
  quote: string;
  /** Quantity grid (base units). */
  step: Decimal;
  /** Price grid (quote per base). */
  tick: Decimal;
  /** Grid for amounts of quote (quoteOrderQty). */
  quoteStep: Decimal;
  minQty: Decimal;
  /** Minimum quantity × price of a limit order, in quote. */
  minNotional: Decimal;
  /** Minimum amount of quote of a market order. */
  minNotionalMarket: Decimal;
  /** Maximum quantity × price of a limit order; null when MEXC gives none. */
  maxQuote: Decimal | null;
  maxQuoteMarket: Decimal | null;
  quoteAmountPrecisionMarket: Decimal | null;
  orderTypes: string[];
  tradeSide: TradeSide;
  /** Online, spot trading allowed, and listed in defaultSymbols (trading anything else through the API fails). */
  tradable: boolean;
  /**
   * This API key may trade the symbol: GET /api/v3/selfSymbols lists it, or the list was not read (sim, paper).
   * Set by the rules cache once the live pre-flight has read the list.
   */
  keyAllowed: boolean;
  /** May a MARKET BUY spend a quote amount? false when exchangeInfo says `quoteOrderQtyMarketAllowed: false`. */
  quoteOrderQtyMarketAllowed: boolean;
  /** MEXC's price protection of limit orders, as factors of the current price; null when none is given. */
  priceBand: PriceBand | null;
  makerCommission: Decimal | null;
  takerCommission: Decimal | null;
}

const TRADE_SIDE: Record<string, TradeSide> = {
  "1": "all",
  "2": "buy-only",
  "3": "sell-only",
  "4": "closed",
};

/**
 * MEXC documents status "1" as online ("status:1 - online, 2 - Pause, 3 - offline", docs "Exchange Information");
 * older answers and the docs' own sample say "ENABLED" (the field changed in 2024-08, change log 2024-08-16,
 * hummingbot #7174).
 */
const ONLINE = new Set(["1", "ENABLED"]);

export function rulesFromSymbol(s: SymbolInfo, apiSymbols: ReadonlySet<string>): SymbolRules {
  const tick = stepOf(Math.min(s.quoteAssetPrecision, s.quotePrecision));
  return {
    symbol: s.symbol,
    base: s.baseAsset,
    quote: s.quoteAsset,
    step: stepOf(s.baseAssetPrecision),
    tick,
    quoteStep: tick,
    minQty: s.baseSizePrecision,
    minNotional: s.quoteAmountPrecision,
    minNotionalMarket: s.quoteAmountPrecisionMarket ?? s.quoteAmountPrecision,
    maxQuote: positiveOrNull(s.maxQuoteAmount),
    // A market order must respect both maxima when both are given.
    maxQuoteMarket: smaller(positiveOrNull(s.maxQuoteAmountMarket), positiveOrNull(s.maxQuoteAmount)),
    quoteAmountPrecisionMarket: s.quoteAmountPrecisionMarket,
    orderTypes: s.orderTypes,
    // An unknown side type is treated as closed: better to skip a trade than to be refused mid-plan.
    tradeSide: TRADE_SIDE[s.tradeSideType] ?? "closed",
    tradable: ONLINE.has(s.status) && s.isSpotTradingAllowed && apiSymbols.has(s.symbol),
    keyAllowed: true,
    // Absent in older answers: MARKET by quote was allowed wherever MARKET was.
    quoteOrderQtyMarketAllowed: s.quoteOrderQtyMarketAllowed !== false,
    priceBand: priceBandOf(s.filters),
    makerCommission: s.makerCommission,
    takerCommission: s.takerCommission,
  };
}

function smaller(a: Decimal | null, b: Decimal | null): Decimal | null {
  return a === null ? b : b === null ? a : D.min(a, b);
}

function positiveOrNull(d: Decimal | null): Decimal | null {
  return d?.gt(0) ? d : null;
}

export function rulesFromExchangeInfo(
  info: ExchangeInfo,
  defaultSymbols: readonly string[],
): Map<string, SymbolRules> {
  const api = new Set(defaultSymbols);
  return new Map(info.symbols.map((s) => [s.symbol, rulesFromSymbol(s, api)]));
}

export interface OrderToCheck {
  side: Side;
  type: OrderType;
  quantity?: Decimal | undefined;
  price?: Decimal | undefined;
  quoteOrderQty?: Decimal | undefined;
  /**
   * A recent market price (last price or the book's mid): for a MARKET order by quantity it values the notional
   * minimum; for a limit-style order it is the reference of the price band. Without it neither is checked.
   */
  marketPrice?: Decimal | undefined;
}

export type CheckFailureReason =
  | "not-tradable"
  | "not-allowed-for-key"
  | "side-not-allowed"
  | "order-type-not-allowed"
  | "missing-field"
  | "not-positive"
  | "quantity-precision"
  | "price-precision"
  | "quote-precision"
  | "quote-order-qty-not-allowed"
  | "outside-price-band"
  | "below-min-quantity"
  | "below-min-notional"
  | "above-max-notional";

export type CheckResult =
  | {
      ok: true /** quantity × price, or quoteOrderQty; null for a market order without a reference price. */;
      notional: Decimal | null;
    }
  | { ok: false; reason: CheckFailureReason; message: string; limit?: Decimal; value?: Decimal };

function no(reason: CheckFailureReason, message: string, value?: Decimal, limit?: Decimal): CheckResult {
  return {
    ok: false,
    reason,
    message,
    ...(value !== undefined ? { value } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

const f = (d: Decimal): string => d.toFixed();

/**
 * Would MEXC accept this order? Answers before any request, with the precise reason when not. Values must
 * already be rounded (roundQuantity / roundPrice / roundQuoteAmount): an off-grid value is a reason too.
 */
export function checkOrder(rules: SymbolRules, order: OrderToCheck): CheckResult {
  const refused = checkAccess(rules, order) ?? checkPositive(order);
  if (refused) return refused;
  return order.type === "MARKET" ? checkMarket(rules, order) : checkLimit(rules, order);
}

/** May this key send this side and type on this symbol at all? */
function checkAccess(rules: SymbolRules, order: OrderToCheck): CheckResult | undefined {
  const sym = rules.symbol;
  if (!rules.tradable) return no("not-tradable", `${sym} is not tradable through the API now`);
  if (!rules.keyAllowed) {
    return no(
      "not-allowed-for-key",
      `${sym} is not among the symbols this API key may trade (GET /api/v3/selfSymbols)`,
    );
  }
  if (
    rules.tradeSide === "closed" ||
    (rules.tradeSide === "buy-only" && order.side === "SELL") ||
    (rules.tradeSide === "sell-only" && order.side === "BUY")
  ) {
    return no(
      "side-not-allowed",
      `${sym} accepts ${rules.tradeSide === "closed" ? "no" : rules.tradeSide} orders`,
    );
  }
  if (rules.orderTypes.length > 0 && !rules.orderTypes.includes(order.type)) {
    return no(
      "order-type-not-allowed",
      `${sym} does not accept ${order.type} orders (${rules.orderTypes.join(", ")})`,
    );
  }
  return undefined;
}

function checkPositive(order: OrderToCheck): CheckResult | undefined {
  for (const [name, v] of [
    ["quantity", order.quantity],
    ["price", order.price],
    ["quoteOrderQty", order.quoteOrderQty],
  ] as const) {
    if (v !== undefined && !(v.isFinite() && v.gt(0)))
      return no("not-positive", `${name} must be positive`, v);
  }
  return undefined;
}

function checkMarket(rules: SymbolRules, order: OrderToCheck): CheckResult {
  const { quantity, quoteOrderQty } = order;
  if (quoteOrderQty !== undefined) {
    if (order.side !== "BUY")
      return no("missing-field", "quoteOrderQty is for MARKET BUY only; sell by quantity");
    if (!rules.quoteOrderQtyMarketAllowed) {
      return no(
        "quote-order-qty-not-allowed",
        `${rules.symbol} does not accept MARKET buys by quote amount (quoteOrderQtyMarketAllowed: false); buy with a limit order`,
      );
    }
    if (!isOnStep(quoteOrderQty, rules.quoteStep)) {
      return no(
        "quote-precision",
        `quoteOrderQty ${f(quoteOrderQty)} is not a multiple of ${f(rules.quoteStep)}`,
      );
    }
    return checkNotional(rules, quoteOrderQty, rules.minNotionalMarket, rules.maxQuoteMarket);
  }
  if (quantity === undefined) return no("missing-field", "a MARKET order needs quantity or quoteOrderQty");
  const q = checkQuantity(rules, quantity);
  if (q) return q;
  if (order.marketPrice === undefined) return { ok: true, notional: null };
  return checkNotional(rules, quantity.mul(order.marketPrice), rules.minNotionalMarket, rules.maxQuoteMarket);
}

function checkLimit(rules: SymbolRules, order: OrderToCheck): CheckResult {
  const { quantity, price } = order;
  if (quantity === undefined || price === undefined) {
    return no("missing-field", `a ${order.type} order needs quantity and price`);
  }
  if (!isOnStep(price, rules.tick)) {
    return no(
      "price-precision",
      `price ${f(price)} is not a multiple of the tick ${f(rules.tick)}`,
      price,
      rules.tick,
    );
  }
  const band = order.marketPrice ? checkBand(rules, order.side, price, order.marketPrice) : undefined;
  if (band) return band;
  const q = checkQuantity(rules, quantity);
  if (q) return q;
  return checkNotional(rules, new D(quantity).mul(price), rules.minNotional, rules.maxQuote);
}

function checkBand(
  rules: SymbolRules,
  side: Side,
  price: Decimal,
  reference: Decimal,
): CheckResult | undefined {
  const { min, max } = bandLimits(rules.priceBand, side, reference);
  const at = `at a reference price of ${f(reference)}`;
  if (max && price.gt(max)) {
    return no(
      "outside-price-band",
      `${side} price ${f(price)} is above ${rules.symbol}'s price band (at most ${f(max)} ${at})`,
      price,
      max,
    );
  }
  if (min && price.lt(min)) {
    return no(
      "outside-price-band",
      `${side} price ${f(price)} is below ${rules.symbol}'s price band (at least ${f(min)} ${at})`,
      price,
      min,
    );
  }
  return undefined;
}

function checkQuantity(rules: SymbolRules, quantity: Decimal): CheckResult | undefined {
  if (!isOnStep(quantity, rules.step)) {
    return no(
      "quantity-precision",
      `quantity ${f(quantity)} is not a multiple of the step ${f(rules.step)}`,
      quantity,
      rules.step,
    );
  }
  if (quantity.lt(rules.minQty)) {
    return no(
      "below-min-quantity",
      `quantity ${f(quantity)} is below ${rules.symbol}'s minimum ${f(rules.minQty)}`,
      quantity,
      rules.minQty,
    );
  }
  return undefined;
}

function checkNotional(
  rules: SymbolRules,
  notional: Decimal,
  min: Decimal,
  max: Decimal | null,
): CheckResult {
  if (notional.lt(min)) {
    return no(
      "below-min-notional",
      `order value ${f(notional)} ${rules.quote} is below ${rules.symbol}'s minimum ${f(min)}`,
      notional,
      min,
    );
  }
  if (max !== null && notional.gt(max)) {
    return no(
      "above-max-notional",
      `order value ${f(notional)} ${rules.quote} is above ${rules.symbol}'s maximum ${f(max)}`,
      notional,
      max,
    );
  }
  return { ok: true, notional };
}
