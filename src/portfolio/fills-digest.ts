import type { Logger } from "../log.js";
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
import type { NotedFields } from "./fill-line-fields.js";
import {
  digestCheckpointPath,
  readDigestCheckpoint,
  writeDigestCheckpoint,
} from "./fills-digest-checkpoint.js";
import { readDigestLines } from "./fills-digest-read.js";
import { lastLineBefore } from "./fills-prefix.js";
import { TradeIds } from "./trade-ids.js";

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

export interface DigestOptions {
  /** How many of the last fills to keep in memory (default 1000). */
  recent?: number;
  /** A tool reading while the suite may be appending: the checkpoint is used but never written. */
  readOnly?: boolean;
  /** Read every line, as if there were no checkpoint (a test's "without"). */
  checkpoint?: boolean;
  /**
   * false: every line through JSON.parse and the schema, none through the byte scanner (fills-digest-read.ts):
   * the reference a test holds the scanner's read to.
   */
  byteScan?: boolean;
  /**
   * The checkpoint is rewritten once this many lines came after the one it covers (default 10,000), at open and
   * as fills are appended: it costs O(ids) (~0.3 s at a million), a start reads the lines it lags behind anyway.
   */
  saveEvery?: number;
  log?: Logger;
}

/**
 * What the ledger keeps of fills.jsonl instead of every fill (a million fills with their Decimals take over a
 * GiB): the ids for dedupe, the traded pairs, where the fills still attributed to no bot are (attributed again as
 * the journal learns their orders), the first exchange fill of each symbol (for imports), the last `recent` fills
 * for reports and an index of line blocks by time. A start loads it from its checkpoint
 * (fills-digest-checkpoint.ts) and reads only the lines after it; without one (or in any doubt) every line is
 * validated once, in full, as it is read, and the fills themselves are dropped as they are read. The ledger's own
 * lines are read from their bytes (fills-digest-read.ts, the replay's scanner: a million in ~2.6 s, ~6 s through
 * JSON.parse and the schema), any other line through JSON.parse and the schema. Walks of every fill stream the
 * file (fills-reads.ts).
 */
export class FillsDigest {
  readonly file: JsonLinesFile<FillJson>;
  readonly ids: TradeIds;
  readonly pairs: Map<string, Pair>;
  /** Exchange fills kept as manual, by symbol. */
  readonly manual: Map<string, FillRef[]>;
  /** Fills written before attribution existed (no `bot`): a start attributes them once, with one rewrite. */
  readonly unattributed: FillRef[];
  readonly firstExchangeFill: Map<string, number>;
  readonly blocks: FillsBlock[];
  /** How the digest was built, for the log and tests: "checkpoint of N lines + M newer" or "read N lines (why)". */
  readonly origin: string;
  readonly #keepRecent: number;
  /**
   * The last fills, oldest first, as their JSON (a Fill is built only when asked for). While the open reads the
   * file's lines from their bytes, a number stands for the line starting at that byte (#settle makes it a FillJson
   * before the open returns): only the last thousand or so of a million become objects.
   */
  #recent: (FillJson | number)[];
  readonly #opts: DigestOptions;
  readonly #checkpointPath: string;
  /** Records the checkpoint on disk covers (0: none). */
  #covered = 0;

