import type { Logger } from "../log.js";
import { readLines } from "../store/line-reader.js";
import { CostBasisBook, type CostBasisOptions, type CostBasisSnapshot } from "./cost-basis.js";
import { checkpointPath, dropCheckpoint, readCheckpoint, writeCheckpoint } from "./cost-book-checkpoint.js";
import { compareFills, type Fill, parseFillJson } from "./fill.js";
import { lastLineBefore } from "./fills-prefix.js";
import { replayFillsFile } from "./fills-replay.js";

/** What the kept book needs of fills.jsonl (a JsonLinesFile has it); the fills themselves it reads from the file. */
export interface FillsOnDisk {
  readonly path: string;
  /** Byte length of the file's whole lines. */
  readonly bytes: number;
  readonly records: number;
}

export interface KeptCostBasisOptions {
  log?: Logger;
  /** A tool reading while the suite may be writing: the checkpoint is used but never written. */
  readOnly?: boolean;
  /** Ignore the checkpoint and replay the whole history (`npm run pnl -- --replay`). */
  replay?: boolean;
  /**
   * The checkpoint is rewritten once this many fills arrived since it was (default 64): its two fsyncs cost more
   * than applying a fill, and a start applies the few fills it lags behind from the file anyway.
   */
  saveEvery?: number;
}

/**
 * The cost basis with the ledger's plain options (no price guesses), kept up to date as fills arrive: one new
 * fill costs O(1), a start applies only the fills written after the checkpoint (cost-book-checkpoint.ts).
 * A change that touches history (a fill older than the last one applied, from an imported CSV or a late trade;
 * the re-attribution of a fill to another bot) falls back to a full replay, once: the average cost depends on
 * the order of fills, and the PnL by bot on every fill's bot.
 */
export class KeptCostBasis {
  readonly #file: FillsOnDisk;
  readonly #checkpoint: string;
  readonly #opts: KeptCostBasisOptions;
  #book: CostBasisBook | undefined;
  #snapshot: CostBasisSnapshot | undefined;
  /** Fills applied since the checkpoint was written. */
  #unsaved = 0;
  /** How the current book was built, for the log and `npm run pnl`. */
  #origin = "";

  constructor(file: FillsOnDisk, opts: KeptCostBasisOptions = {}) {
    this.#file = file;
    this.#checkpoint = checkpointPath(file.path);
    this.#opts = opts;
  }

  snapshot(): CostBasisSnapshot {
    this.#snapshot ??= this.#bookNow().snapshot();
    return this.#snapshot;
  }

  /**
   * The snapshot, if it equals what `options` would give; else undefined. A snapshot built without `currentPrice`
   * equals one built with it when no fill needed a guess (no "price-missing" warning): the fallback is consulted
   * only where the plain book records that warning.
   */
  snapshotFor(options: CostBasisOptions): CostBasisSnapshot | undefined {
    const keys = Object.keys(options);
    if (keys.length === 0) return this.snapshot();
    if (keys.length > 1 || keys[0] !== "currentPrice") return undefined;
    const s = this.snapshot();
    return s.warnings.some((w) => w.kind === "price-missing") ? undefined : s;
  }

  /** How the book was built: "replayed N fills", "checkpoint of N fills + M newer". */
  get origin(): string {
    return this.#origin;
  }

