import { readFileSync } from "node:fs";
import type { KlineInterval } from "../api/index.js";
import { type Candle, candleProblem } from "./candle.js";
import { nextOpen, utc } from "./interval.js";
import { sequenceProblem } from "./series.js";

/** A row of a user's file that cannot go into a history file: where it is and what is wrong with it. */
export class ImportError extends Error {
  override readonly name = "ImportError";
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
    fix: string,
  ) {
    super(`${file}:${line}: ${problem}. ${fix}`);
  }
}

export interface UserFile {
  file: string;
  candles: Candle[];
  /** The line number of each candle, for messages about the seam between two files. */
  lines: number[];
}

/** Times from 10^14 on are microseconds (Binance's spot files since 2025); ms stay below it until the year 5138. */
const MICROS_FROM = 1e14;
/** Below this a time is seconds, not ms (1973 in ms). */
const MS_FROM = 1e11;

const FIX_ROW = "Fix or delete that row (or download the file again)";
export const FIX_GAP =
  "The history market needs every candle: add the file with the missing period, or fetch the symbol instead " +
  "(npm run history -- fetch fills the exchange's own holes flat and counts them)";

function toMs(cell: string, what: string): number {
  if (!/^\d{1,16}$/.test(cell))
    throw new Error(`${what} ${JSON.stringify(cell)} is not a whole number of ms or µs`);
  const v = Number(cell);
  if (v < MS_FROM) throw new Error(`${what} ${cell} looks like seconds; the file must have ms or µs`);
  return v >= MICROS_FROM ? Math.floor(v / 1000) : v;
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function toCandle(raw: string): Candle {
  const cells = raw.split(",").map(unquote);
  if (cells.length < 8)
    throw new Error(
      `${cells.length} column${cells.length === 1 ? "" : "s"}; a kline row has at least 8 (open time, open, high, ` +
        "low, close, volume, close time, quote volume)",
    );
  const openTime = toMs(cells[0] as string, "open time");
  const closeTime = toMs(cells[6] as string, "close time");
  return {
    openTime,
    closeTime,
    cells: [String(openTime), ...cells.slice(1, 6), String(closeTime), cells[7] as string],
  };
}

/**
 * Reads a kline CSV as MEXC's market-data download and Binance's files have them: 8 or more columns in MEXC's
 * order (extra columns ignored), a header line or none, times in ms or µs (told apart by size, per row). Every
 * impossible candle, duplicate, row out of order or gap is refused with its line.
 */
export function readUserCsv(file: string, interval: KlineInterval): UserFile {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const out: UserFile = { file, candles: [], lines: [] };
  let seenFirst = false;
  text.split("\n").forEach((rawLine, i) => {
    const raw = rawLine.replace(/\r$/, "");
    if (raw.trim() === "") return;
    const line = i + 1;
    const first = !seenFirst;
    seenFirst = true;
    // A header is a first line that does not start with a time.
    if (first && !/^\d/.test(unquote(raw.split(",")[0] ?? ""))) return;
    let c: Candle;
    try {
      c = toCandle(raw);
    } catch (e) {
      throw new ImportError(file, line, (e as Error).message, FIX_ROW);
    }
    const bad = candleProblem(c, interval);
    if (bad) throw new ImportError(file, line, `impossible candle: ${bad}`, FIX_ROW);
    out.candles.push(c);
    out.lines.push(line);
  });
  checkSeries(out, interval);
  return out;
}

/** One candle per interval, in order; a candle missing here but found further down is a row out of place. */
function checkSeries(f: UserFile, interval: KlineInterval): void {
  const lineOf = new Map<number, number>();
  f.candles.forEach((c, i) => {
    if (!lineOf.has(c.openTime)) lineOf.set(c.openTime, f.lines[i] as number);
  });
  for (let i = 0; i < f.candles.length; i++) {
    const prev = f.candles[i - 1];
    const seq = sequenceProblem(prev, f.candles[i] as Candle, interval);
    if (!seq) continue;
    const line = f.lines[i] as number;
    const expected = prev ? nextOpen(interval, prev.openTime) : 0;
    const later = seq.includes("missing") ? lineOf.get(expected) : undefined;
    if (later !== undefined && later > line)
      throw new ImportError(
        f.file,
        line,
        `rows out of order: the candle for ${utc(expected)} UTC, which belongs here, is at line ${later}`,
        fixFor("out of order"),
      );
    throw new ImportError(f.file, line, seq, fixFor(seq));
  }
}

export function fixFor(problem: string): string {
  if (problem.includes("duplicate")) return "Delete the repeated row (or the file that repeats a period)";
  if (problem.includes("out of order")) return "Sort the rows by open time (the first column)";
  if (problem.includes("missing")) return FIX_GAP;
  return "Give the interval the file really has with --interval";
}
