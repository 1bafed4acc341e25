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
  const t = text;
  if (t.charCodeAt(0) !== OPEN) return undefined;
  const out: IndicatorCandle[] = [];
  if (t.charCodeAt(1) === CLOSE) return t.length === 2 ? out : undefined;
  // One function, its state in locals: until V8 has optimized it (a fresh process's first few hundred answers), a
  // call per cell and an object field per character cost more than the reading itself.
  const v = [0, 0, 0, 0, 0, 0, 0, 0];
  let pos = 1;
  for (;;) {
    if (t.charCodeAt(pos++) !== OPEN) return undefined;
    for (let k = 0; k < CELLS; k++) {
      let c = t.charCodeAt(pos);
      let m = 0;
      if (k === OPEN_TIME || k === CLOSE_TIME) {
        // A bare JSON integer: digits without a leading zero (JSON has none), at most 15 of them.
        if (c === ZERO) return undefined;
        const start = pos;
        while (c >= ZERO && c <= NINE) {
          m = m * 10 + (c - ZERO);
          c = t.charCodeAt(++pos);
        }
        if (pos === start || pos - start > TIME_DIGITS) return undefined;
        v[k] = m;
      } else {
        // A quoted decimal literal, exactly DECIMAL_LITERAL (`-?\d+(\.\d+)?`), read to the double Number() gives.
        if (c !== QUOTE) return undefined;
        const start = ++pos;
        c = t.charCodeAt(pos);
        const negative = c === MINUS;
        if (negative) c = t.charCodeAt(++pos);
        const intStart = pos;
        while (c >= ZERO && c <= NINE) {
          m = m * 10 + (c - ZERO);
          c = t.charCodeAt(++pos);
        }
        let digits = pos - intStart;
        if (digits === 0) return undefined;
        let fraction = 0;
        if (c === DOT) {
          const fracStart = ++pos;
          c = t.charCodeAt(pos);
          while (c >= ZERO && c <= NINE) {
            m = m * 10 + (c - ZERO);
            c = t.charCodeAt(++pos);
          }
          fraction = pos - fracStart;
          if (fraction === 0) return undefined;
          digits += fraction;
        }
        if (c !== QUOTE) return undefined;
        if (digits <= EXACT_DIGITS) v[k] = (negative ? -m : m) / POW10[fraction]!;
        else {
          // Past 15 digits Number() rounds correctly; from 309 digits on it is Infinity, which the general path refuses.
          const n = Number(t.slice(start, pos));
          if (!Number.isFinite(n)) return undefined;
          v[k] = n;
        }
        pos++;
      }
      if (t.charCodeAt(pos++) !== (k === CELLS - 1 ? CLOSE : COMMA)) return undefined;
    }
    out.push({
      openTime: v[0]!,
      open: v[1]!,
      high: v[2]!,
      low: v[3]!,
      close: v[4]!,
      volume: v[5]!,
      closeTime: v[6]!,
      quoteVolume: v[7]!,
    });
    const c = t.charCodeAt(pos++);
    if (c === CLOSE) return pos === t.length ? out : undefined;
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
/** Cells of a candle, and the two that are times (the rest are quoted decimals). */
const CELLS = 8;
const OPEN_TIME = 0;
const CLOSE_TIME = 6;
/** Up to 15 digits an integer mantissa is exact, and mantissa / 10^k is then the correctly rounded double. */
const EXACT_DIGITS = 15;
const POW10 = Array.from({ length: EXACT_DIGITS + 1 }, (_, k) => 10 ** k);
/** The general path's limit for a time (`/^\d{1,15}$/` on a quoted one, a safe integer on a bare one). */
const TIME_DIGITS = 15;
