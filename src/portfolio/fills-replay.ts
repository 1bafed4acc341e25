import { readLines } from "../store/line-reader.js";
import { botOfFill } from "./attribution.js";
import type { BookState, CostBasisOptions } from "./cost-basis-types.js";
import { exact } from "./exact-decimal.js";
import { type ExactFill, FastBook } from "./fast-book.js";
import { compareFills, type FillJson } from "./fill.js";

/**
 * The full replay of fills.jsonl (a first start, a rewritten history, `npm run pnl -- --replay`): the file
 * streamed line by line, the fills kept only as exact amounts and shared strings, in
 * processing order (time, then id; the first line of an id wins), through the BigInt book (fast-book.ts). The
 * state it gives is the decimal.js book's to the last digit. `end` is the byte length of the file's lines already
 * read and validated once (JsonLinesFile.bytes): a line the suite appends meanwhile waits for the next replay.
 */
export function replayFillsFile(
  path: string,
  options: CostBasisOptions,
  end: number,
): { state: BookState; fills: number } {
  const fills = readExactFills(path, end);
  return { state: replayExact(fills, options), fills: fills.length };
}

/** The book of fills already deduped and sorted (readExactFills gives them so). */
export function replayExact(fills: readonly ExactFill[], options: CostBasisOptions = {}): BookState {
  const book = new FastBook(options);
  for (const f of fills) book.process(f);
  return book.state();
}

/** Every fill of the file's first `end` bytes, deduped by id (the first line wins), sorted for processing. */
export function readExactFills(path: string, end: number): ExactFill[] {
  const seen = new Set<string>();
  const out: ExactFill[] = [];
  const names = new Map<string, string>();
  // Asset and bot names repeat a million times: one string each.
  const name = (s: string): string => {
    const kept = names.get(s);
    if (kept !== undefined) return kept;
    names.set(s, s);
    return s;
  };
  if (end === 0) return out;
  readLines(path, (line) => {
    if (line.start >= end) return false;
    if (line.text === "") return true;
    // Not validated again: the open that measured `end` validated every line before it.
    const j = JSON.parse(line.text) as FillJson;
    if (!seen.has(j.id)) {
      seen.add(j.id);
      out.push(exactFill(j, name));
    }
    return true;
  });
  return out.sort(compareFills);
}

export function exactFill(j: FillJson, name: (s: string) => string = (s) => s): ExactFill {
  return {
    id: j.id,
    time: j.time,
    base: name(j.base),
    quote: name(j.quote),
    side: j.side,
    feeAsset: name(j.feeAsset),
    bot: name(botOfFill(j)),
    price: exact(j.price),
    qty: exact(j.qty),
    quoteQty: exact(j.quoteQty),
    fee: exact(j.fee),
  };
}