  /** Fills just appended to the file (already deduped by the ledger). */
  added(fresh: readonly Fill[]): void {
    if (fresh.length === 0 || this.#book === undefined) return;
    const sorted = fresh.slice().sort(compareFills);
    if (
      !sorted.every((f, i) => (i === 0 ? this.#book?.follows(f) : compareFills(sorted[i - 1] as Fill, f) < 0))
    ) {
      // Older than what the book has applied: rebuilt from the history at the next ask.
      this.#book = undefined;
      this.#snapshot = undefined;
      return;
    }
    for (const f of sorted) this.#book.apply(f);
    this.#snapshot = undefined;
    this.#unsaved += sorted.length;
    if (this.#unsaved >= (this.#opts.saveEvery ?? 64)) this.#save();
  }

  /** Writes the checkpoint now if fills arrived since the last one (at a clean stop, say). */
  save(): void {
    if (this.#unsaved > 0) this.#save();
  }

  /** Before the file's past is rewritten: no checkpoint may outlive the history it describes. */
  historyWillChange(): void {
    if (!this.#opts.readOnly) dropCheckpoint(this.#checkpoint);
    this.#book = undefined;
    this.#snapshot = undefined;
  }

  #bookNow(): CostBasisBook {
    if (this.#book) return this.#book;
    const { path, bytes, records } = this.#file;
    let cp = this.#opts.replay
      ? ({ ok: false, why: "replay asked for" } as const)
      : readCheckpoint(this.#checkpoint, path, bytes);
    if (cp.ok) {
      // Only the lines after the covered prefix are read: a routine start costs O(fills since the checkpoint).
      const newer = fillsAfter(path, cp.bytes, bytes);
      const book = CostBasisBook.withoutHistory({}, cp.state);
      if (cp.records + newer.length !== records)
        cp = { ok: false, why: `it covers ${cp.records} fills, the file has ${records - newer.length}` };
      else if (newer.sort(compareFills).every((f) => book.follows(f) && book.apply(f))) {
        this.#book = book;
        this.#origin = `checkpoint of ${cp.records} fills + ${newer.length} newer`;
        if (newer.length > 0) this.#save();
        return book;
      }
    }
    const replayed = replayFillsFile(path, {}, bytes);
    this.#book = CostBasisBook.withoutHistory({}, replayed.state);
    const why = cp.ok ? "a fill older than the checkpoint" : cp.why;
    this.#origin = `replayed ${records} fills (${why})`;
    this.#opts.log?.info({ fills: records, why }, "cost basis replayed");
    this.#save();
    return this.#book;
  }

  #save(): void {
    const { path, bytes, records } = this.#file;
    if (this.#opts.readOnly || this.#book === undefined || records === 0) return;
    const lastLine = lastLineBefore(path, bytes);
    if (lastLine === undefined) return;
    const lastId = (JSON.parse(lastLine) as { id: string }).id;
    const cover = { records, bytes, lastLine, lastId };
    try {
      writeCheckpoint(this.#checkpoint, cover, this.#book.state());
      this.#unsaved = 0;
    } catch (e) {
      // Only a cost: the next start replays.
      this.#opts.log?.warn({ err: e, path: this.#checkpoint }, "cost-basis checkpoint not written");
    }
  }
}

/**
 * The checkpoint's book of `file` if it still matches the file and covers all of it, for a reader that wants no
 * replay (bench/ledger.ts); undefined when a replay is needed.
 */
export function readCheckpointBook(
  file: Pick<FillsOnDisk, "path" | "bytes" | "records">,
): CostBasisBook | undefined {
  const cp = readCheckpoint(checkpointPath(file.path), file.path, file.bytes);
  if (!cp.ok || cp.records !== file.records) return undefined;
  return CostBasisBook.withoutHistory({}, cp.state);
}

/** The book of a whole history, in processing order (time, then id); a fill seen twice counts once. */
export function replay(fills: readonly Fill[]): CostBasisBook {
  const book = CostBasisBook.withoutHistory();
  // Deduped in file order, then sorted: the first line of an id wins, as in a book that keeps its history.
  const seen = new Set<string>();
  const unique = fills.filter((f) => !seen.has(f.id) && seen.add(f.id) !== undefined);
  for (const f of unique.sort(compareFills)) book.apply(f);
  return book;
}

/** The fills of the lines from byte `from` to byte `end` (whole lines). */
function fillsAfter(path: string, from: number, end: number): Fill[] {
  const out: Fill[] = [];
  if (from >= end) return out;
  readLines(
    path,
    (line) => {
      if (line.start >= end) return false;
      if (line.text !== "") out.push(parseFillJson(JSON.parse(line.text)));
      return true;
    },
    from,
  );
  return out;
}
