import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { describeLineError, keepTornTail, writeAtomicallyKeepingOpen } from "./file-durability.js";
import { StoreError } from "./store.js";

/**
 * The order journal as an append-only file of JSON lines: each line is an entry as it is after one change (the last
 * line of a key wins), or a removal (`{"removed": key}`, when an ended order goes to the archive). One change costs
 * one short write and one fdatasync, whatever the journal's size: rewriting the whole state file per transition cost
 * 82 ms at 10,000 entries (issue 15), an append 0.1–0.2 ms.
 *
 * A crash can only tear the line being written, and that change was never acted on (an order is sent after its line
 * is on disk), so a last line that is not JSON is cut at open and kept aside in `<file>.torn`. Anything else is not a
 * crash: a damaged line before the last one, or a whole line (it parses) that the schema refuses, wherever it is (a
 * newer version may have written it before a rollback); open refuses the file, naming the line, and leaves it as it
 * is.
 *
 * The file is compacted (one line per live entry, written atomically) at open and when it holds many more lines than
 * entries, so its size follows the number of entries, not their history. A compaction that fails (disk full, the
 * directory not writable) changes nothing: the journal keeps appending to the file as it was, the failure goes to
 * `onCompactionFailed`, and the next try comes once the file has grown by as much again, or at the next start.
 */
export interface JournalLogOptions<E> {
  path: string;
  /** Validates one entry as read from the file; throws (zod) on a bad one. */
  parse: (json: unknown) => E;
  keyOf: (entry: E) => string;
  /** Compact when the file has more than `compactRatio` × entries + `compactSlack` lines (defaults 4 and 1,000). */
  compactRatio?: number;
  compactSlack?: number;
  /** Told of a compaction that failed; the journal goes on appending to the file as it was. */
  onCompactionFailed?: (err: unknown) => void;
}

interface Removal {
  removed: string;
}

function isRemoval(json: unknown): json is Removal {
  return typeof json === "object" && json !== null && typeof (json as Removal).removed === "string";
}

export class JournalLog<E> {
  readonly #o: Required<JournalLogOptions<E>>;
  readonly #entries = new Map<string, E>();
  readonly #repairs: string[] = [];
  #fd: number | undefined;
  #lines = 0;
  /** After a failed compaction, the line count at which the next one is tried (not at every append meanwhile). */
  #retryAt = 0;
  #compactionFailure: unknown;

  private constructor(o: JournalLogOptions<E>) {
    this.#o = { compactRatio: 4, compactSlack: 1_000, onCompactionFailed: () => {}, ...o };
  }

