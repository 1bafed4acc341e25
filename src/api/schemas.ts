import { z } from "zod";
import { D, DECIMAL_LITERAL, type Decimal } from "./decimal.js";
import {
  type Account,
  type BookTicker,
  type CancelAck,
  type ExchangeInfo,
  type Kline,
  ORDER_STATUSES,
  ORDER_TYPES,
  type Order,
  type OrderBook,
  type OrderStatus,
  type OrderType,
  type Side,
  type SymbolFilter,
  type SymbolInfo,
  type Ticker24h,
  type TickerPrice,
  type Trade,
  type TradeFee,
} from "./types.js";

/**
 * zod schemas for MEXC's answers, turning wire JSON into the domain types. The leaf parsers are written by hand so
 * that an unexpected value is reported with what was expected and what came ("expected a decimal, got "abc""),
 * and so that MEXC's `null` and `""` are accepted exactly where they occur and nowhere else.
 */

type Ctx = z.core.$RefinementCtx;

/**
 * A leaf parser. Built on `z.unknown().optional()` because zod 4 rejects a missing key with a bare "expected
 * nonoptional" before any transform runs; this way our transform sees `undefined` and says what was missing.
 */
function leaf<T>(parse: (v: unknown, ctx: Ctx) => T) {
  return z.unknown().optional().transform(parse);
}

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER as never;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing (missing)";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function toDecimal(v: unknown, ctx: Ctx): Decimal {
  if (typeof v === "string" && DECIMAL_LITERAL.test(v)) return new D(v);
  if (typeof v === "number" && Number.isFinite(v)) return new D(v);
  return fail(ctx, `expected a decimal, got ${show(v)}`);
}

const isBlank = (v: unknown): boolean => v === undefined || v === null || v === "";

/** A decimal that must be there. */
export const dec = leaf(toDecimal);
/** A decimal MEXC sometimes sends as null or "". */
export const decOrNull = leaf((v, ctx) => (isBlank(v) ? null : toDecimal(v, ctx)));

function toInt(v: unknown, ctx: Ctx): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^-?\d{1,15}$/.test(v)) return Number(v);
  return fail(ctx, `expected an integer, got ${show(v)}`);
}
export const int = leaf(toInt);
export const intOrNull = leaf((v, ctx) => (isBlank(v) ? null : toInt(v, ctx)));

export const str = leaf((v, ctx) =>
  typeof v === "string" && v !== "" ? v : fail(ctx, `expected a non-empty string, got ${show(v)}`),
);
export const strOrNull = leaf((v, ctx) =>
  isBlank(v) ? null : typeof v === "string" ? v : fail(ctx, `expected a string or null, got ${show(v)}`),
);
/**
 * Ids arrive as strings (digits, or hex text like "C02__443776347957968896") or numbers (large numbers are quoted
 * by parseJson before they lose digits). They are opaque text from here on: never compared or sorted as numbers.
 */
function toId(v: unknown, ctx: Ctx): string {
  return (typeof v === "string" && v !== "") || (typeof v === "number" && Number.isSafeInteger(v))
    ? String(v)
    : fail(ctx, `expected an id, got ${show(v)}`);
}
export const id = leaf(toId);
const idOrNull = leaf((v, ctx) => (isBlank(v) ? null : toId(v, ctx)));
export const bool = leaf((v, ctx) =>
  typeof v === "boolean" ? v : fail(ctx, `expected true or false, got ${show(v)}`),
);
const boolOrNull = leaf((v, ctx) =>
  v === undefined || v === null
    ? null
    : typeof v === "boolean"
      ? v
      : fail(ctx, `expected a boolean, got ${show(v)}`),
);
/** A string or number field MEXC documents as a code ("1", 1). */
const codeStr = (fallback?: string) =>
  leaf((v, ctx) => {
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return typeof v === "string" || typeof v === "number"
      ? String(v)
      : fail(ctx, `expected a code, got ${show(v)}`);
  });
const strList = leaf((v, ctx) => {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return fail(ctx, `expected a list of strings, got ${show(v)}`);
});

