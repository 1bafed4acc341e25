import { JsonLinesFile, type Line } from "../store/index.js";
import { botOfFill, MANUAL } from "./attribution.js";
import {
  checkFillJson,
  type Fill,
  type FillJson,
  type FillSource,
  fillFromJson,
  fillToJson,
} from "./fill.js";

/** What re-attribution needs of a fill that stays on disk, and where its line starts (for the rewrite). */
export interface FillRef {
  readonly id: string;
  readonly symbol: string;
  readonly orderId: string;
  readonly clientOrderId?: string;
  readonly source: FillSource;
  readonly bot?: string;
  /** Byte offset of its line in fills.jsonl (the file only grows by appends until a rewrite reopens it). */
  readonly start: number;
}

/** A run of consecutive lines and their latest trade time: fillsSince reads only the runs that can match. */
export interface FillsBlock {
  readonly start: number;
  records: number;
  maxTime: number;
}

export interface Pair {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
}

const BLOCK = 1024;

/**
 * What the ledger keeps of fills.jsonl instead of every fill (a million fills with their Decimals take over a
 * GiB): the ids for dedupe, the traded pairs, where the fills still attributed to no bot are (attributed again as
 * the journal learns their orders), the first exchange fill of each symbol (for imports), the last `recent` fills
 * for reports and an index of line blocks by time. Every line is validated once, in full, as it is read; the fills
 * themselves are dropped as they are read. Walks of every fill stream the file (fills-reads.ts).
 */
export class FillsDigest {
  readonly file: JsonLinesFile<FillJson>;
  readonly ids = new Set<string>();
  readonly pairs = new Map<string, Pair>();
  /** Exchange fills kept as manual, by symbol. */
  readonly manual = new Map<string, FillRef[]>();
  /** Fills written before attribution existed (no `bot`): a start attributes them once, with one rewrite. */
  readonly unattributed: FillRef[] = [];
  readonly firstExchangeFill = new Map<string, number>();
  readonly blocks: FillsBlock[] = [];
  readonly #keepRecent: number;
  /** The last fills, oldest first, as their JSON (a Fill is built only when asked for). */
  #recent: FillJson[] = [];

  private constructor(path: string, recent: number, readOnly: boolean) {
    this.#keepRecent = recent;
    const visit = (j: FillJson, line: Line) => this.#note(j, line.start);
    this.file = readOnly
      ? JsonLinesFile.openReadOnly(path, checkFillJson, { keep: false, visit })
      : JsonLinesFile.open(path, checkFillJson, { keep: false, visit });
  }

  /** Opens (creates, repairs) fills.jsonl; `readOnly` for a tool while the suite may be appending. */
  static open(path: string, opts: { recent?: number; readOnly?: boolean } = {}): FillsDigest {
    return new FillsDigest(path, opts.recent ?? 1000, opts.readOnly ?? false);
  }

  get path(): string {
    return this.file.path;
  }

  get records(): number {
    return this.file.records;
  }

  /** The last fills kept, oldest first; all of them when `records` equals its length. */
  get recent(): Fill[] {
    return this.recentTail(this.#keepRecent);
  }

  /** How many of the last fills the digest holds. */
  get recentKept(): number {
    return Math.min(this.#recent.length, this.#keepRecent);
  }

  /** The last `n` fills it holds (at most recentKept), oldest first; only those become Fills. */
  recentTail(n: number): Fill[] {
    const k = Math.min(n, this.recentKept);
    return k <= 0 ? [] : this.#recent.slice(-k).map(fillFromJson);
  }

  get lastId(): string | undefined {
    return this.#recent.at(-1)?.id;
  }

  /** Appends fills (on disk when it returns) and notes them. */
  append(fills: readonly Fill[]): void {
    if (fills.length === 0) return;
    const jsons = fills.map(fillToJson);
    let start = this.file.bytes;
    this.file.append(jsons, (j) => j);
    for (const j of jsons) {
      this.#note(j, start);
      start += Buffer.byteLength(JSON.stringify(j)) + 1;
    }
  }

  #note(j: FillJson, start: number): void {
    this.ids.add(j.id);
    if (!this.pairs.has(j.symbol))
      this.pairs.set(j.symbol, { symbol: j.symbol, base: j.base, quote: j.quote });
    if (j.bot === undefined) this.unattributed.push(refOf(j, start));
    if (j.source === "exchange") {
      if (j.bot === MANUAL) {
        const list = this.manual.get(j.symbol);
        if (list) list.push(refOf(j, start));
        else this.manual.set(j.symbol, [refOf(j, start)]);
      }
      const first = this.firstExchangeFill.get(j.symbol);
      if (first === undefined || j.time < first) this.firstExchangeFill.set(j.symbol, j.time);
    }
    this.#recent.push(j);
    // Trimmed in batches: a shift per fill would cost O(recent) each.
    if (this.#recent.length >= 2 * this.#keepRecent) this.#recent = this.#recent.slice(-this.#keepRecent);
    let block = this.blocks.at(-1);
    if (block === undefined || block.records === BLOCK) {
      block = { start, records: 0, maxTime: j.time };
      this.blocks.push(block);
    }
    block.records++;
    if (j.time > block.maxTime) block.maxTime = j.time;
  }
}

function refOf(j: FillJson, start: number): FillRef {
  return {
    id: j.id,
    symbol: j.symbol,
    orderId: j.orderId,
    ...(j.clientOrderId !== undefined ? { clientOrderId: j.clientOrderId } : {}),
    source: j.source,
    ...(j.bot !== undefined ? { bot: j.bot } : {}),
    start,
  };
}

/**
 * Appends imported fills that are new. Rows at or after the first fill synced from the exchange for the same
 * symbol are skipped: the exchange already reported those trades, under its own ids.
 */
export function mergeImportedFills(
  digest: FillsDigest,
  fills: readonly Fill[],
): { added: number; skipped: number; fresh: Fill[] } {
  const first = digest.firstExchangeFill;
  // Imported history has no order of ours to look up: its bot is what its client id says, usually manual.
  // (csv-import.ts gives each row of a file its own id, so a batch needs no dedupe of its own.)
  const fresh = fills
    .filter((f) => !digest.ids.has(f.id) && f.time < (first.get(f.symbol) ?? Infinity))
    .map((f) => (f.bot === undefined ? { ...f, bot: botOfFill(f) } : f));
  digest.append(fresh);
  return { added: fresh.length, skipped: fills.length - fresh.length, fresh };
}
