import type { Decimal } from "./decimal.js";
import { literalDecimal } from "./decimal-scan.js";

/**
 * A one-pass reader of a JSON answer in the compact form MEXC (and the simulator) writes, for the hand-written
 * readers of the hot answers (account-read.ts, market-read.ts). Each leaf below takes exactly what its namesake in
 * schema-fields.ts takes, or less: anything it is not sure of (whitespace, an escape, a bare number where a
 * decimal belongs, a 16-digit time) throws MISMATCH, and `scanAnswer` gives `undefined`, so the answer goes through
 * parseJson and zod, which accept it or name the field that is wrong. A reader may refuse more than the schema;
 * it must never accept what the general path refuses, nor read a value differently.
 */

/** Thrown (never escapes `scanAnswer`) on anything the reader leaves to the general path. */
const MISMATCH: unique symbol = Symbol("mismatch");

export function scanAnswer<T>(text: string, read: (s: AnswerScan) => T): T | undefined {
  const s = new AnswerScan(text);
  try {
    const value = read(s);
    return s.atEnd() ? value : undefined;
  } catch (e) {
    // MISMATCH, or a nesting deeper than the stack (RangeError): either way the general path decides.
    if (e === MISMATCH || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** A value a reader passed over because it does not matter where it stands (see decOrNullOrOther). */
export const NOT_READ: unique symbol = Symbol("not read");

export function mismatch(): never {
  throw MISMATCH;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const SPACE = 0x20;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** The schemas' limit for an integer (`Number.isSafeInteger`, `/^-?\d{1,15}$/`); parseJson quotes 16 digits on. */
const INT_DIGITS = 15;

export class AnswerScan {
  private pos = 0;

  constructor(private readonly t: string) {}

  atEnd(): boolean {
    return this.pos === this.t.length;
  }

  private expect(c: number): void {
    if (this.t.charCodeAt(this.pos) !== c) mismatch();
    this.pos++;
  }

  private eat(c: number): boolean {
    if (this.t.charCodeAt(this.pos) !== c) return false;
    this.pos++;
    return true;
  }

  /** `{`; true when a key follows, false when the object was `{}` (then consumed whole). */
  openObject(): boolean {
    this.expect(OPEN_BRACE);
    return !this.eat(CLOSE_BRACE);
  }

  /** After a member: `,` (true, another key follows) or `}` (false). */
  nextMember(): boolean {
    if (this.eat(COMMA)) return true;
    this.expect(CLOSE_BRACE);
    return false;
  }

  /** `[`; true when an item follows, false when the list was `[]` (then consumed whole). */
  openList(): boolean {
    this.expect(OPEN_BRACKET);
    return !this.eat(CLOSE_BRACKET);
  }

  /** After an item: `,` (true) or `]` (false). */
  nextItem(): boolean {
    if (this.eat(COMMA)) return true;
    this.expect(CLOSE_BRACKET);
    return false;
  }

  /** A list of items each read by `item`. */
  list<T>(item: (s: AnswerScan) => T): T[] {
    const out: T[] = [];
    if (this.openList()) {
      do out.push(item(this));
      while (this.nextItem());
    }
    return out;
  }

  /** A member's name and its colon. */
  key(): string {
    const k = this.rawString();
    this.expect(COLON);
    return k;
  }

  /**
   * A string without escapes or control characters, as JSON.parse would read it. It may not hold `:`, `,` or `[`
   * either: parseJson quotes long integers with a pattern that does not know strings, and after one of those a
   * string of 16 digits could be rewritten; the general path decides such a text.
   */
  private rawString(): string {
    this.expect(QUOTE);
    const t = this.t;
    const start = this.pos;
    for (let c = t.charCodeAt(this.pos); c !== QUOTE; c = t.charCodeAt(++this.pos)) {
      if (c < SPACE || c === BACKSLASH || c === COLON || c === COMMA || c === OPEN_BRACKET) mismatch();
      if (this.pos >= t.length) mismatch();
    }
    return t.slice(start, this.pos++);
  }

  private isNull(): boolean {
    return this.word("null");
  }

  /** `""`, which MEXC sends where a value is blank. */
  private isEmptyString(): boolean {
    if (this.t.charCodeAt(this.pos) === QUOTE && this.t.charCodeAt(this.pos + 1) === QUOTE) {
      this.pos += 2;
      return true;
    }
    return false;
  }

  /** schema-fields `dec`, quoted literals only (a bare number goes the general way: Number has rounded it). */
  dec(): Decimal {
    this.expect(QUOTE);
    const t = this.t;
    let c = t.charCodeAt(this.pos);
    const negative = c === MINUS;
    if (negative) c = t.charCodeAt(++this.pos);
    const intStart = this.pos;
    while (c >= ZERO && c <= NINE) c = t.charCodeAt(++this.pos);
    const intEnd = this.pos;
    if (intEnd === intStart) mismatch();
    if (c === DOT) {
      const fracStart = ++this.pos;
      c = t.charCodeAt(this.pos);
      while (c >= ZERO && c <= NINE) c = t.charCodeAt(++this.pos);
      if (this.pos === fracStart) mismatch();
    }
    if (c !== QUOTE) mismatch();
    return literalDecimal(t, negative, intStart, intEnd, this.pos++);
  }

  /** schema-fields `decOrNull`: null and "" read as null. */
  decOrNull(): Decimal | null {
    return this.isNull() || this.isEmptyString() ? null : this.dec();
  }

  /** A bare JSON integer without sign, at most 15 digits: its text (digits) and its value. */
  private digits(): string {
    const t = this.t;
    const start = this.pos;
    let c = t.charCodeAt(this.pos);
    if (c === ZERO) {
      c = t.charCodeAt(++this.pos);
      if (c >= ZERO && c <= NINE) mismatch();
    } else while (c >= ZERO && c <= NINE) c = t.charCodeAt(++this.pos);
    // A fraction or an exponent makes it a JSON number the general path judges (1.0 is an integer to it).
    if (this.pos === start || c === DOT || c === LOWER_E || c === UPPER_E) mismatch();
    return t.slice(start, this.pos);
  }

  /** schema-fields `int`, bare integers only (MEXC's times and counts are never quoted nor negative). */
  int(): number {
    const d = this.digits();
    if (d.length > INT_DIGITS) mismatch();
    return Number(d);
  }

  intOrNull(): number | null {
    return this.isNull() ? null : this.int();
  }

  /** schema-fields `str`: a non-empty string. */
  str(): string {
    const s = this.rawString();
    if (s === "") mismatch();
    return s;
  }

  /** schema-fields `strOrNull`: null and "" read as null. */
  strOrNull(): string | null {
    if (this.isNull()) return null;
    const s = this.rawString();
    return s === "" ? null : s;
  }

  /**
   * schema-fields `id`: a non-empty string, or a bare integer read as its digits. Up to 15 digits that is what
   * String(Number(…)) gives; from 16 on parseJson quotes the digits before JSON.parse, so again the digits.
   */
  id(): string {
    return this.t.charCodeAt(this.pos) === QUOTE ? this.str() : this.digits();
  }

  idOrNull(): string | null {
    if (this.isNull()) return null;
    if (this.t.charCodeAt(this.pos) !== QUOTE) return this.digits();
    const s = this.rawString();
    return s === "" ? null : s;
  }

  bool(): boolean {
    if (this.word("true")) return true;
    if (this.word("false")) return false;
    return mismatch();
  }

  /** schema-fields `boolOrNull`: null reads as null ("" is not a boolean). */
  boolOrNull(): boolean | null {
    return this.isNull() ? null : this.bool();
  }

  /** One of a fixed list of codes (schema-fields `oneOf`: side, order type, order status). */
  oneOf<T extends string>(values: readonly T[]): T {
    const s = this.rawString();
    return (values as readonly string[]).includes(s) ? (s as T) : mismatch();
  }

  /**
   * A decimal, null or "" where only some answers require one (a filter's fields count only in a filter we read):
   * the value, or NOT_READ with the value passed over when it is anything else.
   */
  decOrNullOrOther(): Decimal | null | typeof NOT_READ {
    const at = this.pos;
    try {
      return this.decOrNull();
    } catch (e) {
      if (e !== MISMATCH) throw e;
      this.pos = at;
      this.skip();
      return NOT_READ;
    }
  }

  /** schema-fields `codeStr`: a string, or a bare integer read as its digits (String() of it); else MISMATCH. */
  code(): string {
    return this.t.charCodeAt(this.pos) === QUOTE ? this.rawString() : this.digits();
  }

  /** `code`, or null for null (the caller knows its fallback). */
  codeOrNull(): string | null {
    return this.isNull() ? null : this.code();
  }

  /** A string, or NOT_READ with the value passed over when it is anything else. */
  strOrOther(): string | typeof NOT_READ {
    if (this.t.charCodeAt(this.pos) === QUOTE) return this.rawString();
    this.skip();
    return NOT_READ;
  }

  /** Whether the next value opens an object. */
  atObject(): boolean {
    return this.t.charCodeAt(this.pos) === OPEN_BRACE;
  }

  isNullValue(): boolean {
    return this.isNull();
  }

  /** schema-fields `strList`: a list of strings; null reads as none. */
  strList(): string[] {
    if (this.isNull()) return [];
    const out: string[] = [];
    if (this.openList()) {
      do out.push(this.rawString());
      while (this.nextItem());
    }
    return out;
  }

  /** Any JSON value the answer holds beyond what we read (orderListId, isBestMatch, stpMode, …), checked, dropped. */
  skip(): void {
    const c = this.t.charCodeAt(this.pos);
    if (c === QUOTE) this.rawString();
    else if (c === OPEN_BRACE) {
      if (this.openObject()) {
        do {
          this.key();
          this.skip();
        } while (this.nextMember());
      }
    } else if (c === OPEN_BRACKET) {
      if (this.openList()) {
        do this.skip();
        while (this.nextItem());
      }
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) this.number();
    else if (!this.word("null") && !this.word("true") && !this.word("false")) mismatch();
  }

  private word(w: string): boolean {
    if (!this.t.startsWith(w, this.pos)) return false;
    this.pos += w.length;
    return true;
  }

  /** A JSON number in the grammar JSON.parse takes: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private number(): void {
    this.eat(MINUS);
    this.digits0();
    if (this.eat(DOT) && this.run() === 0) mismatch();
    const c = this.t.charCodeAt(this.pos);
    if (c === LOWER_E || c === UPPER_E) {
      this.pos++;
      if (!this.eat(PLUS)) this.eat(MINUS);
      if (this.run() === 0) mismatch();
    }
  }

  /** The integer part of a number: 0, or digits not starting with 0. */
  private digits0(): void {
    if (this.eat(ZERO)) {
      const c = this.t.charCodeAt(this.pos);
      if (c >= ZERO && c <= NINE) mismatch();
    } else if (this.run() === 0) mismatch();
  }

  private run(): number {
    const start = this.pos;
    for (let c = this.t.charCodeAt(this.pos); c >= ZERO && c <= NINE; c = this.t.charCodeAt(++this.pos));
    return this.pos - start;
  }
}
