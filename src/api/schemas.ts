/**
 * zod schemas for MEXC's answers, turning wire JSON into the domain types: the leaf parsers in schema-fields.ts,
 * market data in schemas-market.ts, orders and the account in schemas-account.ts. Importers keep this one path.
 */
export {
  bool,
  dec,
  decOrNull,
  describeIssues,
  formatPath,
  id,
  int,
  intOrNull,
  parseJson,
  str,
  strOrNull,
} from "./schema-fields.js";
export {
  accountSchema,
  cancelAckSchema,
  orderAckSchema,
  orderSchema,
  tradeFeeSchema,
  tradeSchema,
} from "./schemas-account.js";
export { klinesSchema } from "./schemas-klines.js";
export {
  bookTickerSchema,
  type DroppedTicker,
  defaultSymbolsSchema,
  depthSchema,
  emptySchema,
  exchangeInfoRawSchema,
  exchangeInfoSchema,
  klineCellsSchema,
  selfSymbolsSchema,
  serverTimeSchema,
  ticker24hAllSchema,
  ticker24hSchema,
  tickerPriceSchema,
} from "./schemas-market.js";
