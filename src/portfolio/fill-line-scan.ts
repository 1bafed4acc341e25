import { botOfFill, MANUAL } from "./attribution.js";
import { exact, xCmp } from "./exact-decimal.js";
import { FEE, type FillColumns, FNV_BASIS, FNV_PRIME, PRICE, QTY, QUOTE_QTY } from "./fill-columns.js";

/**
 * A literal of the line (keys with their quotes and separators, fixed values) as 4-byte words at offsets 0, 4, …
 * and, where its length is no multiple of 4, the last 4 bytes (overlapping): compared a word at a time through a
 * DataView, some three times fewer steps than a byte at a time. A literal under 4 bytes is compared bytewise.
 */
interface Literal {
  readonly length: number;
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  readonly words: Int32Array;
}

function bytes(s: string): Literal {
  const b = Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  const offsets: number[] = [];
  for (let k = 0; k + 4 <= b.length; k += 4) offsets.push(k);
  if (b.length >= 4 && b.length % 4 !== 0) offsets.push(b.length - 4);
  const view = new DataView(b.buffer);
  const words = offsets.map((k) => view.getInt32(k, true));
  return { length: b.length, bytes: b, offsets: Int32Array.from(offsets), words: Int32Array.from(words) };
}
const ID = bytes('{"id":"');
const SYMBOL = bytes('","symbol":"');
const BASE = bytes('","base":"');
const QUOTE = bytes('","quote":"');
/** The side and the price's key as one literal each way: a call and a loop per literal on every line. */
const SIDE_SELL_PRICE = bytes('","side":"SELL","price":"');
const SIDE_BUY_PRICE = bytes('","side":"BUY","price":"');
const QTY_KEY = bytes('","qty":"');
const QUOTE_QTY_KEY = bytes('","quoteQty":"');
const FEE_KEY = bytes('","fee":"');
const FEE_ASSET_KEY = bytes('","feeAsset":"');
const TIME = bytes('","time":');
const ORDER_ID = bytes(',"orderId":"');
/** The usual middle of the tail as one literal (see SIDE_SELL_PRICE); any other takes the steps one by one. */
const MAKER_EXCHANGE = bytes(',"isMaker":false,"source":"exchange"');
const IS_MAKER = bytes(',"isMaker":');
const TRUE = bytes("true");
const FALSE = bytes("false");
const SOURCE = bytes(',"source":"');
const EXCHANGE = bytes('exchange"');
const IMPORT = bytes('import"');
const CLIENT_ORDER_ID = bytes(',"clientOrderId":"');
const BOT = bytes(',"bot":"');
const QUOTE_MARK = 0x22;
/** Byte classes of the names a fill line holds: assets [A-Z0-9], bot ids [a-z0-9] (#botId checks the letter first). */
const ASSET_BYTE = 1;
const BOT_BYTE = 2;
const BYTE_CLASS = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) BYTE_CLASS[b] = ASSET_BYTE | BOT_BYTE;
for (let b = 0x41; b <= 0x5a; b++) BYTE_CLASS[b] = ASSET_BYTE;
for (let b = 0x61; b <= 0x7a; b++) BYTE_CLASS[b] = BOT_BYTE;
const BACKSLASH = 0x5c;

/**
 * Reads a line exactly as fillToJson writes it (every line the ledger appends) straight from its bytes into a
 * row: `{"id":"…","symbol":…,"bot":"…"}` with the keys in that order, no spaces, strings of printable ASCII with
 * nothing to unescape, amounts /\d+(\.\d+)?/, time a JSON integer of at most 15 digits, the symbol its base and
 * quote, price and qty not zero, a buy's fee in base not above its qty, bot ids as BOT_ID. Such a line is JSON
 * that JSON.parse accepts and the schema passes, so it needs neither (they cost 20× this scan); anything else
 * (a line edited by hand, another key order, an escape, a non-ASCII character) gets scan() === false and takes
 * the slow path, which decides. test/portfolio/fills-replay-read.test.ts holds the two paths to one verdict.
 */
export class LineScanner {
  readonly #columns: FillColumns;
  /** Name codes by a hash of their bytes (open addressing, code + 1 per slot). */
  #nameSlots = new Int32Array(256);

  constructor(columns: FillColumns) {
    this.#columns = columns;
  }

