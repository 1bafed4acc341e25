/**
 * Importing trade history older than the exchange keeps (myTrades only reaches one month back).
 *
 * Format: CSV, UTF-8 (a leading BOM is ignored), comma-separated, LF or CRLF line endings, one trade per row.
 * The first non-empty line is a header naming these eight columns, in any order, each exactly once:
 *
 *   time,symbol,side,price,quantity,quote_quantity,fee,fee_asset
 *
 *   time            ISO-8601 with a time zone ("2024-03-01T14:05:00Z", "2024-03-01T15:05:00.250+01:00")
 *                   or epoch milliseconds ("1709301900000"); epoch seconds are refused, not guessed.
 *   symbol          the pair, e.g. BTCUSDT, BTC_USDT, BTC/USDT or BTC-USDT; the quote must be one of
 *                   USDT, USDC, BTC, ETH, MX (without a separator the longest matching quote wins).
 *   side            BUY or SELL, any case.
 *   price           quote per base unit, a plain decimal ("64250.5"), > 0.
 *   quantity        base amount traded, before fees, > 0.
 *   quote_quantity  quote amount traded, before fees; must be within 1% of price × quantity, which catches
 *                   columns in the wrong order.
 *   fee             the fee charged, >= 0 ("0" if none).
 *   fee_asset       the asset the fee was charged in (base, quote or e.g. MX); may be empty when fee is 0.
 *
 * Plain decimals only: digits with an optional fraction, no sign, no exponent, no thousands separator.
 * Fields may be quoted with double quotes ("" inside a quoted field is one quote); spaces around fields and empty
 * lines are ignored. Every bad row is reported with its line number and nothing is imported until all are fixed.
 *
 * Each row becomes a fill with id "import-" + a hash of its content (and its occurrence number, so two identical
 * trades in one file stay two fills): importing the same file twice adds nothing when fills are merged by id.
 * Imported fills have no order or client id, so they count as "manual" trades, and are recorded as takers.
 */
import { createHash } from "node:crypto";
import { D } from "../decimal.js";
import { type Fill, type FillSide, fillProblems } from "./fill.js";

export const CSV_COLUMNS = [
  "time",
  "symbol",
  "side",
  "price",
  "quantity",
  "quote_quantity",
  "fee",
  "fee_asset",
] as const;
type Column = (typeof CSV_COLUMNS)[number];

export const DEFAULT_QUOTE_ASSETS: readonly string[] = ["USDT", "USDC", "BTC", "ETH", "MX"];

export interface CsvError {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly message: string;
}

export type CsvImportResult =
  | { readonly ok: true; readonly fills: readonly Fill[] }
  | { readonly ok: false; readonly errors: readonly CsvError[] };

interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
  /** Set when the row's quoting is broken; its fields are then not trusted. */
  readonly error?: string;
}

export function importFillsCsv(
  text: string,
  quoteAssets: readonly string[] = DEFAULT_QUOTE_ASSETS,
): CsvImportResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...rows] = parsed.records;
  if (header?.error !== undefined) return fail(header.line, header.error);
  if (header === undefined) return fail(1, `no header: expected ${CSV_COLUMNS.join(",")}`);
  const columns = readHeader(header);
  if (!columns.ok) return columns;

  const errors: CsvError[] = [];
  const fills: Fill[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.error !== undefined) {
      errors.push({ line: row.line, message: row.error });
      continue;
    }
    if (row.fields.length !== CSV_COLUMNS.length) {
      const message = `expected ${CSV_COLUMNS.length} fields, found ${row.fields.length}`;
      errors.push({ line: row.line, message });
      continue;
    }
    const get = (c: Column): string => row.fields[columns.index[c]] ?? "";
    const result = readRow(get, quoteAssets);
    if (typeof result === "string") {
      errors.push({ line: row.line, message: result });
      continue;
    }
    const occurrence = seen.get(result.key) ?? 0;
    seen.set(result.key, occurrence + 1);
    const id = `import-${createHash("sha256").update(`${result.key}|${occurrence}`).digest("hex").slice(0, 24)}`;
    fills.push({ ...result.fill, id, orderId: id });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, fills };
}

function fail(line: number, message: string): { ok: false; errors: CsvError[] } {
  return { ok: false, errors: [{ line, message }] };
}

function readHeader(
  header: CsvRecord,
): { ok: true; index: Record<Column, number> } | { ok: false; errors: CsvError[] } {
  const index: Partial<Record<Column, number>> = {};
  const problems: string[] = [];
  header.fields.forEach((raw, i) => {
    const name = raw.toLowerCase();
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) problems.push(`unknown column "${raw}"`);
    else if (index[name as Column] !== undefined) problems.push(`duplicate column "${name}"`);
    else index[name as Column] = i;
  });
  const missing = CSV_COLUMNS.filter((c) => index[c] === undefined);
  if (missing.length > 0) problems.push(`missing column(s) ${missing.join(", ")}`);
  if (problems.length > 0) {
    return fail(header.line, `bad header (${problems.join("; ")}); expected ${CSV_COLUMNS.join(",")}`);
  }
  return { ok: true, index: index as Record<Column, number> };
}

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const EPOCH_MS = /^\d{1,16}$/;
/** 1973-03-03 in ms, or year 5138 in seconds: anything smaller is almost certainly epoch seconds. */
const MIN_EPOCH_MS = 100_000_000_000;
const TOLERANCE = new D("0.01");

type RowFill = Omit<Fill, "id" | "orderId">;