  /**
   * Reads the file (absent = empty), cuts a torn last line, compacts it, and keeps it open for appends. Should the
   * compaction fail, the file is opened for appends as it is (given its final newline), and the failure is told.
   */
  static open<E>(o: JournalLogOptions<E>): JournalLog<E> {
    const log = new JournalLog(o);
    const unterminated = log.#read(true);
    if (log.#tryCompact()) return log;
    const fd = openSync(o.path, "a", 0o600);
    try {
      // The compaction would have given a whole last line its newline; the next append must not be glued to it.
      if (unterminated) {
        writeSync(fd, "\n");
        fdatasyncSync(fd);
      }
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    log.#fd = fd;
    return log;
  }

  /** The entries of a journal another process wrote (an audit after it died): read only, a torn tail ignored. */
  static read<E>(o: JournalLogOptions<E>): ReadonlyMap<string, E> {
    const log = new JournalLog(o);
    log.#read(false);
    return log.#entries;
  }

  /** The journal: every entry by key, as of the last change. */
  get entries(): ReadonlyMap<string, E> {
    return this.#entries;
  }

  /** What open() repaired, in words, for the log. */
  get repairs(): readonly string[] {
    return this.#repairs;
  }

  get path(): string {
    return this.#o.path;
  }

  /** Why the last compaction failed; undefined once one succeeds. */
  get compactionFailure(): unknown {
    return this.#compactionFailure;
  }

  /**
   * Records an entry's new state; returns once it is on disk (fdatasync). A compaction it sets off cannot make it
   * throw: the change is on disk by then, and must stay applied.
   */
  put(entry: E): void {
    this.#append(`${JSON.stringify(entry)}\n`);
    this.#entries.set(this.#o.keyOf(entry), entry);
    this.#compactIfLong();
  }

  /** Drops entries (they went to the archive); returns once that is on disk. */
  remove(keys: Iterable<string>): void {
    const known = [...keys].filter((k) => this.#entries.has(k));
    if (known.length === 0) return;
    this.#append(known.map((key) => `${JSON.stringify({ removed: key } satisfies Removal)}\n`).join(""));
    for (const key of known) this.#entries.delete(key);
    this.#compactIfLong();
  }

  /**
   * Rewrites the file with one line per entry, atomically (temp file, fsync, rename, fsync of the directory). The
   * appends go on through the temp file's own descriptor, so they follow the rename whatever happens after it; until
   * the rename they go to the old file, which a failure leaves as it was.
   */
  compact(): void {
    const text = [...this.#entries.values()].map((e) => `${JSON.stringify(e)}\n`).join("");
    writeAtomicallyKeepingOpen(this.#o.path, text, (fd) => {
      const old = this.#fd;
      this.#fd = fd;
      this.#lines = this.#entries.size;
      if (old !== undefined) closeQuietly(old);
    });
  }

  close(): void {
    this.#closeFd();
  }

  #append(text: string): void {
    if (this.#fd === undefined) throw new StoreError("the order journal is closed", this.#o.path);
    writeSync(this.#fd, text);
    fdatasyncSync(this.#fd);
    this.#lines += countLines(text);
  }

  #compactIfLong(): void {
    if (this.#lines > this.#threshold() && this.#lines >= this.#retryAt) this.#tryCompact();
  }

  #threshold(): number {
    return this.#o.compactRatio * this.#entries.size + this.#o.compactSlack;
  }

  /** Compacts; a failure is told, not thrown, and the next try waits until the file has grown as much again. */
  #tryCompact(): boolean {
    try {
      this.compact();
      this.#compactionFailure = undefined;
      this.#retryAt = 0;
      return true;
    } catch (err) {
      this.#compactionFailure = err;
      this.#retryAt = this.#lines + this.#threshold();
      this.#o.onCompactionFailed(err);
      return false;
    }
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Reads the file into the entries; true when its last line is whole but lacks its newline. */
  #read(repair: boolean): boolean {
    const path = this.#o.path;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
    let offset = 0;
    let lineNo = 0;
    while (offset < text.length) {
      const nl = text.indexOf("\n", offset);
      const end = nl === -1 ? text.length : nl;
      const line = text.slice(offset, end);
      lineNo++;
      const last = nl === -1 || nl === text.length - 1;
      if (line.trim() !== "" && !this.#take(line, lineNo, last)) {
        // Only a torn last line gets here: cut it off, keep it aside.
        this.#lines = lineNo - 1;
        if (!repair) return false;
        keepTornTail(path, Buffer.byteLength(text.slice(0, offset)), line);
        this.#repairs.push(
          `the last line (${lineNo}) was torn by a crash: cut off, kept in ${basename(path)}.torn`,
        );
        return false;
      }
      offset = end + 1;
    }
    this.#lines = lineNo;
    if (text === "" || text.endsWith("\n")) return false;
    // A whole last line whose newline was lost: the compaction at open rewrites the file with one.
    if (repair) this.#repairs.push(`the last line (${lineNo}) had no final newline: added`);
    return true;
  }

  /**
   * Applies one line; false for a last line that is not JSON (torn); throws for any other bad line. A torn write
   * cannot parse, so a line that parses but that the schema refuses is whole, and is damage even when it is last.
   */
  #take(line: string, lineNo: number, last: boolean): boolean {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      if (last) return false;
      throw this.#damaged(lineNo, `it is not valid JSON (${describeLineError(e)})`, "");
    }
    try {
      if (isRemoval(json)) this.#entries.delete(json.removed);
      else {
        const entry = this.#o.parse(json);
        this.#entries.set(this.#o.keyOf(entry), entry);
      }
    } catch (e) {
      throw this.#damaged(
        lineNo,
        describeLineError(e),
        " The line is whole JSON that this version does not take for an entry: if a newer version of the suite " +
          "wrote it, run that version instead.",
      );
    }
    return true;
  }

  #damaged(lineNo: number, what: string, hint: string): StoreError {
    const path = this.#o.path;
    return new StoreError(
      `${path} line ${lineNo} is damaged: ${what}. The file was left as it is. Stop here and keep a copy of it: fix ` +
        `or remove that line (or restore a backup), then start again; the next start looks the orders up on the ` +
        `exchange.${hint}`,
      path,
    );
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Its every write was fdatasync'd: a failed close loses nothing.
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