  private constructor(path: string, opts: DigestOptions) {
    this.#opts = opts;
    this.#keepRecent = opts.recent ?? 1000;
    this.#checkpointPath = digestCheckpointPath(path);
    const cp =
      opts.checkpoint === false
        ? ({ ok: false, why: "asked to read every line" } as const)
        : readDigestCheckpoint(this.#checkpointPath, path);
    const s = cp.ok ? cp.state : undefined;
    this.ids = s?.ids ?? new TradeIds();
    this.pairs = new Map(s?.pairs);
    this.manual = new Map([...(s?.manual ?? [])].map(([k, v]) => [k, [...v]]));
    this.unattributed = [...(s?.unattributed ?? [])];
    this.firstExchangeFill = new Map(s?.firstExchangeFill);
    this.blocks = (s?.blocks ?? []).map((b) => ({ ...b }));
    this.#recent = [...(s?.recent ?? [])];
    const visit = (j: FillJson, line: Line) => this.#note(j, line.start, j);
    const from = cp.ok ? cp.prefix : { bytes: 0, records: 0, lines: 0 };
    const vouched =
      opts.byteScan === false
        ? from
        : readDigestLines(
            path,
            from,
            (f, start, scanned) => this.#note(f, start, scanned ? start : (f as FillJson)),
            (lineAt) => this.#settle(lineAt),
          );
    const read = { keep: false, visit, ...(vouched.bytes > 0 ? { after: vouched } : {}) };
    this.file = opts.readOnly
      ? JsonLinesFile.openReadOnly(path, checkFillJson, read)
      : JsonLinesFile.open(path, checkFillJson, read);
    const newer = this.file.lines - (cp.ok ? cp.prefix.lines : 0);
    if (cp.ok) {
      this.#covered = cp.prefix.records;
      this.origin = `checkpoint of ${cp.prefix.lines} lines + ${newer} newer`;
    } else {
      this.origin = `read ${newer} lines (${cp.why})`;
      if (this.file.records > 0)
        opts.log?.info(
          { path, lines: newer, why: cp.why },
          "fills digest checkpoint not used: every line read",
        );
    }
    if (newer >= this.#saveEvery) this.checkpoint();
  }

  /** Opens (creates, repairs) fills.jsonl; `readOnly` for a tool while the suite may be appending. */
  static open(path: string, opts: DigestOptions = {}): FillsDigest {
    return new FillsDigest(path, opts);
  }

  get #saveEvery(): number {
    return this.#opts.saveEvery ?? 10_000;
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
    return k <= 0 ? [] : this.#held.slice(-k).map(fillFromJson);
  }

  /**
   * The fills the digest holds (up to twice `recent`) among records `from` to `to` (exclusive) whose time is at or
   * after `time`, in file order; records before `firstHeld` are the file's to give.
   */
  heldSince(time: number, from: number, to: number): Fill[] {
    const first = this.firstHeld;
    const out: Fill[] = [];
    for (let r = Math.max(from, first); r < to; r++) {
      const j = this.#held[r - first] as FillJson;
      if (j.time >= time) out.push(fillFromJson(j));
    }
    return out;
  }

  /** The first record the digest holds in memory (heldSince); records before it are read from the file. */
  get firstHeld(): number {
    return this.records - this.#recent.length;
  }

  get lastId(): string | undefined {
    return this.#held.at(-1)?.id;
  }

  /** Appends fills (on disk when it returns) and notes them; past `saveEvery` new lines, a checkpoint too. */
  append(fills: readonly Fill[]): void {
    if (fills.length === 0) return;
    const jsons = fills.map(fillToJson);
    let start = this.file.bytes;
    this.file.append(jsons, (j) => j);
    for (const j of jsons) {
      this.#note(j, start, j);
      start += Buffer.byteLength(JSON.stringify(j)) + 1;
    }
    if (this.file.records - this.#covered >= this.#saveEvery) this.checkpoint();
  }

  /**
   * Writes the checkpoint of the digest if lines came since the last one (at a clean stop, with the cost basis's),
   * so the next start reads only what is newer. Never for a read-only digest; a failure only costs the next start
   * a full read, so it is logged, not thrown.
   */
  checkpoint(): void {
    const { records, bytes, lines } = this.file;
    if (this.#opts.readOnly || records === 0 || records === this.#covered) return;
    try {
      const lastLine = lastLineBefore(this.path, bytes);
      // A blank last line (a hand edit) has no id to check the prefix by: no checkpoint, a full read next time.
      if (lastLine === "") return;
      writeDigestCheckpoint(
        this.#checkpointPath,
        { records, bytes, lines, lastLine },
        {
          ids: this.ids,
          pairs: this.pairs,
          manual: this.manual,
          unattributed: this.unattributed,
          firstExchangeFill: this.firstExchangeFill,
          blocks: this.blocks,
          recent: this.#held.slice(-this.#keepRecent),
        },
      );
      this.#covered = records;
    } catch (e) {
      this.#opts.log?.warn({ err: e, path: this.#checkpointPath }, "fills digest checkpoint not written");
    }
  }

  /** The recent fills, once the open has settled them (#recent holds no number after the constructor). */
  get #held(): FillJson[] {
    return this.#recent as FillJson[];
  }

  #settle(lineAt: (start: number) => FillJson): void {
    const recent = this.#recent;
    for (let k = 0; k < recent.length; k++) {
      const entry = recent[k] as FillJson | number;
      if (typeof entry === "number") recent[k] = lineAt(entry);
    }
  }

  /** Notes a fill read or appended, starting at byte `start`; `recent` is its FillJson, or `start` (#recent). */
  #note(j: NotedFields, start: number, recent: FillJson | number): void {
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
    this.#recent.push(recent);
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

function refOf(j: NotedFields, start: number): FillRef {
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
