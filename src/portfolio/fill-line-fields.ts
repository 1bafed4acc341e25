import type { FillJson, FillSource } from "./fill.js";
import { FillColumns } from "./fill-columns.js";
import { LineScanner } from "./fill-line-scan.js";

/** The fields of a fill the digest notes (a FillJson has them all). */
export type NotedFields = Pick<
  FillJson,
  "id" | "symbol" | "base" | "quote" | "time" | "orderId" | "clientOrderId" | "bot" | "source"
>;

const QUOTE_MARK = 0x22;
/** The last letter of the key before a value: "bot", "clientOrderId", "source". */
const T = 0x74;
const D = 0x64;
const COLON = 0x3a;
/** `{"id":"`: where the id starts in a canonical line. */
const ID_AT = 7;

/**
 * The replay's byte scanner (fill-line-scan.ts) as the digest's reader of a line: scan() gives the scanner's
 * verdict (true only for a line exactly as fillToJson writes it, which JSON.parse and the schema would accept),
 * and then the line's fields, the ones the digest notes on every line read at once and the rest (orderId, client
 * order id) only when asked for. The scanner's row goes into columns of one row, emptied after every line: the
 * digest keeps no amounts. The scanner decides a missing bot as botOfFill would, so whether the line names its
 * bot, and its source, are read back from the line's end, whose layout a canonical line fixes: `,"orderId":"…",
 * "isMaker":…,"source":"…"`, then `,"clientOrderId":"…"` and `,"bot":"…"` if there, then `}` (no value holds a
 * '"' or a backslash). Valid until the next scan().
 */
export class CanonicalLine implements NotedFields {
  readonly #columns = new FillColumns(16);
  readonly #scanner = new LineScanner(this.#columns);
  /** Symbols by their base and quote's name codes: a line's symbol is its base and quote. */
  readonly #symbols = new Map<number, string>();
  #buf: Buffer = Buffer.alloc(0);
  /** Where the opening quote of the source's value is, and of the client order id's (-1: none). */
  #sourceOpen = 0;
  #clientOpen = -1;
  #clientClose = -1;
  id = "";
  symbol = "";
  time = 0;
  bot: string | undefined = undefined;
  source: FillSource = "exchange";

  /** Whether buf[start, end) is canonical; if so its fields are read. */
  scan(buf: Buffer, start: number, end: number): boolean {
    const c = this.#columns;
    if (!this.#scanner.scan(buf, start, end)) return false;
    // The row (always row 0) is read and dropped: the columns never grow.
    const idLength = c.idLength[0] as number;
    const base = c.base[0] as number;
    const quote = c.quote[0] as number;
    this.time = c.time[0] as number;
    c.count = 0;
    c.idEnd = 0;
    this.#buf = buf;
    this.id = buf.toString("latin1", start + ID_AT, start + ID_AT + idLength);
    const pair = base * 0x100000 + quote;
    let symbol = this.#symbols.get(pair);
    if (symbol === undefined) {
      symbol = (c.names[base] as string) + (c.names[quote] as string);
      this.#symbols.set(pair, symbol);
    }
    this.symbol = symbol;
    this.#readEnd(buf, end, c.bot[0] as number);
    return true;
  }

  #readEnd(buf: Buffer, end: number, botCode: number): void {
    // The last value closes right before the "}".
    let close = end - 2;
    let open = quoteBefore(buf, close);
    this.bot = undefined;
    if (buf[open - 3] === T) {
      this.bot = this.#columns.names[botCode] as string;
      close = open - 8;
      open = quoteBefore(buf, close);
    }
    this.#clientOpen = -1;
    if (buf[open - 3] === D) {
      this.#clientOpen = open;
      this.#clientClose = close;
      close = open - 18;
      open = quoteBefore(buf, close);
    }
    this.#sourceOpen = open;
    this.source = close - open === 9 ? "exchange" : "import";
  }

  get base(): string {
    return this.#columns.names[this.#columns.base[0] as number] as string;
  }

  get quote(): string {
    return this.#columns.names[this.#columns.quote[0] as number] as string;
  }

  get clientOrderId(): string | undefined {
    return this.#clientOpen === -1
      ? undefined
      : this.#buf.toString("latin1", this.#clientOpen + 1, this.#clientClose);
  }

  get orderId(): string {
    const buf = this.#buf;
    // `"isMaker":true,"source":"` or `…false,…`: the colon after isMaker's key.
    const s = this.#sourceOpen;
    const colon = buf[s - 15] === COLON ? s - 15 : s - 16;
    const close = colon - 11;
    return buf.toString("latin1", quoteBefore(buf, close) + 1, close);
  }
}

/** The '"' before position `close` (a value's opening quote, when `close` is its closing one). */
function quoteBefore(buf: Buffer, close: number): number {
  let at = close - 1;
  while (buf[at] !== QUOTE_MARK) at--;
  return at;
}