function oneOf<const T extends readonly string[]>(values: T, what: string) {
  return leaf((v, ctx) =>
    typeof v === "string" && (values as readonly string[]).includes(v)
      ? (v as T[number])
      : fail(ctx, `expected ${what} (${values.join(" | ")}), got ${show(v)}`),
  );
}
const side = oneOf(["BUY", "SELL"] as const, "a side") as z.ZodType<Side>;
const orderType = oneOf(ORDER_TYPES, "an order type") as z.ZodType<OrderType>;
const orderStatus = oneOf(ORDER_STATUSES, "an order status") as z.ZodType<OrderStatus>;

export const serverTimeSchema = z.object({ serverTime: int });
export const emptySchema = z.looseObject({});
export const defaultSymbolsSchema = z.object({ data: z.array(str) });

/**
 * GET /api/v3/selfSymbols (docs "User API default symbol"): `{"code": 200, "data": ["GENE1USDT", …], "msg": null}`,
 * the symbols this API key may trade. A `data` of null reads as none.
 */
export const selfSymbolsSchema = z.object({
  data: z.union([z.array(str), z.null()]).transform((d) => d ?? []),
});

/** A decimal field of a filter: absent, null or "" reads as null (the answers seen leave fields out). */
function filterDecimal(f: Record<string, unknown>, key: string, ctx: Ctx): Decimal | null {
  const v = f[key];
  return isBlank(v) ? null : toDecimal(v, ctx);
}

/**
 * exchangeInfo `filters`: the ones we act on, parsed; any other filter type is ignored, since MEXC adds filters
 * without notice (change log 2025-09-17) and an unknown one must not stop the bots from reading the rules.
 */
const filterList = leaf((v, ctx): SymbolFilter[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(ctx, `expected a list of filters, got ${show(v)}`);
  const out: SymbolFilter[] = [];
  for (const f of v) {
    if (typeof f !== "object" || f === null || Array.isArray(f)) continue;
    const rec = f as Record<string, unknown>;
    if (rec.filterType !== "PERCENT_PRICE_BY_SIDE") continue;
    out.push({
      filterType: "PERCENT_PRICE_BY_SIDE",
      bidMultiplierUp: filterDecimal(rec, "bidMultiplierUp", ctx),
      bidMultiplierDown: filterDecimal(rec, "bidMultiplierDown", ctx),
      askMultiplierUp: filterDecimal(rec, "askMultiplierUp", ctx),
      askMultiplierDown: filterDecimal(rec, "askMultiplierDown", ctx),
    });
  }
  return out;
});

const symbolInfo: z.ZodType<SymbolInfo> = z
  .object({
    symbol: str,
    status: codeStr(),
    baseAsset: str,
    quoteAsset: str,
    baseAssetPrecision: int,
    quotePrecision: int,
    quoteAssetPrecision: intOrNull,
    baseSizePrecision: dec,
    quoteAmountPrecision: dec,
    quoteAmountPrecisionMarket: decOrNull,
    maxQuoteAmount: decOrNull,
    maxQuoteAmountMarket: decOrNull,
    makerCommission: decOrNull,
    takerCommission: decOrNull,
    orderTypes: strList,
    isSpotTradingAllowed: bool,
    permissions: strList,
    tradeSideType: codeStr("1"),
    quoteOrderQtyMarketAllowed: boolOrNull,
    filters: filterList,
  })
  .transform((s) => ({ ...s, quoteAssetPrecision: s.quoteAssetPrecision ?? s.quotePrecision }));

export const exchangeInfoSchema: z.ZodType<ExchangeInfo> = z.object({
  serverTime: intOrNull,
  symbols: z.array(symbolInfo),
});

/** A bad cell inside a hand-read row: where it is (within the row) and what was wrong. */
class CellError {
  constructor(
    readonly index: number,
    readonly message: string,
  ) {}
}

function cellDecimal(row: readonly unknown[], i: number): Decimal {
  const v = row[i];
  if (typeof v === "string" && DECIMAL_LITERAL.test(v)) return new D(v);
  if (typeof v === "number" && Number.isFinite(v)) return new D(v);
  throw new CellError(i, `expected a decimal, got ${show(v)}`);
}

function cellInt(row: readonly unknown[], i: number): number {
  const v = row[i];
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^-?\d{1,15}$/.test(v)) return Number(v);
  throw new CellError(i, `expected an integer, got ${show(v)}`);
}

/**
 * A list of positional rows (klines, book levels), read by hand: these are the hot path of a market scan
 * (2,000 symbols × 100 candles), and per-cell zod schemas cost three times the Decimal parsing itself.
 */
