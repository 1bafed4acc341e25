import type { Exact } from "./exact-decimal.js";
import type { ExactFill } from "./fast-book.js";

/**
 * The fills of a full replay held as parallel typed arrays instead of an object per fill (issue 15): a million
 * objects with four BigInts and a string each are what made the replay slow, mostly in the garbage collector.
 * A row holds a fill's time, side, four name codes (base, quote, fee asset, bot: indexes into `names`), its four
 * amounts and its id. The rows are deduped by id as they come (the first row of an id wins) and put in
 * processing order by `order()` (time, then id as compareIds orders them), with no sort when they came in order.
 */
export class FillColumns {
  count = 0;
  time = new Float64Array(0);
  /** 0 for BUY, 1 for SELL. */
  side = new Uint8Array(0);
  base = new Uint32Array(0);
  quote = new Uint32Array(0);
  feeAsset = new Uint32Array(0);
  bot = new Uint32Array(0);
  /**
   * Amount k of row i at [4i + k] (PRICE, QTY, QUOTE_QTY, FEE): the value is coef × 10^exp. The coefficient is a
   * Number while it is a safe integer (as exact-decimal.ts holds it); a larger one is NaN here and its exact value
   * is in `#bigs`.
   */
  coef = new Float64Array(0);
  exp = new Int32Array(0);
  readonly #bigs = new Map<number, Exact>();
  /** Interned names: asset and bot names repeat on every row. */
  readonly names: string[] = [];
  readonly #codes = new Map<string, number>();

  /** Ids as UTF-16 code units (so comparing them is comparing the strings), row i at idStart[i]..+idLength[i]. */
  ids = new Uint16Array(0);
  idEnd = 0;
  idStart = new Uint32Array(0);
  idLength = new Uint32Array(0);
  /** 1 when the id is all ASCII digits (compareIds orders those by length first). */
  idDigits = new Uint8Array(0);
  /** Open addressing on an id hash, row + 1 per slot (0 is empty): dedupe without a string per id. */
  #slots = new Int32Array(0);
  /** Whether the rows came in processing order so far: then order() sorts nothing. */
  #inOrder = true;
  /**
   * Whether each id so far is above the one before it by length, then code units (a strict total order, which
   * compareIds is not): then no id can repeat, and the table is not probed (a cache miss a row, a file of a
   * million rows). It is filled at the first id out of that order.
   */
  #ascending = true;

  constructor(capacity = 1024) {
    this.#grow(Math.max(16, capacity));
  }

