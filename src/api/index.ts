/** The MEXC spot client and everything a caller needs with it. Import from here, not from the files. */
export type { Alert, AlertListener, Logger } from "./alerts.js";
export { MexcClient, type MexcClientOptions, type SecretLike, type StpMode } from "./client.js";
export { D, type Decimal, toWire } from "./decimal.js";
export { API_ERROR_KINDS, ApiError, type ApiErrorKind, isApiError, type SafeCause } from "./errors.js";
export {
  BAND_SAFETY,
  bandLimits,
  type ClampResult,
  clampToBand,
  type PriceBand,
  priceBandOf,
} from "./price-band.js";
export type { ClientMetrics } from "./request.js";
export {
  isOnStep,
  type RoundMode,
  roundPrice,
  roundQuantity,
  roundQuoteAmount,
  roundToStep,
} from "./rounding.js";
export type { SymbolRulesCache } from "./rules-cache.js";
export {
  type CheckFailureReason,
  type CheckResult,
  checkOrder,
  type OrderToCheck,
  rulesFromExchangeInfo,
  type SymbolRules,
  type TradeSide,
} from "./symbol-rules.js";
export type { HttpRequest, HttpResponse, Transport } from "./transport.js";
export * from "./types.js";
