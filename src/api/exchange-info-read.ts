import { type AnswerScan, mismatch, NOT_READ, scanAnswer } from "./answer-scan.js";
import type { Decimal } from "./decimal.js";
import type { ExchangeInfo, SymbolFilter, SymbolInfo } from "./types.js";

/**
 * The hand-written reader of GET /api/v3/exchangeInfo, giving what exchangeInfoSchema (schemas-market.ts) gives, or
 * `undefined` for anything else, which then goes through parseJson and the schema (answer-scan.ts says what that
 * covers). The symbol rules are reloaded every 30 simulated minutes: some 30 KB of 50 symbols each time, which
 * zod took 3 to 6 ms to read.
 */
export function readExchangeInfo(text: string): ExchangeInfo | undefined {
  return scanAnswer(text, exchangeInfo);
}

function exchangeInfo(s: AnswerScan): ExchangeInfo {
  let serverTime: number | null = null;
  let symbols: SymbolInfo[] | undefined;
  if (s.openObject()) {
    do {
      const k = s.key();
      if (k === "serverTime") serverTime = s.intOrNull();
      else if (k === "symbols") symbols = s.list(symbol);
      else s.skip();
    } while (s.nextMember());
  }
  if (symbols === undefined) return mismatch();
  return { serverTime, symbols };
}

/** What a symbol's required fields hold until read. */
const MISSING = undefined;

// long-function: one case per field of a symbol, the schema's list read in one switch.
function symbol(s: AnswerScan): SymbolInfo {
  let symbol: string | undefined = MISSING;
  let status: string | undefined = MISSING;
  let baseAsset: string | undefined = MISSING;
  let quoteAsset: string | undefined = MISSING;
  let baseAssetPrecision: number | undefined = MISSING;
  let quotePrecision: number | undefined = MISSING;
  let quoteAssetPrecision: number | null = null;
  let baseSizePrecision: Decimal | undefined = MISSING;
  let quoteAmountPrecision: Decimal | undefined = MISSING;
  const optional: (Decimal | null)[] = [null, null, null, null, null];
  let orderTypes: string[] = [];
  let isSpotTradingAllowed: boolean | undefined = MISSING;
  let permissions: string[] = [];
  let tradeSideType = "1";
  let quoteOrderQtyMarketAllowed: boolean | null = null;
  let filters: SymbolFilter[] = [];
  if (s.openObject()) {
    do {
      const k = s.key();
      const slot = OPTIONAL_SLOT.get(k);
      if (slot !== undefined) optional[slot] = s.decOrNull();
      else
        switch (k) {
          case "symbol":
            symbol = s.str();
            break;
          case "status":
            status = s.code();
            break;
          case "baseAsset":
            baseAsset = s.str();
            break;
          case "quoteAsset":
            quoteAsset = s.str();
            break;
          case "baseAssetPrecision":
            baseAssetPrecision = s.int();
            break;
          case "quotePrecision":
            quotePrecision = s.int();
            break;
          case "quoteAssetPrecision":
            quoteAssetPrecision = s.intOrNull();
            break;
          case "baseSizePrecision":
            baseSizePrecision = s.dec();
            break;
          case "quoteAmountPrecision":
            quoteAmountPrecision = s.dec();
            break;
          case "orderTypes":
            orderTypes = s.strList();
            break;
          case "isSpotTradingAllowed":
            isSpotTradingAllowed = s.bool();
            break;
          case "permissions":
            permissions = s.strList();
            break;
          case "tradeSideType":
            tradeSideType = s.codeOrNull() ?? "1";
            break;
          case "quoteOrderQtyMarketAllowed":
            quoteOrderQtyMarketAllowed = s.boolOrNull();
            break;
          case "filters":
            filters = filterList(s);
            break;
          default:
            s.skip();
        }
    } while (s.nextMember());
  }
  if (
    symbol === MISSING ||
    status === MISSING ||
    baseAsset === MISSING ||
    quoteAsset === MISSING ||
    baseAssetPrecision === MISSING ||
    quotePrecision === MISSING ||
    baseSizePrecision === MISSING ||
    quoteAmountPrecision === MISSING ||
    isSpotTradingAllowed === MISSING
  ) {
    return mismatch();
  }
  // In the schema's order, its transform included (the quote asset's precision defaults to the quote's).
  return {
    symbol,
    status,
    baseAsset,
    quoteAsset,
    baseAssetPrecision,
    quotePrecision,
    quoteAssetPrecision: quoteAssetPrecision ?? quotePrecision,
    baseSizePrecision,
    quoteAmountPrecision,
    quoteAmountPrecisionMarket: optional[0] ?? null,
    maxQuoteAmount: optional[1] ?? null,
    maxQuoteAmountMarket: optional[2] ?? null,
    makerCommission: optional[3] ?? null,
    takerCommission: optional[4] ?? null,
    orderTypes,
    isSpotTradingAllowed,
    permissions,
    tradeSideType,
    quoteOrderQtyMarketAllowed,
    filters,
  };
}

const OPTIONAL_SLOT = new Map<string, number>(
  [
    "quoteAmountPrecisionMarket",
    "maxQuoteAmount",
    "maxQuoteAmountMarket",
    "makerCommission",
    "takerCommission",
  ].map((k, i) => [k, i]),
);

const FILTER_FIELDS = [
  "bidMultiplierUp",
  "bidMultiplierDown",
  "askMultiplierUp",
  "askMultiplierDown",
] as const;
const FILTER_SLOT = new Map<string, number>(FILTER_FIELDS.map((k, i) => [k, i]));

/**
 * The schema's filterList: null reads as none; only PERCENT_PRICE_BY_SIDE filters are kept, any other entry (an
 * unknown filter, even a non-object) is passed over, and so are the fields of a filter we do not keep, whatever
 * they hold.
 */
function filterList(s: AnswerScan): SymbolFilter[] {
  const out: SymbolFilter[] = [];
  if (s.isNullValue() || !s.openList()) return out;
  do {
    if (!s.atObject()) {
      s.skip();
      continue;
    }
    let type: string | typeof NOT_READ = NOT_READ;
    const values: (Decimal | null | typeof NOT_READ)[] = [null, null, null, null];
    if (s.openObject()) {
      do {
        const k = s.key();
        const slot = FILTER_SLOT.get(k);
        if (slot !== undefined) values[slot] = s.decOrNullOrOther();
        else if (k === "filterType") type = s.strOrOther();
        else s.skip();
      } while (s.nextMember());
    }
    if (type !== "PERCENT_PRICE_BY_SIDE") continue;
    const [bidMultiplierUp, bidMultiplierDown, askMultiplierUp, askMultiplierDown] = values;
    if (
      bidMultiplierUp === NOT_READ ||
      bidMultiplierDown === NOT_READ ||
      askMultiplierUp === NOT_READ ||
      askMultiplierDown === NOT_READ
    ) {
      return mismatch();
    }
    out.push({
      filterType: "PERCENT_PRICE_BY_SIDE",
      bidMultiplierUp: bidMultiplierUp ?? null,
      bidMultiplierDown: bidMultiplierDown ?? null,
      askMultiplierUp: askMultiplierUp ?? null,
      askMultiplierDown: askMultiplierDown ?? null,
    });
  } while (s.nextItem());
  return out;
}