  /** The code of a name, interning it. */
  code(name: string): number {
    let c = this.#codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(name);
      this.#codes.set(name, c);
    }
    return c;
  }

  /** Room for one more row and `units` more id code units; call before writing row `count`. */
  reserve(units: number): void {
    if (this.count === this.time.length) this.#grow(this.time.length * 2);
    if (this.idEnd + units > this.ids.length) {
      const ids = new Uint16Array(Math.max(this.ids.length * 2, this.idEnd + units));
      ids.set(this.ids.subarray(0, this.idEnd));
      this.ids = ids;
    }
  }

  /** Amount k of row `count` from a safe integer coefficient. */
  setAmount(k: number, coef: number, exp: number): void {
    const at = this.count * 4 + k;
    this.coef[at] = coef;
    this.exp[at] = exp;
  }

  /** Amount k of row `count`, any size. */
  setExact(k: number, x: Exact): void {
    const at = this.count * 4 + k;
    this.exp[at] = x.e;
    if (x.c === undefined && x.w === undefined) this.coef[at] = x.n;
    else {
      this.coef[at] = Number.NaN;
      this.#bigs.set(at, x);
    }
  }

  amount(i: number, k: number): Exact {
    const at = i * 4 + k;
    const c = this.coef[at] as number;
    // NaN, never equal to itself, marks a coefficient beyond a safe Number.
    // biome-ignore lint/suspicious/noSelfCompare: the cheapest NaN test
    if (c !== c) return this.#bigs.get(at) as Exact;
    return { n: c, c: undefined, e: this.exp[at] as number, w: undefined };
  }

  /**
   * Ends row `count`, whose id the caller wrote at ids[idEnd..idEnd + length) with its hash: kept unless its id
   * was kept already (then the row and its id are dropped, so the first line of an id wins).
   */
  commit(length: number, hash: number, digits: boolean): boolean {
    const i = this.count;
    const start = this.idEnd;
    if (this.#ascending) {
      if (i === 0 || this.#above(i - 1, start, length)) return this.#keep(i, start, length, digits);
      this.#ascending = false;
      let size = Math.max(16, this.#slots.length);
      while (size < 2 * (i + 1)) size *= 2;
      this.#rehash(size);
    }
    const mask = this.#slots.length - 1;
    let s = hash & mask;
    for (let r = this.#slots[s] as number; r !== 0; r = this.#slots[s] as number) {
      if (this.#sameId(r - 1, start, length)) return false;
      s = (s + 1) & mask;
    }
    this.#slots[s] = i + 1;
    this.#keep(i, start, length, digits);
    // Keep the table at most half full: probes stay short.
    if (this.count * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    return true;
  }

  #keep(i: number, start: number, length: number, digits: boolean): true {
    this.idStart[i] = start;
    this.idLength[i] = length;
    this.idDigits[i] = digits ? 1 : 0;
    this.idEnd = start + length;
    if (this.#inOrder && i > 0 && this.compare(i - 1, i) > 0) this.#inOrder = false;
    this.count = i + 1;
    return true;
  }

  /** Whether the id at ids[start, start + length) is above row's: longer, or as long and above in code units. */
  #above(row: number, start: number, length: number): boolean {
    const l = this.idLength[row] as number;
    if (length !== l) return length > l;
    const s = this.idStart[row] as number;
    for (let k = 0; k < length; k++) {
      const d = (this.ids[start + k] as number) - (this.ids[s + k] as number);
      if (d !== 0) return d > 0;
    }
    return false;
  }

  /** A fill read the slow way (JSON.parse and the schema) as a row; false when its id was kept already. */
  pushFill(f: ExactFill): boolean {
    const id = f.id;
    this.reserve(id.length);
    let hash = FNV_BASIS;
    let digits = true;
    for (let k = 0; k < id.length; k++) {
      const u = id.charCodeAt(k);
      this.ids[this.idEnd + k] = u;
      hash = Math.imul(hash ^ u, FNV_PRIME);
      if (u < 48 || u > 57) digits = false;
    }
    const i = this.count;
    this.time[i] = f.time;
    this.side[i] = f.side === "SELL" ? 1 : 0;
    this.base[i] = this.code(f.base);
    this.quote[i] = this.code(f.quote);
    this.feeAsset[i] = this.code(f.feeAsset);
    this.bot[i] = this.code(f.bot);
    this.setExact(PRICE, f.price);
    this.setExact(QTY, f.qty);
    this.setExact(QUOTE_QTY, f.quoteQty);
    this.setExact(FEE, f.fee);
    return this.commit(id.length, hash, digits);
  }

  id(i: number): string {
    const s = this.idStart[i] as number;
    return String.fromCharCode.apply(null, this.ids.subarray(s, s + (this.idLength[i] as number)) as never);
  }

  /** compareFills on rows: time, then id (digit ids of different lengths by length, else as strings). */
  compare(a: number, b: number): number {
    const ta = this.time[a] as number;
    const tb = this.time[b] as number;
    if (ta !== tb) return ta - tb;
    const la = this.idLength[a] as number;
    const lb = this.idLength[b] as number;
    if (la !== lb && this.idDigits[a] === 1 && this.idDigits[b] === 1) return la - lb;
    const sa = this.idStart[a] as number;
    const sb = this.idStart[b] as number;
    const n = Math.min(la, lb);
    for (let k = 0; k < n; k++) {
      const d = (this.ids[sa + k] as number) - (this.ids[sb + k] as number);
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** The rows in processing order. */
  order(): Uint32Array {
    const rows = new Uint32Array(this.count);
    for (let i = 0; i < rows.length; i++) rows[i] = i;
    return this.#inOrder ? rows : rows.sort((a, b) => this.compare(a, b));
  }

  /** Row i as an object (tests, and the bench's book-only loop). */
  fill(i: number): ExactFill {
    return {
      id: this.id(i),
      time: this.time[i] as number,
      base: this.names[this.base[i] as number] as string,
      quote: this.names[this.quote[i] as number] as string,
      side: this.side[i] === 1 ? "SELL" : "BUY",
      feeAsset: this.names[this.feeAsset[i] as number] as string,
      bot: this.names[this.bot[i] as number] as string,
      price: this.amount(i, PRICE),
      qty: this.amount(i, QTY),
      quoteQty: this.amount(i, QUOTE_QTY),
      fee: this.amount(i, FEE),
    };
  }

  #sameId(row: number, start: number, length: number): boolean {
    if (this.idLength[row] !== length) return false;
    const s = this.idStart[row] as number;
    for (let k = 0; k < length; k++) if (this.ids[s + k] !== this.ids[start + k]) return false;
    return true;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      let hash = FNV_BASIS;
      const s = this.idStart[i] as number;
      for (let k = 0; k < (this.idLength[i] as number); k++)
        hash = Math.imul(hash ^ (this.ids[s + k] as number), FNV_PRIME);
      let slot = hash & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = i + 1;
    }
  }

  #grow(capacity: number): void {
    const n = this.count;
    const grown = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(
      a: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const b = make(capacity * per);
      b.set(a.subarray(0, n * per) as never);
      return b;
    };
    this.time = grown(this.time, (k) => new Float64Array(k));
    this.side = grown(this.side, (k) => new Uint8Array(k));
    this.base = grown(this.base, (k) => new Uint32Array(k));
    this.quote = grown(this.quote, (k) => new Uint32Array(k));
    this.feeAsset = grown(this.feeAsset, (k) => new Uint32Array(k));
    this.bot = grown(this.bot, (k) => new Uint32Array(k));
    this.coef = grown(this.coef, (k) => new Float64Array(k), 4);
    this.exp = grown(this.exp, (k) => new Int32Array(k), 4);
    this.idStart = grown(this.idStart, (k) => new Uint32Array(k));
    this.idLength = grown(this.idLength, (k) => new Uint32Array(k));
    this.idDigits = grown(this.idDigits, (k) => new Uint8Array(k));
    // A power of two at least twice the rows, so `hash & mask` is a slot and probes stay short.
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    if (this.#slots.length < slots && !this.#ascending) this.#rehash(slots);
  }
}

export const PRICE = 0;
export const QTY = 1;
export const QUOTE_QTY = 2;
export const FEE = 3;
/** 32-bit FNV-1a over the id's code units. */
export const FNV_BASIS = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
