import { D } from "../decimal.js";

/**
 * Building blocks for Telegram messages in HTML parse mode. Every helper takes plain text and escapes it, so text
 * that came from outside (symbols, exchange messages, user input) can never open a tag; HTML is only ever made
 * here. Money goes from Decimal (or its string) to text without passing through a JS number.
 */

/** Escapes text for element content: Telegram rejects a message with a stray `<` or `&`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes text for an attribute value in double quotes. */
export function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

export const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;
export const italic = (text: string): string => `<i>${escapeHtml(text)}</i>`;
export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;
export const pre = (text: string): string => `<pre>${escapeHtml(text)}</pre>`;
export const link = (href: string, text: string): string =>
  `<a href="${escapeAttr(href)}">${escapeHtml(text)}</a>`;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** The text a person would read: tags removed, entities decoded (the console fallback prints this). */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<\/?[a-zA-Z][^>]*>/g, "")
    .replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, name: string) => {
      if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? m;
    });
}

export type Align = "left" | "right";

export interface TableOptions {
  header?: readonly string[];
  /** Per column; by default a column whose body cells all look like numbers is right-aligned. */
  align?: readonly Align[];
}

const NUMERIC = /^[-+]?[$€]?[-+]?[\d,]*\.?\d+(e[-+]?\d+)?\s*(%|×|x|[A-Z]{2,10})?$/;

/**
 * A table as a <pre> block with padded columns: Telegram shows <pre> in a monospace font, which is the only way
 * to line figures up. Widths count code points, so a "€" or "×" does not shift a column.
 */
export function table(rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const all = opts.header ? [opts.header, ...rows] : rows;
  const cols = Math.max(0, ...all.map((r) => r.length));
  const width = (s: string) => [...s].length;
  const widths = Array.from({ length: cols }, (_, c) => Math.max(0, ...all.map((r) => width(r[c] ?? ""))));
  const align = Array.from(
    { length: cols },
    (_, c): Align =>
      opts.align?.[c] ??
      (rows.length > 0 && rows.every((r) => NUMERIC.test((r[c] ?? "").trim())) ? "right" : "left"),
  );
  const line = (r: readonly string[]) =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? "";
        const pad = " ".repeat(w - width(cell));
        return align[c] === "right" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  const lines = rows.map(line);
  if (opts.header) lines.unshift(line(opts.header), widths.map((w) => "─".repeat(w)).join("  "));
  return pre(lines.join("\n"));
}

type Money = D | string;

function dec(v: Money): D {
  return typeof v === "string" ? new D(v) : v;
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Fixed decimals, half up, thousands grouped; never "-0.00". */
function fixed(v: D, dp: number): { sign: "" | "-"; body: string } {
  const s = v.toFixed(dp, D.ROUND_HALF_UP);
  const negative = s.startsWith("-") && /[1-9]/.test(s);
  const [int = "0", frac] = s.replace(/^-/, "").split(".");
  return { sign: negative ? "-" : "", body: group(int) + (frac ? `.${frac}` : "") };
}

export interface UsdOptions {
  /** Decimals shown (default 2). */
  dp?: number;
  /** Show "+" for gains (a PnL), not only "-" for losses. */
  signed?: boolean;
}

/** "$1,234.56", "-$0.15", "+$12.00" (signed). */
export function usd(value: Money, opts: UsdOptions = {}): string {
  const v = dec(value);
  const { sign, body } = fixed(v, opts.dp ?? 2);
  const plus = opts.signed && !sign && /[1-9]/.test(body) ? "+" : "";
  return `${sign || plus}$${body}`;
}

/**
 * A price with enough digits to be useful whatever its size: 2 decimals from $1 up, 4 significant digits below
 * (a $0.00001234 coin must not print as "$0.00").
 */
export function price(value: Money): string {
  const v = dec(value);
  if (v.abs().gte(1) || v.isZero()) return usd(v, { dp: v.abs().gte(1000) ? 2 : 4 });
  const sig = v.toSignificantDigits(4, D.ROUND_HALF_UP);
  const dp = Math.max(2, sig.decimalPlaces());
  return usd(sig, { dp });
}

/** A quantity of an asset: up to `maxDp` decimals, trailing zeros dropped ("0.0015 BTC", "1,200 USDC"). */
export function amount(value: Money, asset?: string, maxDp = 8): string {
  const v = dec(value).toDecimalPlaces(maxDp, D.ROUND_DOWN);
  const { sign, body } = fixed(v, v.decimalPlaces());
  return `${sign}${body}${asset ? ` ${asset}` : ""}`;
}

/** A percentage from a Decimal that is already in percent: "+3.25%", "-0.40%", "0.00%". */
export function percent(value: Money, dp = 2, signed = true): string {
  const { sign, body } = fixed(dec(value), dp);
  const plus = signed && !sign && /[1-9]/.test(body) ? "+" : "";
  return `${sign || plus}${body}%`;
}

/** A span for people: "2d 3h", "4h 05m", "3m 12s", "850 ms". Two units are enough to act on. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  const s = Math.floor(abs / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60];
  const two = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

/** "2026-01-01 12:00 UTC": the owner may be anywhere, the bots count days in UTC. */
export function utcTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