  /**
   * Writes the line buf[start, end) as row `count` of the columns (kept unless a duplicate); false: not canonical.
   * The position is a local and every step a plain function of it: a field written at each step costs more than
   * the bytes it steps over.
   */
  scan(buf: Buffer, start: number, end: number): boolean {
    const c = this.#columns;
    c.reserve(end - start);
    if (buf !== viewed) {
      view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      viewed = buf;
    }
    // A local: a module variable is a context load (and a hole check) at each of the line's 20-odd literals.
    const v = view;
    const i = c.count;
    let at = literal(v, start, end, ID);
    if (at === -1) return false;
    const idLength = this.#id(buf, at, end);
    if (idLength <= 0) return false;
    at = literal(v, at + idLength, end, SYMBOL);
    const symbolAt = at;
    const symbolEnd = at === -1 ? -1 : run(buf, at, end, ASSET_BYTE);
    at = literal(v, symbolEnd, end, BASE);
    const baseAt = at;
    const baseEnd = at === -1 ? -1 : run(buf, at, end, ASSET_BYTE);
    const base = this.#name(buf, baseAt, baseEnd);
    at = literal(v, baseEnd, end, QUOTE);
    const quoteAt = at;
    const quoteEnd = at === -1 ? -1 : run(buf, at, end, ASSET_BYTE);
    const quote = this.#name(buf, quoteAt, quoteEnd);
    if (base === -1 || quote === -1) return false;
    if (!isConcatenation(buf, symbolAt, symbolEnd, baseAt, baseEnd, quoteAt, quoteEnd)) return false;
    let sell = true;
    at = literal(v, quoteEnd, end, SIDE_SELL_PRICE);
    if (at === -1) {
      sell = false;
      at = literal(v, quoteEnd, end, SIDE_BUY_PRICE);
    }
    at = this.#amount(buf, at, end, PRICE, true);
    at = this.#amount(buf, literal(v, at, end, QTY_KEY), end, QTY, true);
    at = this.#amount(buf, literal(v, at, end, QUOTE_QTY_KEY), end, QUOTE_QTY, false);
    at = this.#amount(buf, literal(v, at, end, FEE_KEY), end, FEE, false);
    const feeAssetAt = literal(v, at, end, FEE_ASSET_KEY);
    const feeAssetEnd = feeAssetAt === -1 ? -1 : run(buf, feeAssetAt, end, ASSET_BYTE);
    const feeAsset = this.#name(buf, feeAssetAt, feeAssetEnd);
    if (feeAsset === -1) return false;
    at = literal(v, feeAssetEnd, end, TIME);
    const timeEnd = at === -1 ? -1 : integerEnd(buf, at, end);
    if (timeEnd === -1) return false;
    const time = integerValue;
    const bot = this.#tail(buf, timeEnd, end);
    if (bot === -1) return false;
    c.time[i] = time;
    c.side[i] = sell ? 1 : 0;
    c.base[i] = base;
    c.quote[i] = quote;
    c.feeAsset[i] = feeAsset;
    c.bot[i] = bot;
    // A buy that loses more base to fees than it received: refused, as fillProblems does.
    if (!sell && feeAsset === base && xCmp(c.amount(i, FEE), c.amount(i, QTY)) > 0) return false;
    c.commit(idLength, idHash, idDigits);
    return true;
  }

