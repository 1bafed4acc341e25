import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { KlineInterval } from "../api/index.js";
import { type Candle, candleProblem, formatRow, HEADER, parseRow } from "./candle.js";
import { sequenceProblem } from "./series.js";

/** `<dir>/<SYMBOL>-<interval>.csv`: the name the history market looks for. */
export function historyPath(dir: string, symbol: string, interval: KlineInterval): string {
  return join(dir, `${symbol}-${interval}.csv`);
}

/** A history file that cannot be continued: where and what, and what the user can do. */
export class HistoryFileError extends Error {
  override readonly name = "HistoryFileError";
}

export interface ExistingFile {
  /** The header line is there (rows may still be none). */
  hasHeader: boolean;
  first: Candle | undefined;
  last: Candle | undefined;
  rows: number;
}

/**
 * Reads a history file written by an earlier fetch so the next one continues after its last whole row. A last
 * line without its newline is a write the process did not finish (killed mid-way): it is cut. Any other damage
 * stops the fetch, naming the line: appending to a file that is not what it claims to be would hide it.
 */
export function readForResume(path: string, interval: KlineInterval): ExistingFile {
  const none = { hasHeader: false, first: undefined, last: undefined, rows: 0 };
  if (!existsSync(path)) return none;
  const text = readFileSync(path, "utf8");
  const whole = text.lastIndexOf("\n") + 1;
  if (whole < text.length) cutTo(path, whole);
  const lines = text.slice(0, whole).split("\n");
  lines.pop();
  if (lines.length === 0) return none;
  const fix = `delete it (or fetch into another folder with --out) and fetch again`;
  if (lines[0] !== HEADER)
    throw new HistoryFileError(`${path}:1: not a history file (its first line is not "${HEADER}"): ${fix}`);
  let prev: Candle | undefined;
  let first: Candle | undefined;
  for (let i = 1; i < lines.length; i++) {
    const c = parseRow(lines[i] as string);
    const problem = c
      ? (candleProblem(c, interval) ?? sequenceProblem(prev, c, interval))
      : "not a row of 8 cells";
    if (!c || problem) throw new HistoryFileError(`${path}:${i + 1}: ${problem}: ${fix}`);
    first ??= c;
    prev = c;
  }
  return { hasHeader: true, first, last: prev, rows: lines.length - 1 };
}

function cutTo(path: string, bytes: number): void {
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, bytes);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends candles to a history file, each batch written and fdatasync'd before the next request, so an
 * interrupted fetch loses at most the batch being written (a torn last line, cut on the next run).
 */
export class HistoryAppender {
  private readonly fd: number;

  constructor(path: string, dir: string, withHeader: boolean) {
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(path, "a");
    if (withHeader) this.write(`${HEADER}\n`);
  }

  append(candles: readonly Candle[]): void {
    if (candles.length > 0) this.write(candles.map(formatRow).join(""));
  }

  private write(text: string): void {
    writeSync(this.fd, text);
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
