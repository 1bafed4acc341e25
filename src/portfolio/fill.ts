import { z } from "zod";
import { D } from "../decimal.js";
import { BOT_ID } from "./attribution.js";

/**
 * One trade of ours as MEXC's myTrades reports it. The exchange forgets trades after a month, so the ledger keeps
 * every Fill forever; everything the portfolio knows about cost and PnL is derived from this list alone.
 */
export interface Fill {
  /** MEXC trade id; for imported history, "import-" + a hash of the row (see csv-import.ts). */
  readonly id: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly side: FillSide;
  readonly price: D;
  /** Base quantity traded, before any base-asset fee. */
  readonly qty: D;
  /** Quote amount traded, before any quote-asset fee. */
  readonly quoteQty: D;
  readonly fee: D;
  /** The asset the fee was charged in: base, quote, or a third asset such as MX. */
  readonly feeAsset: string;
  /** Epoch milliseconds of the trade. */
  readonly time: number;
  /** Exchange order id; imported rows carry no order, so they use their own fill id. */
  readonly orderId: string;
  /**
   * Our client order id of the order, from the order journal (MEXC's myTrades often reports none: see
   * attribution.ts); else the one the exchange reported, if any. Absent for most orders placed outside this program.
   */
  readonly clientOrderId?: string;
  /**
   * The bot whose order this was ("manual" when no bot of ours placed it), attributed by the ledger when the fill
   * is synced and kept in fills.jsonl. Absent only in fills written before attribution existed; the ledger
   * attributes those once at start (see botOfFill for the fallback meanwhile).
   */
  readonly bot?: string;
  readonly isMaker: boolean;
  readonly source: FillSource;
}

export type FillSide = "BUY" | "SELL";
export type FillSource = "exchange" | "import";

/**
 * Why a fill cannot be right, or an empty list. Shared by the store schema, the CSV import and the cost-basis book
 * so that "valid" means the same thing wherever a fill enters.
 */
export function fillProblems(f: Fill): string[] {
  const problems: string[] = [];
  const { symbol, base, quote } = f;
  if (symbol.length !== base.length + quote.length || !symbol.startsWith(base) || !symbol.endsWith(quote)) {
    problems.push(`symbol ${symbol} is not base ${base} + quote ${quote}`);
  }
  if (!isPositive(f.price)) problems.push("price must be positive");
  if (!isPositive(f.qty)) problems.push("qty must be positive");
  if (!isNonNegative(f.quoteQty)) problems.push("quoteQty must not be negative");
  if (!isNonNegative(f.fee)) problems.push("fee must not be negative");
  // A buy that loses more base to fees than it received would create a negative holding out of nothing.
  if (f.side === "BUY" && f.feeAsset === base && f.fee.gt(f.qty)) problems.push("base-asset fee exceeds qty");
  if (!Number.isSafeInteger(f.time) || f.time < 0) problems.push("time must be epoch milliseconds");
  return problems;
}

// Sign checks rather than comparisons with 0: this runs on every fill, and each Decimal comparison copies its argument.
function isNonNegative(d: D): boolean {
  return d.isFinite() && !d.isNegative();
}

function isPositive(d: D): boolean {
  return isNonNegative(d) && !d.isZero();
}

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, "must be a plain non-negative decimal string");
const asset = z.string().regex(/^[A-Z0-9]+$/, "must be an upper-case asset code");

/** The JSON shape of a Fill, field by field; the cross-field rules are fillProblems. */
const fillJsonShape = z.object({
  id: z.string().min(1),
  symbol: asset,
  base: asset,
  quote: asset,
  side: z.enum(["BUY", "SELL"]),
  price: decimalString,
  qty: decimalString,
  quoteQty: decimalString,
  fee: decimalString,
  feeAsset: asset,
  time: z.number().int().nonnegative(),
  orderId: z.string(),
  clientOrderId: z.string().min(1).optional(),
  bot: z.string().regex(BOT_ID, "must be a bot id (lower-case letters and digits)").optional(),
  isMaker: z.boolean(),
  source: z.enum(["exchange", "import"]),
});

/** The JSON form of a Fill in the store: decimals as strings, so nothing passes through a JS number. */
export const fillJsonSchema = fillJsonShape.superRefine((json, ctx) => {
  for (const message of fillProblems(fillFromJson(json))) ctx.addIssue({ code: "custom", message });
});

export type FillJson = z.output<typeof fillJsonShape>;

export function fillToJson(f: Fill): FillJson {
  const json: FillJson = {
    id: f.id,
    symbol: f.symbol,
    base: f.base,
    quote: f.quote,
    side: f.side,
    price: f.price.toFixed(),
    qty: f.qty.toFixed(),
    quoteQty: f.quoteQty.toFixed(),
    fee: f.fee.toFixed(),
    feeAsset: f.feeAsset,
    time: f.time,
    orderId: f.orderId,
    isMaker: f.isMaker,
    source: f.source,
  };
  if (f.clientOrderId !== undefined) json.clientOrderId = f.clientOrderId;
  if (f.bot !== undefined) json.bot = f.bot;
  return json;
}

