import type { FillJson, FillSource } from "./fill.js";
import { FillColumns } from "./fill-columns.js";
import { LineScanner, lastTail } from "./fill-line-scan.js";

/** The fields of a fill the digest notes (a FillJson has them all). */
export type NotedFields = Pick<
  FillJson,
  "id" | "symbol" | "base" | "quote" | "time" | "orderId" | "clientOrderId" | "bot" | "source"
>;

/** `{"id":"`: where the id starts in a canonical line. */
const ID_AT = 7;

/**
 * The replay's byte scanner (fill-line-scan.ts) as the digest's reader of a line: scan() gives the scanner's
 * verdict (true only for a line exactly as fillToJson writes it, which JSON.parse and the schema would accept),
 * and then the line's fields, the ones the digest notes on every line read at once and the rest (orderId, client
 * order id) only when asked for. The scanner's row goes into columns of one row, emptied after every line: the
 * digest keeps no amounts; the tail's strings (order ids, source, whether the bot is named) are where the scanner
 * found them (lastTail). Valid until the next scan().
 */
export class CanonicalLine implements NotedFields {
  readonly #columns = new FillColumns(16);
  readonly #scanner = new LineScanner(this.#columns);
  /** Symbols by their base and quote's name codes: a line's symbol is its base and quote. */
  readonly #symbols = new Map<number, string>();
  #buf: Buffer = Buffer.alloc(0);
  #orderIdAt = 0;
  #orderIdEnd = 0;
  #clientAt = -1;
  #clientEnd = -1;
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
    const t = lastTail;
    this.bot = t.namedBot ? (c.names[c.bot[0] as number] as string) : undefined;
    this.source = t.imported ? "import" : "exchange";
    this.#orderIdAt = t.orderIdAt;
    this.#orderIdEnd = t.orderIdEnd;
    this.#clientAt = t.clientOrderIdAt;
    this.#clientEnd = t.clientOrderIdEnd;
    return true;
  }

  get base(): string {
    return this.#columns.names[this.#columns.base[0] as number] as string;
  }

  get quote(): string {
    return this.#columns.names[this.#columns.quote[0] as number] as string;
  }

  get clientOrderId(): string | undefined {
    return this.#clientAt === -1 ? undefined : this.#buf.toString("latin1", this.#clientAt, this.#clientEnd);
  }

  get orderId(): string {
    return this.#buf.toString("latin1", this.#orderIdAt, this.#orderIdEnd);
  }
}
