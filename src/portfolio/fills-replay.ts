import { damagedLine } from "../store/index.js";
import { readLines } from "../store/line-reader.js";
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
  readLines(path, (line) => {
    if (line.start >= end) return false;
    if (line.text === "") return true;
    const f = canonicalFill(line.text, name) ?? checkedFill(path, line.index + 1, line.text, name);
    if (!seen.has(f.id)) {
      seen.add(f.id);
      out.push(f);
    }
    return true;
  });
  return out.sort(compareFills);
}

const AMOUNT = '"(\\d+(?:\\.\\d+)?)"';
const ASSET = '"([A-Z0-9]+)"';
/** A JSON string's content with nothing to unescape: no quote, backslash or control character. */
const PLAIN = '[^"\\\\\\x00-\\x1f]';
/**
 * A line exactly as fillToJson writes it (every line the ledger appends), with no escapes in its strings: a
 * match is JSON that JSON.parse accepts, whose fields all have the form the schema asks for (bot ids as BOT_ID,
 * time a JSON integer below 2^53), so it needs no JSON.parse, which costs 7× this match. Anything else (a line
 * edited by hand, another key order) takes the slow path.
 */
const CANONICAL = new RegExp(
  `^\\{"id":"(${PLAIN}+)","symbol":${ASSET},"base":${ASSET},"quote":${ASSET},"side":"(BUY|SELL)",` +
    `"price":${AMOUNT},"qty":${AMOUNT},"quoteQty":${AMOUNT},"fee":${AMOUNT},"feeAsset":${ASSET},` +
    `"time":(0|[1-9]\\d{0,14}),"orderId":"${PLAIN}*","isMaker":(?:true|false),"source":"(?:exchange|import)"` +
    `(?:,"clientOrderId":"(${PLAIN}+)")?(?:,"bot":"([a-z][a-z0-9]{1,14})")?\\}$`,
);
const NON_ZERO = /[1-9]/;

/** The fill of a canonical line that passes fillProblems' rules, else undefined (the slow path decides). */
export function canonicalFill(text: string, name: (s: string) => string): ExactFill | undefined {
  const m = CANONICAL.exec(text);
  if (m === null) return undefined;
  const [, id, symbol, base, quote, side, price, qty, quoteQty, fee, feeAsset, time, clientOrderId, bot] =
    m as unknown as string[];
  if (symbol !== `${base}${quote}` || !NON_ZERO.test(price as string) || !NON_ZERO.test(qty as string))
    return undefined;
  const f: ExactFill = {
    id: id as string,
    time: Number(time),
    base: name(base as string),
    quote: name(quote as string),
    side: side as ExactFill["side"],
    feeAsset: name(feeAsset as string),
    bot: name(botOfFill({ ...(bot ? { bot } : {}), ...(clientOrderId ? { clientOrderId } : {}) })),
    price: exact(price as string),
    qty: exact(qty as string),
    quoteQty: exact(quoteQty as string),
    fee: exact(fee as string),
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
