import { z } from "zod";
import { D, DECIMAL_LITERAL, type Decimal } from "./decimal.js";
import {
  bool,
  boolOrNull,
  type Ctx,
  codeStr,
  dec,
  decOrNull,
  describeIssues,
  fail,
  int,
  intOrNull,
  isBlank,
  leaf,
  show,
  str,
  strList,
  toDecimal,
} from "./schema-fields.js";
import type {
  BookTicker,
  ExchangeInfo,
  OrderBook,
  SymbolFilter,
  SymbolInfo,
  Ticker24h,
  TickerPrice,
} from "./types.js";

/** zod schemas for MEXC's market-data answers (and the server's time and symbol lists), read into domain types. */

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

/**
 * A list of positional rows (book levels), read by hand: per-cell zod schemas cost three times the Decimal
 * parsing itself. Klines have their own reader, into numbers (schemas-klines.ts).
 */
function cellInt(row: readonly unknown[], i: number): number {
  const v = row[i];
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^-?\d{1,15}$/.test(v)) return Number(v);
  throw new CellError(i, `expected an integer, got ${show(v)}`);
}

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
 * Candles as MEXC wrote them, for files that must keep the exchange's own digits (history/): each cell's text
 * untouched ("0.00001000" stays so; a Decimal would print "0.00001"). Times must be integers, the rest text.
 */
export const klineCellsSchema: z.ZodType<string[][]> = rows((r) => {
  if (r.length < 8) throw new CellError(r.length, `expected 8 cells in a candle, got ${r.length}`);
  const cells: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (i === 0 || i === 6) cells.push(String(cellInt(r, i)));
    else if (typeof r[i] === "string") cells.push(r[i] as string);
    else if (r[i] === null || typeof r[i] === "number") cells.push(r[i] === null ? "" : String(r[i]));
    else throw new CellError(i, `expected a decimal as text, got ${show(r[i])}`);
  }
  return cells;
});

/** exchangeInfo's `symbols` objects exactly as sent (every field, MEXC's order), for files that keep them. */
export const exchangeInfoRawSchema = z.object({
  symbols: z.array(
    z.custom<Record<string, unknown>>(
      (v) => typeof v === "object" && v !== null && typeof (v as { symbol?: unknown }).symbol === "string",
      { message: "expected a symbol object with a symbol name" },
    ),
  ),
});
