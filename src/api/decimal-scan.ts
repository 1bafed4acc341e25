import { D, type Decimal } from "./decimal.js";

/**
 * `new D(literal)` for a decimal literal a reader has already scanned (`-?\d+(\.\d+)?`, answer-scan.ts), built
 * from the digits in place: decimal.js would test the text with a regular expression, copy it without its dot,
 * search it for an exponent and slice it into words, and a replay builds some 120,000 Decimals a simulated day
 * from the answers it reads. The result is decimal.js's own representation, field for field (sign `s`, exponent
 * `e`, base-1e7 words `d`, in the order the constructor sets them), which test/api/decimal-scan.test.ts checks
 * against the constructor on every kind of literal; a decimal.js that changed its representation fails there.
 *
 * The digits are `t[intStart, intEnd)` and, when `end > intEnd`, after the dot at `intEnd`, `t[intEnd + 1, end)`.
 * The object is made as the constructor makes it, without running it (its checks are the reader's already).
 */
export function literalDecimal(
  t: string,
  negative: boolean,
  intStart: number,
  intEnd: number,
  end: number,
): Decimal {
  // The digits' positions with the dot left out: k < intEnd is k itself, from there on k + 1.
  const last = end > intEnd ? end - 1 : end;
  let lead = intStart;
  while (lead < last && t.charCodeAt(lead < intEnd ? lead : lead + 1) === ZERO) lead++;
  if (lead === last) return make(negative ? -1 : 1, 0, [0]); // decimal.js keeps the sign of "-0" too.
  let trail = last - 1;
  while (t.charCodeAt(trail < intEnd ? trail : trail + 1) === ZERO) trail--;
  // The exponent of the first significant digit; the first word holds the digits down to 10^(7k), the rest 7 each.
  const e = intEnd - lead - 1;
  let size = (e + 1) % LOG_BASE;
  if (e < 0) size += LOG_BASE;
  if (size === 0) size = LOG_BASE;
  const words: number[] = [];
  let word = 0;
  let filled = 0;
  for (let k = lead; k <= trail; k++) {
    word = word * 10 + (t.charCodeAt(k < intEnd ? k : k + 1) - ZERO);
    if (++filled === size) {
      words.push(word);
      word = 0;
      filled = 0;
      size = LOG_BASE;
    }
  }
  if (filled > 0) words.push(word * POW10[size - filled]!);
  return make(negative ? -1 : 1, e, words);
}

/** A Decimal as the constructor leaves it: its own `constructor` (decimal.js shadows the prototype's), s, e, d. */
function make(s: number, e: number, d: number[]): Decimal {
  const x = Object.create(PROTOTYPE) as Parts;
  x.constructor = D;
  x.s = s;
  x.e = e;
  x.d = d;
  return x as unknown as Decimal;
}

interface Parts {
  constructor: unknown;
  s: number;
  e: number;
  d: number[];
}

const PROTOTYPE: object = D.prototype;
const ZERO = 0x30;
/** decimal.js keeps 7 decimal digits a word (its LOG_BASE). */
const LOG_BASE = 7;
const POW10 = Array.from({ length: LOG_BASE + 1 }, (_, k) => 10 ** k);