function rows<T>(parseRow: (row: readonly unknown[]) => T) {
  return leaf((v, ctx): T[] => {
    if (!Array.isArray(v)) return fail(ctx, `expected a list, got ${show(v)}`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const row: unknown = v[i];
      try {
        if (!Array.isArray(row)) throw new CellError(-1, `expected a row (a list), got ${show(row)}`);
        out.push(parseRow(row));
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        ctx.addIssue({ code: "custom", path: e.index < 0 ? [i] : [i, e.index], message: e.message });
        return z.NEVER as never;
      }
    }
    return out;
  });
}

const levels = rows((r) => ({ price: cellDecimal(r, 0), qty: cellDecimal(r, 1) }));
export const depthSchema: z.ZodType<OrderBook> = z.object({
  lastUpdateId: intOrNull,
  bids: levels,
  asks: levels,
});

export const klinesSchema: z.ZodType<Kline[]> = rows((r) => ({
  openTime: cellInt(r, 0),
  open: cellDecimal(r, 1),
  high: cellDecimal(r, 2),
  low: cellDecimal(r, 3),
  close: cellDecimal(r, 4),
  volume: cellDecimal(r, 5),
  closeTime: cellInt(r, 6),
  quoteVolume: isBlank(r[7]) ? null : cellDecimal(r, 7),
}));

export const ticker24hSchema: z.ZodType<Ticker24h> = z.object({
  symbol: str,
  priceChange: decOrNull,
  priceChangePercent: decOrNull,
  prevClosePrice: decOrNull,
  lastPrice: decOrNull,
  bidPrice: decOrNull,
  bidQty: decOrNull,
  askPrice: decOrNull,
  askQty: decOrNull,
  openPrice: decOrNull,
  highPrice: decOrNull,
  lowPrice: decOrNull,
  volume: decOrNull,
  quoteVolume: decOrNull,
  openTime: intOrNull,
  closeTime: intOrNull,
  count: intOrNull,
});

/** A ticker MEXC sent that could not be read, left out of the all-symbols list. */
export interface DroppedTicker {
  readonly index: number;
  readonly symbol: string | undefined;
  readonly issue: string;
}

/**
 * All 24 h tickers at once, read one by one: one pair with a value nobody expected must not hide the whole market
 * from the scanner. Unreadable entries are returned apart so the caller can log them; only when every entry is
 * unreadable (the format itself changed) is the answer an error.
 */
export const ticker24hAllSchema = leaf((v, ctx): { tickers: Ticker24h[]; dropped: DroppedTicker[] } => {
  if (!Array.isArray(v)) return fail(ctx, `expected a list, got ${show(v)}`);
  const tickers: Ticker24h[] = [];
  const dropped: DroppedTicker[] = [];
  v.forEach((item: unknown, index) => {
    const parsed = ticker24hSchema.safeParse(item);
    if (parsed.success) {
      tickers.push(parsed.data);
      return;
    }
    const symbol = (item as { symbol?: unknown } | null)?.symbol;
    dropped.push({
      index,
      symbol: typeof symbol === "string" ? symbol : undefined,
      issue: describeIssues(parsed.error),
    });
  });
  if (v.length > 0 && tickers.length === 0) {
    return fail(ctx, `no ticker could be read; [${dropped[0]?.index}] ${dropped[0]?.issue}`);
  }
  return { tickers, dropped };
});

export const tickerPriceSchema: z.ZodType<TickerPrice> = z.object({ symbol: str, price: dec });

export const bookTickerSchema: z.ZodType<BookTicker> = z.object({
  symbol: str,
  bidPrice: decOrNull,
  bidQty: decOrNull,
  askPrice: decOrNull,
  askQty: decOrNull,
});

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

/** `symbols[3].baseAssetPrecision` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(root)" : out;
}

/** The first problem of a failed parse, naming the field: "symbols[3].status: expected a code, got null". */
export function describeIssues(error: z.ZodError): string {
  const [first] = error.issues;
  if (!first) return "invalid response";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${formatPath(first.path)}: ${first.message}${more}`;
}

/**
 * JSON.parse, except that integers too long for a JS number (some MEXC order ids) are read as strings before they
 * silently lose digits. Decimals with a fraction never match: they are not integers.
 */
export function parseJson(text: string): unknown {
  const safe = /[:,[]\s*-?\d{16}/.test(text)
    ? text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"')
    : text;
  return JSON.parse(safe);
}
