import { z } from "zod";
import { D, DECIMAL_LITERAL, type Decimal } from "./decimal.js";
import { ORDER_STATUSES, ORDER_TYPES, type OrderStatus, type OrderType, type Side } from "./types.js";

/**
 * The leaf parsers every MEXC answer schema is built of, and the JSON reading around them. Written by hand so
 * that an unexpected value is reported with what was expected and what came ("expected a decimal, got "abc""),
 * and so that MEXC's `null` and `""` are accepted exactly where they occur and nowhere else.
 */

export type Ctx = z.core.$RefinementCtx;

/**
 * A leaf parser. Built on `z.unknown().optional()` because zod 4 rejects a missing key with a bare "expected
 * nonoptional" before any transform runs; this way our transform sees `undefined` and says what was missing.
 */
export function leaf<T>(parse: (v: unknown, ctx: Ctx) => T) {
  return z.unknown().optional().transform(parse);
}

export function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER as never;
}

export function show(v: unknown): string {
  if (v === undefined) return "nothing (missing)";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export function toDecimal(v: unknown, ctx: Ctx): Decimal {
  if (typeof v === "string" && DECIMAL_LITERAL.test(v)) return new D(v);
  if (typeof v === "number" && Number.isFinite(v)) return new D(v);
  return fail(ctx, `expected a decimal, got ${show(v)}`);
}

export const isBlank = (v: unknown): boolean => v === undefined || v === null || v === "";

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
export const idOrNull = leaf((v, ctx) => (isBlank(v) ? null : toId(v, ctx)));
export const bool = leaf((v, ctx) =>
  typeof v === "boolean" ? v : fail(ctx, `expected true or false, got ${show(v)}`),
);
export const boolOrNull = leaf((v, ctx) =>
  v === undefined || v === null
    ? null
    : typeof v === "boolean"
      ? v
      : fail(ctx, `expected a boolean, got ${show(v)}`),
);
/** A string or number field MEXC documents as a code ("1", 1). */
export const codeStr = (fallback?: string) =>
  leaf((v, ctx) => {
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return typeof v === "string" || typeof v === "number"
      ? String(v)
      : fail(ctx, `expected a code, got ${show(v)}`);
  });
export const strList = leaf((v, ctx) => {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return fail(ctx, `expected a list of strings, got ${show(v)}`);
});

export function oneOf<const T extends readonly string[]>(values: T, what: string) {
  return leaf((v, ctx) =>
    typeof v === "string" && (values as readonly string[]).includes(v)
      ? (v as T[number])
      : fail(ctx, `expected ${what} (${values.join(" | ")}), got ${show(v)}`),
  );
}
export const side = oneOf(["BUY", "SELL"] as const, "a side") as z.ZodType<Side>;
export const orderType = oneOf(ORDER_TYPES, "an order type") as z.ZodType<OrderType>;
export const orderStatus = oneOf(ORDER_STATUSES, "an order status") as z.ZodType<OrderStatus>;

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
