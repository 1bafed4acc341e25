import { isAscii } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { damagedLine } from "../store/index.js";
import { botOfFill } from "./attribution.js";
import type { BookState, CostBasisOptions } from "./cost-basis-types.js";
import { exact, xCmp } from "./exact-decimal.js";
import { type ExactFill, FastBook } from "./fast-book.js";
import { checkFillJson, compareFills, type FillJson } from "./fill.js";

/**
 * The full replay of fills.jsonl (a first start, a rewritten history, `npm run pnl -- --replay`): the file
 * streamed line by line, the fills kept only as exact amounts and shared strings, in
 * processing order (time, then id; the first line of an id wins), through the BigInt book (fast-book.ts). The
 * state it gives is the decimal.js book's to the last digit. `end` is the byte length of the file's whole lines
 * (JsonLinesFile.bytes): a line the suite appends meanwhile waits for the next replay.
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

/**
 * Every fill of the file's first `end` bytes, deduped by id (the first line wins), sorted for processing. Each
 * line is checked as the open checks it, a bad one refused naming the file and the line: the digest's checkpoint
 * means the start that measured `end` may not have read the older lines at all.
 */
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
  forEachLine(path, end, (text, line) => {
    if (text === "") return;
    const f = canonicalFill(text, name) ?? checkedFill(path, line, text, name);
    if (!seen.has(f.id)) {
      seen.add(f.id);
      out.push(f);
    }
  });
  return out.sort(compareFills);
}

const CHUNK = 1 << 22;

/**
 * The lines of the file's first `end` bytes (whole lines) and their 1-based numbers: 4 MiB read at a time, decoded
 * and split in one go each (a decode per line costs more than the rest of reading it). A chunk is cut at its last
 * "\n", a byte never inside a multi-byte UTF-8 character.
 */
function forEachLine(path: string, end: number, visit: (text: string, line: number) => void): void {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let at = 0;
    let line = 0;
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
      // Most files are ASCII: a one-byte string is a copy, not a UTF-8 decode.
      const bytes = buf.subarray(0, nl);
      const texts = (isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8")).split("\n");
      for (const text of texts) visit(text, ++line);
      at += nl + 1;
    }
  } finally {
    closeSync(fd);
  }
}

const AMOUNT = '"(\\d+(?:\\.\\d+)?)"';
const ASSET = '"([A-Z0-9]+)"';
/** A JSON string's content with nothing to unescape (control characters are refused apart: CONTROL). */
const PLAIN = '[^"\\\\]';
/**
 * A line exactly as fillToJson writes it (every line the ledger appends), with no escapes in its strings: a
 * match is JSON that JSON.parse accepts, whose fields all have the form the schema asks for (bot ids as BOT_ID,
 * time a JSON integer below 2^53), so it needs no JSON.parse, which costs 7× this match. Anything else (a line
 * edited by hand, another key order) takes the slow path.
 */
const CANONICAL = new RegExp(
  `^\\{"id":"(${PLAIN}+)","symbol":${ASSET},"base":${ASSET},"quote":${ASSET},"side":"(BUY|SELL)",` +
    `"price":${AMOUNT},"qty":${AMOUNT},"quoteQty":${AMOUNT},"fee":${AMOUNT},"feeAsset":${ASSET},` +
    `"time":(\\d{1,15}),"orderId":"${PLAIN}*","isMaker":(?:true|false),"source":"(?:exchange|import)"` +
    `(?:,"clientOrderId":"(${PLAIN}+)")?(?:,"bot":"([a-z][a-z0-9]{1,14})")?\\}$`,
);
const NON_ZERO = /[1-9]/;
/** JSON refuses them raw inside a string, and nothing else in a line may hold one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\x00-\x1f]/;

/** The fill of a canonical line that passes fillProblems' rules, else undefined (the slow path decides). */
export function canonicalFill(text: string, name: (s: string) => string): ExactFill | undefined {
  const m = CANONICAL.exec(text) as (string | undefined)[] | null;
  if (m === null || CONTROL.test(text)) return undefined;
  // By index: destructuring a match array goes through its iterator, the dearest step of this function.
  const base = m[3] as string;
  const quote = m[4] as string;
  const price = m[6] as string;
  const qty = m[7] as string;
  const time = m[11] as string;
  if (
    m[2] !== base + quote ||
    !NON_ZERO.test(price) ||
    !NON_ZERO.test(qty) ||
    // JSON numbers have no leading zero.
    (time.length > 1 && time.charCodeAt(0) === 48)
  )
    return undefined;
  const side = m[5] as ExactFill["side"];
  const feeAsset = m[10] as string;
  const f: ExactFill = {
    id: m[1] as string,
    time: Number(time),
    base: name(base),
    quote: name(quote),
    side,
    feeAsset: name(feeAsset),
    bot: name(botOfFill({ bot: m[13], clientOrderId: m[12] })),
    price: exact(price),
    qty: exact(qty),
    quoteQty: exact(m[8] as string),
    fee: exact(m[9] as string),
  };
  // A buy that loses more base to fees than it received: refused, as fillProblems does.
  if (side === "BUY" && feeAsset === base && xCmp(f.fee, f.qty) > 0) return undefined;
  return f;
}

/** Any other line, through the schema's full check; a bad one stops the replay naming the file and line. */
function checkedFill(path: string, line: number, text: string, name: (s: string) => string): ExactFill {
  try {
    return exactFill(checkFillJson(JSON.parse(text)), name);
  } catch (e) {
    throw damagedLine(path, line, e);
  }
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
