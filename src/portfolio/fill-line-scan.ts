import { botOfFill, MANUAL } from "./attribution.js";
import { exact, xCmp } from "./exact-decimal.js";
import { FEE, type FillColumns, FNV_BASIS, FNV_PRIME, PRICE, QTY, QUOTE_QTY } from "./fill-columns.js";

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const ID = bytes('{"id":"');
const SYMBOL = bytes('","symbol":"');
const BASE = bytes('","base":"');
const QUOTE = bytes('","quote":"');
const SIDE = bytes('","side":"');
const BUY = bytes("BUY");
const SELL = bytes("SELL");
const PRICE_KEY = bytes('","price":"');
const QTY_KEY = bytes('","qty":"');
const QUOTE_QTY_KEY = bytes('","quoteQty":"');
const FEE_KEY = bytes('","fee":"');
const FEE_ASSET_KEY = bytes('","feeAsset":"');
const TIME = bytes('","time":');
const ORDER_ID = bytes(',"orderId":"');
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
  #buf: Buffer = Buffer.alloc(0);
  #at = 0;
  #end = 0;
  /** The hash of the last #run. */
  #runHash = 0;
  /** Name codes by a hash of their bytes (open addressing, code + 1 per slot). */
  #nameSlots = new Int32Array(256);

  constructor(columns: FillColumns) {
    this.#columns = columns;
  }

  /** Writes the line buf[start, end) as row `count` of the columns (kept unless a duplicate); false: not canonical. */
  scan(buf: Buffer, start: number, end: number): boolean {
    const c = this.#columns;
    c.reserve(end - start);
    this.#buf = buf;
    this.#at = start;
    this.#end = end;
    const i = c.count;
    if (!this.#literal(ID)) return false;
    // The id, copied into the columns as it is checked.
    const idAt = c.idEnd;
    let hash = FNV_BASIS;
    let digits = true;
    let at = this.#at;
    for (; at < end; at++) {
      const b = buf[at] as number;
      if (b === QUOTE_MARK) break;
      if (b < 0x20 || b > 0x7e || b === BACKSLASH) return false;
      c.ids[idAt + at - this.#at] = b;
      hash = Math.imul(hash ^ b, FNV_PRIME);
      if (b < 48 || b > 57) digits = false;
    }
    const idLength = at - this.#at;
    if (idLength === 0) return false;
    this.#at = at;
    if (!this.#literal(SYMBOL)) return false;
    const symbolAt = this.#at;
    if (this.#asset() === -1) return false;
    const symbolEnd = this.#at;
    if (!this.#literal(BASE)) return false;
    const baseAt = this.#at;
    const base = this.#asset();
    if (base === -1 || !this.#literal(QUOTE)) return false;
    const quoteAt = this.#at;
    const quote = this.#asset();
    if (quote === -1 || !this.#isConcatenation(symbolAt, symbolEnd, baseAt, quoteAt - QUOTE.length, quoteAt))
      return false;
    if (!this.#literal(SIDE)) return false;
    const sell = this.#literal(SELL);
    if (!sell && !this.#literal(BUY)) return false;
    if (!this.#literal(PRICE_KEY) || !this.#amount(PRICE, true)) return false;
    if (!this.#literal(QTY_KEY) || !this.#amount(QTY, true)) return false;
    if (!this.#literal(QUOTE_QTY_KEY) || !this.#amount(QUOTE_QTY, false)) return false;
    if (!this.#literal(FEE_KEY) || !this.#amount(FEE, false)) return false;
    if (!this.#literal(FEE_ASSET_KEY)) return false;
    const feeAsset = this.#asset();
    if (feeAsset === -1 || !this.#literal(TIME)) return false;
    const time = this.#time();
    if (time === -1 || !this.#literal(ORDER_ID) || this.#plain() === -1) return false;
    if (!this.#literal(IS_MAKER) || !(this.#literal(TRUE) || this.#literal(FALSE))) return false;
    if (!this.#literal(SOURCE) || !(this.#literal(EXCHANGE) || this.#literal(IMPORT))) return false;
    let clientOrderIdAt = -1;
    if (this.#literal(CLIENT_ORDER_ID)) {
      clientOrderIdAt = this.#at;
      if (this.#plain() < 1) return false;
    }
    const clientOrderIdEnd = this.#at - 1;
    let bot = -1;
    if (this.#literal(BOT)) {
      bot = this.#botId();
      if (bot === -1) return false;
    }
    if (this.#at !== end - 1 || buf[this.#at] !== 0x7d) return false;
    c.time[i] = time;
    c.side[i] = sell ? 1 : 0;
    c.base[i] = base;
    c.quote[i] = quote;
    c.feeAsset[i] = feeAsset;
    // A fill written before attribution existed: its bot from its client order id, as botOfFill decides.
    if (bot === -1) {
      const clientOrderId =
        clientOrderIdAt === -1 ? undefined : buf.toString("latin1", clientOrderIdAt, clientOrderIdEnd);
      bot = c.code(clientOrderId === undefined ? MANUAL : botOfFill({ clientOrderId }));
    }
    c.bot[i] = bot;
    // A buy that loses more base to fees than it received: refused, as fillProblems does.
    if (!sell && feeAsset === base && xCmp(c.amount(i, FEE), c.amount(i, QTY)) > 0) return false;
    c.commit(idLength, hash, digits);
    return true;
  }

  #literal(l: Uint8Array): boolean {
    const at = this.#at;
    if (at + l.length > this.#end) return false;
    const buf = this.#buf;
    for (let k = 0; k < l.length; k++) if (buf[at + k] !== l[k]) return false;
    this.#at = at + l.length;
    return true;
  }

  /**
   * Bytes of class `cls` up to the closing '"': where the run ends (at the '"'), or -1 for another byte or no '"'
   * before the line's end; the run's hash goes to #runHash for #name.
   */
  #run(cls: number): number {
    const buf = this.#buf;
    let hash = FNV_BASIS;
    let at = this.#at;
    for (; at < this.#end; at++) {
      const b = buf[at] as number;
      if (b === QUOTE_MARK) break;
      if (((BYTE_CLASS[b] as number) & cls) === 0) return -1;
      hash = Math.imul(hash ^ b, FNV_PRIME);
    }
    this.#runHash = hash;
    return at === this.#end ? -1 : at;
  }

  /** [A-Z0-9]+ (the closing '"' next): the name's code, or -1. */
  #asset(): number {
    const start = this.#at;
    const at = this.#run(ASSET_BYTE);
    if (at <= start) return -1;
    this.#at = at;
    return this.#name(start, at, this.#runHash);
  }

  /** A bot id (/^[a-z][a-z0-9]{1,14}$/) then '"': its code, or -1. */
  #botId(): number {
    const start = this.#at;
    const first = this.#buf[start] as number;
    if (!(first >= 0x61 && first <= 0x7a)) return -1;
    const at = this.#run(BOT_BYTE);
    if (at - start < 2 || at - start > 15) return -1;
    this.#at = at + 1;
    return this.#name(start, at, this.#runHash);
  }

  /** A JSON string's content with nothing to unescape, then '"': its length, or -1. */
  #plain(): number {
    const buf = this.#buf;
    const start = this.#at;
    for (let at = start; at < this.#end; at++) {
      const b = buf[at] as number;
      if (b === QUOTE_MARK) {
        this.#at = at + 1;
        return at - start;
      }
      if (b < 0x20 || b > 0x7e || b === BACKSLASH) return -1;
    }
    return -1;
  }

  /** Whether symbol = base + quote, on the bytes. */
  #isConcatenation(
    symbolAt: number,
    symbolEnd: number,
    baseAt: number,
    baseEnd: number,
    quoteAt: number,
  ): boolean {
    const buf = this.#buf;
    const baseLength = baseEnd - baseAt;
    const quoteLength = this.#at - quoteAt;
    if (symbolEnd - symbolAt !== baseLength + quoteLength) return false;
    for (let k = 0; k < baseLength; k++) if (buf[symbolAt + k] !== buf[baseAt + k]) return false;
    for (let k = 0; k < quoteLength; k++)
      if (buf[symbolAt + baseLength + k] !== buf[quoteAt + k]) return false;
    return true;
  }

  /**
   * /\d+(\.\d+)?/ then '"' as amount k of the row: exactly, as a Number coefficient while it has at most 15
   * digits, else through `exact` (BigInt). `nonZero`: the amount must not be zero (price, qty).
   */
  #amount(k: number, nonZero: boolean): boolean {
    const buf = this.#buf;
    const start = this.#at;
    let coef = 0;
    let digits = 0;
    let fraction = -1;
    let zero = true;
    let at = start;
    for (; at < this.#end; at++) {
      const b = buf[at] as number;
      if (b >= 0x30 && b <= 0x39) {
        coef = coef * 10 + (b - 0x30);
        digits++;
        if (b !== 0x30) zero = false;
        if (fraction !== -1) fraction++;
      } else if (b === 0x2e && fraction === -1 && digits > 0) fraction = 0;
      else break;
    }
    if (digits === 0 || fraction === 0 || at === this.#end || buf[at] !== QUOTE_MARK || (nonZero && zero))
      return false;
    this.#at = at;
    const c = this.#columns;
    if (digits <= 15) c.setAmount(k, coef, fraction === -1 ? 0 : -fraction);
    else c.setExact(k, exact(buf.toString("latin1", start, at)));
    return true;
  }

  /** A JSON integer of 1 to 15 digits (below 2^53, no leading zero) then ',': its value, or -1. */
  #time(): number {
    const buf = this.#buf;
    const start = this.#at;
    let t = 0;
    let at = start;
    for (; at < this.#end; at++) {
      const b = buf[at] as number;
      if (b < 0x30 || b > 0x39) break;
      t = t * 10 + (b - 0x30);
    }
    const n = at - start;
    if (n === 0 || n > 15 || (n > 1 && buf[start] === 0x30)) return -1;
    this.#at = at;
    return t;
  }

  /** The code of the name at buf[start, end), interned once per distinct name. */
  #name(start: number, end: number, hash: number): number {
    const c = this.#columns;
    const buf = this.#buf;
    const mask = this.#nameSlots.length - 1;
    let s = hash & mask;
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
