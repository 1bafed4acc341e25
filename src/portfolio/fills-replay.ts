import { closeSync, openSync, readSync } from "node:fs";
import { damagedLine } from "../store/index.js";
import { botOfFill } from "./attribution.js";
import type { BookState, CostBasisOptions } from "./cost-basis-types.js";
import { exact } from "./exact-decimal.js";
import { type ExactFill, FastBook } from "./fast-book.js";
import { checkFillJson, type FillJson } from "./fill.js";
import { FillColumns } from "./fill-columns.js";
import { LineScanner } from "./fill-line-scan.js";

/**
 * The full replay of fills.jsonl (a first start, a rewritten history, `npm run pnl -- --replay`): the file read
 * as bytes, every line checked, the fills kept as columns (fill-columns.ts) deduped by id (the first line of an
 * id wins), in processing order (time, then id), through the BigInt book (fast-book.ts). The state it gives is
 * the decimal.js book's to the last digit. `end` is the byte length of the file's whole lines
 * (JsonLinesFile.bytes): a line the suite appends meanwhile waits for the next replay.
 */
export function replayFillsFile(
  path: string,
  options: CostBasisOptions,
  end: number,
): { state: BookState; fills: number } {
  const columns = readFillColumns(path, end);
  return { state: replayColumns(columns, options), fills: columns.count };
}

/** The book of the rows, in processing order. */
export function replayColumns(columns: FillColumns, options: CostBasisOptions = {}): BookState {
  const book = new FastBook(columns, options);
  const order = columns.order();
  for (let k = 0; k < order.length; k++) book.process(order[k] as number);
  const last = order.length ? (order[order.length - 1] as number) : -1;
  return book.state(last === -1 ? undefined : { time: columns.time[last] as number, id: columns.id(last) });
}

/** readFillColumns as objects, in processing order (tests). */
export function readExactFills(path: string, end: number): ExactFill[] {
  const columns = readFillColumns(path, end);
  return Array.from(columns.order(), (i) => columns.fill(i));
}

/**
 * Every fill of the file's first `end` bytes as rows. Each line is checked as the open checks it, a bad one
 * refused naming the file and the line: the digest's checkpoint means the start that measured `end` may not have
 * read the older lines at all.
 */
export function readFillColumns(path: string, end: number): FillColumns {
  // About 300 bytes a line: room for all rows at once, most of the time.
  const columns = new FillColumns(Number.isFinite(end) ? Math.ceil(end / 250) : 1024);
  if (end === 0) return columns;
  const scanner = new LineScanner(columns);
  forEachChunk(path, end, (buf, stop, firstLine) => {
    let line = firstLine;
    for (let at = 0; at < stop; line++) {
      let nl = buf.indexOf(10, at);
      if (nl === -1 || nl > stop) nl = stop;
      if (nl > at && !scanner.scan(buf, at, nl)) {
        const f = checkedFill(path, line, buf.toString("utf8", at, nl));
        columns.pushFill(f);
      }
      at = nl + 1;
    }
    return line;
  });
  return columns;
}

const CHUNK = 1 << 22;

/**
 * The file's first `end` bytes (whole lines) in chunks of 4 MiB cut at their last "\n": `visit` gets the chunk,
 * the offset of that "\n" and the number of its first line, and returns the number of the next line.
 */
function forEachChunk(
  path: string,
  end: number,
  visit: (buf: Buffer, stop: number, firstLine: number) => number,
): void {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let at = 0;
    let line = 1;
    while (at < end) {
      const want = Math.min(buf.length, end - at);
      const read = readSync(fd, buf, 0, want, at);
      if (read === 0) break;
      const nl = buf.lastIndexOf(10, read - 1);
      if (nl === -1) {
        // A line longer than the buffer: read it again into one twice the size.
        if (read < want) break;
        buf = Buffer.allocUnsafe(buf.length * 2);
        continue;
      }
      line = visit(buf, nl, line);
      at += nl + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/** Any other line, through the schema's full check; a bad one stops the replay naming the file and line. */
function checkedFill(path: string, line: number, text: string): ExactFill {
  try {
    return exactFill(checkFillJson(JSON.parse(text)));
  } catch (e) {
    throw damagedLine(path, line, e);
  }
}

export function exactFill(j: FillJson): ExactFill {
  return {
    id: j.id,
    time: j.time,
    base: j.base,
    quote: j.quote,
    side: j.side,
    feeAsset: j.feeAsset,
    bot: botOfFill(j),
    price: exact(j.price),
    qty: exact(j.qty),
    quoteQty: exact(j.quoteQty),
    fee: exact(j.fee),
  };
}
