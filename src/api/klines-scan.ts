import type { IndicatorCandle } from "./types.js";

/**
 * The fast reader of a klines answer in the one form MEXC writes it: compact JSON, each candle a row of 8 cells,
 * times as bare integers and the 6 decimals as quoted literals (docs "Kline/Candlestick Data", mexcdevelop/apidocs
 * source/index.html.md: `[[1640804880000,"47482.36",…,1640804940000,"168387.3"]]`; ccxt's recorded answer from
 * api.mexc.com has the same form). A market scan reads 100 candles of 200 to 2,000 symbols; JSON.parse, 700
 * strings and a regular expression per cell cost five times what this one pass over the text does.
 *
 * It decides nothing: the text is either exactly that form, read to the same numbers as the general path
 * (parseJson + klinesSchema), or `undefined`, and the general path reads it, accepting what it accepts and
 * refusing the rest with its own message naming the row and the cell. Whitespace, a null or blank quote volume,
 * a seven-cell row, a bare number for a price, an escape: all of it goes the general way.
 */
export function scanKlines(text: string): IndicatorCandle[] | undefined {
  const s = new Scanner(text);
  if (s.next() !== OPEN) return undefined;
  const out: IndicatorCandle[] = [];
  if (s.peek() === CLOSE) return s.pos + 1 === text.length ? out : undefined;
  for (;;) {
    const candle = s.candle();
    if (candle === undefined) return undefined;
    out.push(candle);
    const c = s.next();
    if (c === CLOSE) return s.pos === text.length ? out : undefined;
    if (c !== COMMA) return undefined;
  }
}

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c;
const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** Up to 15 digits an integer mantissa is exact, and mantissa / 10^k is then the correctly rounded double. */
const EXACT_DIGITS = 15;
const POW10 = Array.from({ length: EXACT_DIGITS + 1 }, (_, k) => 10 ** k);
/** The general path's limit for a time (`/^\d{1,15}$/` on a quoted one, a safe integer on a bare one). */
const TIME_DIGITS = 15;

class Scanner {
  pos = 0;
  /** The value of the cell just read. */
  private value = 0;

  constructor(private readonly t: string) {}

  next(): number {
    return this.t.charCodeAt(this.pos++);
  }

  peek(): number {
    return this.t.charCodeAt(this.pos);
  }

  candle(): IndicatorCandle | undefined {
    if (this.next() !== OPEN || !this.time()) return undefined;
    const openTime = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const open = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const high = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const low = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const close = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const volume = this.value;
    if (!this.comma() || !this.time()) return undefined;
    const closeTime = this.value;
    if (!this.comma() || !this.decimal()) return undefined;
    const quoteVolume = this.value;
    if (this.next() !== CLOSE) return undefined;
    return { openTime, open, high, low, close, volume, closeTime, quoteVolume };
  }

  private comma(): boolean {
    return this.next() === COMMA;
  }

  /** A bare JSON integer: digits without a leading zero (JSON has none), at most 15 of them. */
  private time(): boolean {
    const start = this.pos;
    let c = this.peek();
    if (c === ZERO) return false;
    let m = 0;
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      c = this.t.charCodeAt(++this.pos);
    }
    const digits = this.pos - start;
    if (digits === 0 || digits > TIME_DIGITS) return false;
    this.value = m;
    return true;
  }

  /** A quoted decimal literal, exactly DECIMAL_LITERAL (`-?\d+(\.\d+)?`), read to the double Number() gives. */
  private decimal(): boolean {
    if (this.next() !== QUOTE) return false;
    const start = this.pos;
    let c = this.peek();
    const negative = c === MINUS;
    if (negative) c = this.t.charCodeAt(++this.pos);
    let m = 0;
    const intStart = this.pos;
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      c = this.t.charCodeAt(++this.pos);
    }
    let digits = this.pos - intStart;
    if (digits === 0) return false;
    let fraction = 0;
    if (c === DOT) {
      const fracStart = ++this.pos;
      c = this.peek();
      while (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        c = this.t.charCodeAt(++this.pos);
      }
      fraction = this.pos - fracStart;
      if (fraction === 0) return false;
      digits += fraction;
    }
    if (c !== QUOTE) return false;
    if (digits <= EXACT_DIGITS) this.value = (negative ? -m : m) / POW10[fraction]!;
    else {
      // Past 15 digits Number() rounds correctly; from 309 digits on it is Infinity, which the general path refuses.
      this.value = Number(this.t.slice(start, this.pos));
      if (!Number.isFinite(this.value)) return false;
    }
    this.pos++;
    return true;
  }
}
