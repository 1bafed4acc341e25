import type { KlineInterval } from "../api/index.js";
import { INTERVAL_LIST, parseInterval } from "./interval.js";

/** A wrong command line: the message names the argument and what to write instead (exit 2). */
export class HistoryUsageError extends Error {
  override readonly name = "HistoryUsageError";
}

export const USAGE = `Usage:
  npm run history -- fetch --symbols BTCUSDC,ETHUSDC|top:50 --from 2025-01-01 [--to 2025-12-31] [--interval 15m] [--out DIR]
  npm run history -- import FILE... [--symbol BTCUSDT] [--interval 15m] [--out DIR]
Files go to <DATA_DIR>/history/<SYMBOL>-<interval>.csv (DATA_DIR defaults to data). Intervals: ${INTERVAL_LIST}.
fetch downloads from MEXC_BASE_URL (default https://api.mexc.com; no key needed) and continues an interrupted run.`;

export interface ParsedArgs {
  command: string;
  positionals: string[];
  flags: Map<string, string>;
}

/** `cmd a b --flag value --other=value`; every flag takes a value. */
export function parseArgs(argv: readonly string[], known: Record<string, readonly string[]>): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !(command in known))
    throw new HistoryUsageError(
      `the first argument must be fetch or import, got ${command ?? "nothing"}.\n${USAGE}`,
    );
  const allowed = known[command] ?? [];
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!allowed.includes(name))
      throw new HistoryUsageError(
        `history ${command} has no option --${name} (it takes ${allowed.map((f) => `--${f}`).join(", ")}).`,
      );
    const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
      throw new HistoryUsageError(`--${name} needs a value.\n${USAGE}`);
    flags.set(name, value);
  }
  return { command, positionals, flags };
}

/**
 * An interval as MEXC names it. A file's name may use another exchange's name for the same candles (Binance's 1h);
 * a flag the user types must be MEXC's, and the message says which one was meant.
 */
export function intervalArg(
  value: string | undefined,
  what: string,
  fromFileName = false,
): KlineInterval | undefined {
  if (value === undefined) return undefined;
  const i = parseInterval(value);
  if (i && (fromFileName || i === value)) return i;
  const meant = i ? ` (MEXC calls ${value} ${i})` : "";
  throw new HistoryUsageError(
    `${what}: MEXC has no ${value} candles${meant}; its intervals are ${INTERVAL_LIST}.`,
  );
}

const DAY = 86_400_000;

/**
 * A UTC date (2025-01-01), a UTC date and time (2025-01-01T12:00, a Z optional) or epoch ms. A plain date given
 * as --to means the whole of that day, so `--from 2025-01-01 --to 2025-12-31` is the year.
 */
export function timeArg(value: string, name: "from" | "to"): number {
  if (/^\d{12,15}$/.test(value)) return Number(value);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = date
    ? Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?$/.test(value)
      ? Date.parse(value.endsWith("Z") ? value : `${value}Z`)
      : Number.NaN;
  const back = Number.isFinite(at) ? new Date(at).toISOString().slice(0, 10) : "";
  if (!Number.isFinite(at) || (date && back !== value))
    throw new HistoryUsageError(
      `--${name} ${value} is not a date: write it as 2025-01-31 (UTC), 2025-01-31T12:00 or epoch milliseconds.`,
    );
  return date && name === "to" ? at + DAY : at;
}