/** From JSON the schema has already accepted (e.g. as part of the store's state). */
export function fillFromJson(json: FillJson): Fill {
  // One object, its optional fields set in place: this runs once per line of fills.jsonl.
  const fill: { -readonly [K in keyof Fill]: Fill[K] } = {
    id: json.id,
    symbol: json.symbol,
    base: json.base,
    quote: json.quote,
    side: json.side,
    price: new D(json.price),
    qty: new D(json.qty),
    quoteQty: new D(json.quoteQty),
    fee: new D(json.fee),
    feeAsset: json.feeAsset,
    time: json.time,
    orderId: json.orderId,
    isMaker: json.isMaker,
    source: json.source,
  };
  if (json.clientOrderId !== undefined) fill.clientOrderId = json.clientOrderId;
  if (json.bot !== undefined) fill.bot = json.bot;
  return fill;
}

/**
 * From untrusted JSON; throws a ZodError naming every problem. The Decimals are built once, for the cross-field
 * checks and the result alike: fills.jsonl is read through here line by line, a million lines at a start.
 */
export function parseFillJson(value: unknown): Fill {
  const json = isPlainFillJson(value) ? value : fillJsonShape.parse(value);
  const fill = fillFromJson(json);
  const problems = fillProblems(fill);
  if (problems.length > 0)
    throw new z.ZodError(
      problems.map((message) => ({ code: "custom" as const, message, path: [], input: value })),
    );
  return fill;
}

/**
 * From untrusted JSON, the same verdict as parseFillJson without building a Decimal: a start reads a million lines
 * and keeps few of their fills, a replay wants its amounts exact (exact-decimal.ts). A line it doubts goes through
 * parseFillJson, which throws naming the problem.
 */
export function checkFillJson(value: unknown): FillJson {
  if (isPlainFillJson(value) && plainProblemsFree(value)) return value;
  return fillToJson(parseFillJson(value));
}

/** fillProblems for JSON that passed isPlainFillJson: its amounts are plain non-negative decimal strings. */
function plainProblemsFree(j: FillJson): boolean {
  const { symbol, base, quote } = j;
  return (
    symbol.length === base.length + quote.length &&
    symbol.startsWith(base) &&
    symbol.endsWith(quote) &&
    NON_ZERO.test(j.price) &&
    NON_ZERO.test(j.qty) &&
    !(j.side === "BUY" && j.feeAsset === base && comparePlain(j.fee, j.qty) > 0)
  );
}

const NON_ZERO = /[1-9]/;

/**
 * Compares two plain non-negative decimal strings (/^\d+(\.\d+)?$/) by value, character by character: a cold
 * open checks every buy whose fee is in its base this way, and splitting and padding strings cost half a second a
 * million lines.
 */
export function comparePlain(a: string, b: string): number {
  const da = dotOrEnd(a);
  const db = dotOrEnd(b);
  let ia = 0;
  let ib = 0;
  while (ia < da && a.charCodeAt(ia) === 48) ia++;
  while (ib < db && b.charCodeAt(ib) === 48) ib++;
  if (da - ia !== db - ib) return da - ia - (db - ib);
  for (; ia < da; ia++, ib++) {
    const d = a.charCodeAt(ia) - b.charCodeAt(ib);
    if (d !== 0) return d;
  }
  // Fractions: a missing digit is a 0.
  const n = Math.max(a.length - da, b.length - db);
  for (let k = 1; k < n; k++) {
    const d = fractionDigit(a, da + k) - fractionDigit(b, db + k);
    if (d !== 0) return d;
  }
  return 0;
}

function dotOrEnd(s: string): number {
  const dot = s.indexOf(".");
  return dot === -1 ? s.length : dot;
}

function fractionDigit(s: string, at: number): number {
  return at < s.length ? s.charCodeAt(at) : 48;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const ASSET = /^[A-Z0-9]+$/;

/**
 * The schema's field checks by hand, for the common case of a good line: zod costs more than the rest of a line's
 * parse together. Accepts only what fillJsonShape accepts; anything else goes through zod, which then names the
 * problem as before.
 */
function isPlainFillJson(v: unknown): v is FillJson {
  if (typeof v !== "object" || v === null) return false;
  const j = v as Record<string, unknown>;
  return (
    typeof j.id === "string" &&
    j.id.length > 0 &&
    isAsset(j.symbol) &&
    isAsset(j.base) &&
    isAsset(j.quote) &&
    (j.side === "BUY" || j.side === "SELL") &&
    isDecimal(j.price) &&
    isDecimal(j.qty) &&
    isDecimal(j.quoteQty) &&
    isDecimal(j.fee) &&
    isAsset(j.feeAsset) &&
    Number.isSafeInteger(j.time) &&
    (j.time as number) >= 0 &&
    typeof j.orderId === "string" &&
    (j.clientOrderId === undefined || (typeof j.clientOrderId === "string" && j.clientOrderId.length > 0)) &&
    (j.bot === undefined || (typeof j.bot === "string" && BOT_ID.test(j.bot))) &&
    typeof j.isMaker === "boolean" &&
    (j.source === "exchange" || j.source === "import")
  );
}

const isAsset = (v: unknown): boolean => typeof v === "string" && ASSET.test(v);
const isDecimal = (v: unknown): boolean => typeof v === "string" && DECIMAL.test(v);

/**
 * The order fills are processed in: by time, then by id. MEXC trade ids are decimal strings of varying length, so
 * numeric ids compare by length first; a plain string comparison would put "10" before "9".
 */
export function compareFills(a: Pick<Fill, "time" | "id">, b: Pick<Fill, "time" | "id">): number {
  if (a.time !== b.time) return a.time - b.time;
  return compareIds(a.id, b.id);
}

const DIGITS = /^\d+$/;

export function compareIds(a: string, b: string): number {
  if (a.length !== b.length && DIGITS.test(a) && DIGITS.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
