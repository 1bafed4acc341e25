/**
 * MEXC's error answers. Codes and texts follow MEXC's documented table and answers seen from the real API
 * (e.g. 700004 "Mandatory parameter '…' was not sent…", 10007 "symbol not support api", 400 "amount scale is
 * invalid"); where MEXC documents nothing (duplicate client ids, LIMIT_MAKER that would take), the closest
 * Binance-family code is used, since MEXC v3 reuses several of them (-1121, -2011, -2013).
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }

  body(): string {
    return JSON.stringify({ code: this.code, msg: this.message });
  }
}

const bad = (code: number, msg: string): SimError => new SimError(400, code, msg);

export const Errors = {
  notFound: (): SimError => new SimError(404, 404, "Not Found"),
  methodNotAllowed: (): SimError => new SimError(405, 405, "Method Not Allowed"),
  mandatory: (name: string): SimError =>
    bad(700004, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  orderIdOrClientId: (): SimError =>
    bad(700004, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"),
  illegal: (name: string): SimError =>
    bad(700008, `Illegal characters found in parameter '${name}'; legal range is ''.`),
  paramError: (what: string): SimError => bad(33333, `Param error: ${what}`),
  invalidSymbol: (): SimError => bad(-1121, "Invalid symbol."),
  invalidInterval: (): SimError => bad(-1121, "Invalid interval."),
  apiKeyRequired: (): SimError => bad(400, "api key required"),
  apiKeyFormat: (): SimError => bad(700001, "API-key format invalid."),
  apiKeyInvalid: (): SimError => bad(10072, "Api key info invalid"),
  badSignature: (): SimError => bad(700002, "Signature for this request is not valid."),
  outsideRecvWindow: (): SimError => bad(700003, "Timestamp for this request is outside of the recvWindow."),
  recvWindowTooLarge: (): SimError => bad(700005, "recvWindow must less than 60000"),
  badTimestamp: (): SimError => bad(10073, "Invalid Request-Time"),
  symbolNotApi: (): SimError => bad(10007, "symbol not support api"),
  symbolSuspended: (): SimError => bad(30000, "suspended transaction for the symbol"),
  sideNotAllowed: (): SimError =>
    bad(30001, "The current transaction direction is not allowed to place an order"),
  belowMinimum: (amount: string): SimError =>
    bad(30002, `The minimum transaction volume cannot be less than:${amount}`),
  aboveMaximum: (amount: string): SimError =>
    bad(30003, `The maximum transaction volume cannot be greater than:${amount}`),
  insufficient: (): SimError => bad(30004, "Insufficient position"),
  oversold: (): SimError => bad(30005, "Oversold"),
  noPrice: (): SimError => bad(30010, "no valid trade price"),
  marketDisabled: (): SimError => bad(30018, "market order is disabled"),
  /** hummingbot #6932: what MEXC answered an API market order on such a symbol (the docs' table says 30019). */
  apiMarketDisabled: (): SimError => bad(30051, "api market order is disabled"),
  /** Undocumented: MEXC publishes no code for it; 33333 is its generic parameter error. */
  quoteOrderQtyMarketNotAllowed: (): SimError =>
    bad(33333, "Param error: quoteOrderQty market orders are not allowed on this symbol"),
  /**
   * A limit price outside PERCENT_PRICE_BY_SIDE. MEXC documents no code for it; 30010 is the one its table has for
   * an unacceptable price ("no valid trade price"), which ccxt's MEXC map reads as "Price out of allowed range".
   */
  priceBand: (): SimError => bad(30010, "no valid trade price"),
  tooManyOrders: (): SimError => bad(30029, "Cannot exceed the maximum order limit"),
  typeNotAllowed: (): SimError => bad(30041, "current order type can not place order"),
  wouldTake: (): SimError => bad(-2010, "Order would immediately match and take."),
  duplicateClientId: (): SimError => bad(-2010, "Duplicate order sent."),
  scale: (field: "quantity" | "price" | "amount"): SimError => bad(400, ` ${field} scale is invalid`),
  notPositive: (name: string): SimError => bad(10102, `${name} cannot be zero or negative`),
  unknownOrderCancel: (): SimError => bad(-2011, "Unknown order sent."),
  orderNotExist: (): SimError => bad(-2013, "Order does not exist."),
};