/** A row's fill and its identity key, or why the row is wrong. */
function readRow(
  get: (c: Column) => string,
  quoteAssets: readonly string[],
): { fill: RowFill; key: string } | string {
  const problems: string[] = [];
  const time = readTime(get("time"), problems);
  const pair = readSymbol(get("symbol"), quoteAssets, problems);
  const sideText = get("side").toUpperCase();
  if (sideText !== "BUY" && sideText !== "SELL") problems.push(`side "${get("side")}" is not BUY or SELL`);
  const price = readDecimal(get, "price", problems, true);
  const qty = readDecimal(get, "quantity", problems, true);
  const quoteQty = readDecimal(get, "quote_quantity", problems, false);
  const fee = readDecimal(get, "fee", problems, false);
  let feeAsset = get("fee_asset").toUpperCase();
  if (feeAsset === "") {
    if (fee?.isZero() && pair) feeAsset = pair.quote;
    else if (fee) problems.push("fee_asset is required when fee is not 0");
  } else if (!/^[A-Z0-9]+$/.test(feeAsset))
    problems.push(`fee_asset "${get("fee_asset")}" is not an asset code`);
  if (price && qty && quoteQty) {
    const expected = price.mul(qty);
    if (quoteQty.minus(expected).abs().gt(expected.mul(TOLERANCE))) {
      problems.push(`quote_quantity ${quoteQty.toFixed()} is not price × quantity (${expected.toFixed()})`);
    }
  }
  if (problems.length > 0 || time === undefined || !pair || !price || !qty || !quoteQty || !fee) {
    return problems.join("; ");
  }
  const side = sideText as FillSide;
  const fill: RowFill = {
    symbol: pair.base + pair.quote,
    base: pair.base,
    quote: pair.quote,
    side,
    price,
    qty,
    quoteQty,
    fee,
    feeAsset,
    time,
    isMaker: false,
    source: "import",
  };
  // The checks every fill gets, wherever it enters (e.g. a base-asset fee larger than the quantity bought).
  const invalid = fillProblems({ ...fill, id: "", orderId: "" });
  if (invalid.length > 0) return invalid.join("; ");
  // Normalized values, so re-exporting the same trades with other formatting ("1.50" vs "1.5") keeps the ids.
  const key = [
    time,
    fill.symbol,
    side,
    price.toFixed(),
    qty.toFixed(),
    quoteQty.toFixed(),
    fee.toFixed(),
    feeAsset,
  ];
  return { fill, key: key.join("|") };
}

function readTime(text: string, problems: string[]): number | undefined {
  let ms: number;
  if (EPOCH_MS.test(text)) {
    ms = Number(text);
    if (ms < MIN_EPOCH_MS) {
      problems.push(`time ${text} looks like epoch seconds; give milliseconds or ISO-8601`);
      return undefined;
    }
  } else if (ISO_WITH_ZONE.test(text)) {
    ms = isCalendarDate(text) ? Date.parse(text) : Number.NaN;
  } else {
    problems.push(`time "${text}" is neither ISO-8601 with a time zone nor epoch milliseconds`);
    return undefined;
  }
  if (!Number.isSafeInteger(ms)) {
    problems.push(`time "${text}" is not a valid date`);
    return undefined;
  }
  return ms;
}

/** Date.parse rolls "02-30" over to March and accepts hour 24; a typo must not silently move a trade. */
function isCalendarDate(iso: string): boolean {
  const [y, m, d, h] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13)].map(Number);
  if (y === undefined || m === undefined || d === undefined || h === undefined || h > 23) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function readSymbol(
  text: string,
  quoteAssets: readonly string[],
  problems: string[],
): { base: string; quote: string } | undefined {
  const symbol = text.toUpperCase();
  const parts = symbol.split(/[_/-]/);
  if (parts.length === 2 && parts.every((p) => /^[A-Z0-9]+$/.test(p))) {
    const [base, quote] = parts as [string, string];
    if (quoteAssets.includes(quote)) return { base, quote };
  } else if (/^[A-Z0-9]+$/.test(symbol)) {
    // Longest quote first: with both ETH and a hypothetical "STETH" listed, "XSTETH" must not split as XST/ETH.
    const quotes = [...quoteAssets].sort((a, b) => b.length - a.length);
    const quote = quotes.find((q) => symbol.length > q.length && symbol.endsWith(q));
    if (quote !== undefined) return { base: symbol.slice(0, -quote.length), quote };
  }
  problems.push(`symbol "${text}" does not end in a known quote asset (${quoteAssets.join(", ")})`);
  return undefined;
}

function readDecimal(
  get: (c: Column) => string,
  column: Column,
  problems: string[],
  positive: boolean,
): D | undefined {
  const text = get(column);
  if (!PLAIN_DECIMAL.test(text)) {
    problems.push(`${column} "${text}" is not a plain decimal`);
    return undefined;
  }
  const value = new D(text);
  if (positive && value.isZero()) {
    problems.push(`${column} must be greater than 0`);
    return undefined;
  }
  return value;
}

/**
 * RFC 4180 records with their starting line numbers. A quoted field may hold commas, quotes and line breaks, so
 * records are found by scanning characters rather than splitting lines.
 */
function parseCsv(text: string): { ok: true; records: CsvRecord[] } | { ok: false; errors: CsvError[] } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  let error: string | undefined;
  const s = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const endField = (): void => {
    fields.push(wasQuoted ? field : field.trim());
    field = "";
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (error !== undefined) records.push({ line: recordLine, fields, error });
    else if (fields.length > 1 || (fields[0] ?? "") !== "") records.push({ line: recordLine, fields });
    fields = [];
    error = undefined;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      field = "";
    } else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (wasQuoted) {
      if (c !== " " && c !== "\t") error = "text after a closing quote";
    } else field += c;
  }
  if (quoted) return fail(recordLine, "a quoted field is never closed");
  endRecord();
  return { ok: true, records };
}