  /** The id's bytes, checked and copied into the columns with their hash (idHash, idDigits): its length, or -1. */
  #id(buf: Buffer, start: number, end: number): number {
    const c = this.#columns;
    const ids = c.ids;
    const to = c.idEnd - start;
    let hash = FNV_BASIS;
    let digits = true;
    for (let at = start; at < end; at++) {
      const b = buf[at] as number;
      if (b === QUOTE_MARK) {
        idHash = hash;
        idDigits = digits;
        return at - start;
      }
      if (b < 0x20 || b > 0x7e || b === BACKSLASH) return -1;
      ids[to + at] = b;
      hash = Math.imul(hash ^ b, FNV_PRIME);
      if (b < 48 || b > 57) digits = false;
    }
    return -1;
  }

  /**
   * From the time on: `,"orderId":"…","isMaker":…,"source":"…"`, the client order id and the bot if there, `}`
   * at the line's end. The bot's code (from the client order id, or manual, for a line without one), or -1.
   */
  #tail(buf: Buffer, start: number, end: number): number {
    const v = view;
    const orderIdAt = literal(v, start, end, ORDER_ID);
    const orderIdEnd = plainEnd(buf, orderIdAt, end);
    let at = literal(v, orderIdEnd, end, MAKER_EXCHANGE);
    let imported = false;
    if (at === -1) {
      at = literal(v, orderIdEnd, end, IS_MAKER);
      if (at === -1) return -1;
      const maker = literal(v, at, end, TRUE);
      at = literal(v, maker === -1 ? literal(v, at, end, FALSE) : maker, end, SOURCE);
      if (at === -1) return -1;
      const exchange = literal(v, at, end, EXCHANGE);
      imported = exchange === -1;
      at = imported ? literal(v, at, end, IMPORT) : exchange;
      if (at === -1) return -1;
    }
    let clientOrderIdAt = -1;
    const client = literal(v, at, end, CLIENT_ORDER_ID);
    if (client !== -1) {
      at = plainEnd(buf, client, end);
      if (at <= client + 1) return -1;
      clientOrderIdAt = client;
    }
    const clientOrderIdEnd = at - 1;
    let bot = -1;
    const botAt = literal(v, at, end, BOT);
    if (botAt !== -1) {
      const first = buf[botAt] as number;
      if (!(first >= 0x61 && first <= 0x7a)) return -1;
      const botEnd = run(buf, botAt, end, BOT_BYTE);
      if (botEnd - botAt < 2 || botEnd - botAt > 15) return -1;
      bot = this.#name(buf, botAt, botEnd);
      at = botEnd + 1;
    }
    if (at !== end - 1 || buf[at] !== 0x7d) return -1;
    tail.orderIdAt = orderIdAt;
    tail.orderIdEnd = orderIdEnd - 1;
    tail.clientOrderIdAt = clientOrderIdAt;
    tail.clientOrderIdEnd = clientOrderIdEnd;
    tail.imported = imported;
    tail.namedBot = bot !== -1;
    if (bot !== -1) return bot;
    // A fill written before attribution existed: its bot from its client order id, as botOfFill decides.
    const c = this.#columns;
    if (clientOrderIdAt === -1) return c.code(MANUAL);
    return c.code(botOfFill({ clientOrderId: buf.toString("latin1", clientOrderIdAt, clientOrderIdEnd) }));
  }

  /**
   * /\d+(\.\d+)?/ then '"' from `start` (-1: an earlier step failed) as amount k of the row: exactly, as a Number
   * coefficient while it has at most 15 digits, else through `exact` (BigInt). `nonZero`: the amount must not be
   * zero (price, qty). Where the amount ends (at the '"'), or -1.
   */
  #amount(buf: Buffer, start: number, end: number, k: number, nonZero: boolean): number {
    if (start === -1) return -1;
    let coef = 0;
    let dot = -1;
    let at = start;
    for (; at < end; at++) {
      const b = buf[at] as number;
      if (b >= 0x30 && b <= 0x39) coef = coef * 10 + (b - 0x30);
      else if (b === 0x2e && dot === -1 && at > start) dot = at;
      else break;
    }
    // Digits on both sides of a dot, a '"' next, and not zero where zero is refused (a sum of digits is 0 only
    // when every digit is, however it rounds).
    if (at === start || dot === at - 1 || at === end || buf[at] !== QUOTE_MARK || (nonZero && coef === 0))
      return -1;
    const digits = dot === -1 ? at - start : at - start - 1;
    const c = this.#columns;
    if (digits <= 15) c.setAmount(k, coef, dot === -1 ? 0 : dot + 1 - at);
    else c.setExact(k, exact(buf.toString("latin1", start, at)));
    return at;
  }

  /** The code of the name at buf[start, end) (-1 for -1: a failed step), interned once per distinct name. */
  #name(buf: Buffer, start: number, end: number): number {
    if (end === -1 || start === -1) return -1;
    const c = this.#columns;
    const mask = this.#nameSlots.length - 1;
    let s = runHash & mask;
    for (
      let code = (this.#nameSlots[s] as number) - 1;
      code !== -1;
      code = (this.#nameSlots[s] as number) - 1
    ) {
      const name = c.names[code] as string;
      if (name.length === end - start) {
        let k = 0;
        while (k < name.length && name.charCodeAt(k) === buf[start + k]) k++;
        if (k === name.length) return code;
      }
      s = (s + 1) & mask;
    }
    const code = c.code(String.fromCharCode(...buf.subarray(start, end)));
    // Bot names the slow path interned may be in the table already under no slot: any slot for it is right.
    this.#nameSlots[s] = code + 1;
    if (c.names.length * 2 > this.#nameSlots.length) this.#rehashNames();
    return code;
  }

  #rehashNames(): void {
    const names = this.#columns.names;
    const slots = new Int32Array(this.#nameSlots.length * 2);
    const mask = slots.length - 1;
    names.forEach((name, code) => {
      let hash = FNV_BASIS;
      for (let k = 0; k < name.length; k++) hash = Math.imul(hash ^ name.charCodeAt(k), FNV_PRIME);
      let s = hash & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = code + 1;
    });
    this.#nameSlots = slots;
  }
}

/**
 * Where the tail's strings of the last line scan() accepted lie in its buffer (each from its first byte to its
 * closing '"'; clientOrderIdAt -1: none), whether its source is "import" and whether it names its bot: the digest
 * (fill-line-fields.ts) reads the fields it notes from them, the row holds none of them. Valid until the next scan.
 */
export interface TailSpans {
  orderIdAt: number;
  orderIdEnd: number;
  clientOrderIdAt: number;
  clientOrderIdEnd: number;
  imported: boolean;
  namedBot: boolean;
}
const tail: TailSpans = {
  orderIdAt: 0,
  orderIdEnd: 0,
  clientOrderIdAt: -1,
  clientOrderIdEnd: -1,
  imported: false,
  namedBot: false,
};
export const lastTail: Readonly<TailSpans> = tail;

/** The hash of the last run() (a name's bytes), of the last id, and whether that id is all digits. */
let runHash = 0;
let idHash = 0;
let idDigits = false;

/** The buffer scan() reads and a DataView of it, made once per buffer (a replay reads one 4 MiB chunk after another). */
let viewed: Buffer | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * Where literal `l` ends if the bytes at `at` (before `end`) of the buffer `v` views start with it, else -1 (and -1
 * for at = -1: a failed step before).
 */
function literal(v: DataView, at: number, end: number, l: Literal): number {
  if (at === -1 || at + l.length > end) return -1;
  const offsets = l.offsets;
  if (offsets.length === 0) {
    for (let k = 0; k < l.length; k++) if (v.getUint8(at + k) !== l.bytes[k]) return -1;
  } else {
    const words = l.words;
    for (let k = 0; k < offsets.length; k++)
      if (v.getInt32(at + (offsets[k] as number), true) !== words[k]) return -1;
  }
  return at + l.length;
}

/**
 * Bytes of class `cls`, at least one, up to the closing '"': where the run ends (at the '"'), or -1 for another
 * byte or no '"' before the line's end; the run's hash goes to runHash for the name's lookup.
 */
function run(buf: Buffer, start: number, end: number, cls: number): number {
  let hash = FNV_BASIS;
  for (let at = start; at < end; at++) {
    const b = buf[at] as number;
    if (b === QUOTE_MARK) {
      runHash = hash;
      return at === start ? -1 : at;
    }
    if (((BYTE_CLASS[b] as number) & cls) === 0) return -1;
    hash = Math.imul(hash ^ b, FNV_PRIME);
  }
  return -1;
}

/** A JSON string's content with nothing to unescape, then '"': where it ends (past the '"'), or -1. */
function plainEnd(buf: Buffer, start: number, end: number): number {
  if (start === -1) return -1;
  for (let at = start; at < end; at++) {
    const b = buf[at] as number;
    if (b === QUOTE_MARK) return at + 1;
    if (b < 0x20 || b > 0x7e || b === BACKSLASH) return -1;
  }
  return -1;
}

/** The value of the last integerEnd() (exact: at most 15 digits). */
let integerValue = 0;

/** Where a JSON integer of 1 to 15 digits (below 2^53, no leading zero) ends, or -1; its value to integerValue. */
function integerEnd(buf: Buffer, start: number, end: number): number {
  let at = start;
  let t = 0;
  for (; at < end; at++) {
    const b = buf[at] as number;
    if (b < 0x30 || b > 0x39) break;
    t = t * 10 + (b - 0x30);
  }
  const n = at - start;
  if (n === 0 || n > 15 || (n > 1 && buf[start] === 0x30)) return -1;
  integerValue = t;
  return at;
}

/** Whether symbol = base + quote, on the bytes. */
function isConcatenation(
  buf: Buffer,
  symbolAt: number,
  symbolEnd: number,
  baseAt: number,
  baseEnd: number,
  quoteAt: number,
  quoteEnd: number,
): boolean {
  const baseLength = baseEnd - baseAt;
  const quoteLength = quoteEnd - quoteAt;
  if (symbolEnd - symbolAt !== baseLength + quoteLength) return false;
  for (let k = 0; k < baseLength; k++) if (buf[symbolAt + k] !== buf[baseAt + k]) return false;
  for (let k = 0; k < quoteLength; k++) if (buf[symbolAt + baseLength + k] !== buf[quoteAt + k]) return false;
  return true;
}
