import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { describeLineError, keepTornTail, writeAtomically } from "./file-durability.js";
import { type Line, readLines } from "./line-reader.js";
import { StoreError } from "./store.js";

/**
 * An append-only file of JSON lines, fsync'd on every append. For records that never change and only grow
 * (fills): rewriting them inside state.json on every journal write would cost O(history) per order.
 *
 * At open, before any append:
 * - a complete last line without its final newline (an editor, a copy, a write cut right before the "\n") gets
 *   its newline, or the next append would be glued to it and the file would not read at the next start;
 * - a torn last line (not JSON at all: the process died mid-append, so nobody was told it was written) is cut off,
 *   and its bytes are kept in `<file>.torn` so nothing is ever lost;
 * - any other bad line (not JSON in the middle, or JSON that is not a record, last line included) is damage: the
 *   program stops, naming the file and the line, and the file is never rewritten.
 */
export interface OpenOptions<T> {
  /** Keep the records in `items` (the default). */
  keep?: boolean;
  /** Sees each record as it is read, with its line. */
  visit?: (record: T, line: Line) => void;
  /**
   * Starts after a prefix of the file its caller already read and vouches for (a checkpoint of what it kept):
   * only the lines after `bytes` are read, validated and repaired; `records` and `lines` count on from the
   * prefix's, so an error names the line's real number.
   */
  after?: FilePrefix;
}

/** A prefix of whole lines: its byte length (it ends with a "\n"), its records and its lines (blank ones too). */
export interface FilePrefix {
  readonly bytes: number;
  readonly records: number;
  readonly lines: number;
}

export class JsonLinesFile<T> {
  readonly #path: string;
  readonly #items: T[] = [];
  readonly #keep: boolean;
  readonly #repairs: string[] = [];
  #records = 0;
  #bytes = 0;
  #lines = 0;

  private constructor(path: string, keep: boolean) {
    this.#path = path;
    this.#keep = keep;
  }

  /**
   * Opens (creates, repairs) the file and parses every record once, line by line. `visit` sees each record with
   * its line (number, text, offset); with `keep: false` the records are not kept (`items` stays empty), for a
   * caller that keeps its own digest of a file too large to hold.
   */
  static open<T>(path: string, parse: (value: unknown) => T, opts: OpenOptions<T> = {}): JsonLinesFile<T> {
    return JsonLinesFile.#load(path, parse, true, opts);
  }

  /**
   * The records, for a tool that only reads (the suite may be appending meanwhile): nothing is created, repaired
   * or cut off; a torn last line is left out, damage stops it the same way.
   */
  static read<T>(path: string, parse: (value: unknown) => T): readonly T[] {
    return JsonLinesFile.#load(path, parse, false, {}).items;
  }

  /** Like read, as a file whose `bytes` and `records` say what was read; it must not be appended to. */
  static openReadOnly<T>(
    path: string,
    parse: (value: unknown) => T,
    opts: OpenOptions<T> = {},
  ): JsonLinesFile<T> {
    return JsonLinesFile.#load(path, parse, false, opts);
  }

  /** Like read, keeping nothing: `visit` sees each record and its line, and keeps what its caller needs. */
  static scan<T>(path: string, parse: (value: unknown) => T, visit: (record: T, line: Line) => void): void {
    JsonLinesFile.#load(path, parse, false, { keep: false, visit });
  }

  static #load<T>(
    path: string,
    parse: (value: unknown) => T,
    repair: boolean,
    opts: OpenOptions<T>,
  ): JsonLinesFile<T> {
    const keep = opts.keep ?? true;
    const file = new JsonLinesFile<T>(path, keep);
    const after = opts.after ?? { bytes: 0, records: 0, lines: 0 };
    file.#records = after.records;
    file.#lines = after.lines;
    let validBytes = after.bytes;
    let unterminated: Line | undefined;
    try {
      readLines(
        path,
        (read) => {
          const line = after.lines === 0 ? read : { ...read, index: read.index + after.lines };
          if (line.text === "") {
            validBytes += 1;
            file.#lines++;
            return true;
          }
          let json: unknown;
          try {
            json = JSON.parse(line.text);
          } catch (e) {
            if (line.terminated)
              throw damaged(path, line.index + 1, `it is not valid JSON (${(e as Error).message})`);
            if (repair) {
              keepTornTail(path, validBytes, line.text);
              file.#repairs.push(
                `line ${line.index + 1} was torn (a write cut short): cut off, its ${Buffer.byteLength(line.text)} bytes kept in ${path}.torn`,
              );
            }
            return false;
          }
          let record: T;
          try {
            record = parse(json);
          } catch (e) {
            throw damaged(path, line.index + 1, describeLineError(e));
          }
          if (keep) file.#items.push(record);
          opts.visit?.(record, line);
          file.#records++;
          file.#lines++;
          validBytes += Buffer.byteLength(line.text) + (line.terminated ? 1 : 0);
          if (!line.terminated) unterminated = line;
          return true;
        },
        after.bytes,
      );
    } catch (e) {
      // A prefix vouched for cannot be missing: the file went away under its caller, which must see it.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || after.bytes > 0) throw e;
      if (repair) closeSync(openSync(path, "a", 0o600));
      return file;
    }
    if (repair && unterminated) {
      writeDurably(path, "\n");
      validBytes += 1;
      file.#repairs.push(`the last line (${unterminated.index + 1}) had no final newline: added`);
    }
    file.#bytes = validBytes;
    return file;
  }

  /** Records read or appended (kept or not). */
  get records(): number {
    return this.#records;
  }

  /** Lines read or appended, blank ones included: the number of the last line. */
  get lines(): number {
    return this.#lines;
  }

  /** Bytes of whole lines: where the next append starts once open() has repaired the file. */
  get bytes(): number {
    return this.#bytes;
  }

  get path(): string {
    return this.#path;
  }

  get items(): readonly T[] {
    return this.#items;
  }

  /** What open() repaired, in words, for the log: the owner should know the file was touched. */
  get repairs(): readonly string[] {
    return this.#repairs;
  }

  /** Appends records and returns once they are on disk. */
  append(records: readonly T[], toJson: (r: T) => unknown): void {
    if (records.length === 0) return;
    const text = records.map((r) => JSON.stringify(toJson(r))).join("\n") + "\n";
    writeDurably(this.#path, text);
    this.#bytes += Buffer.byteLength(text);
    this.#records += records.length;
    this.#lines += records.length;
    if (this.#keep) for (const r of records) this.#items.push(r);
  }

  /**
   * Replaces every record, atomically: a temp file, fsync'd, renamed over the file, the directory fsync'd, so a
   * crash leaves either the old file or the new one whole. For the rare correction of records already written
   * (the ledger's attribution of old fills); costs O(file), never call it per record.
   */
  rewrite(records: readonly T[], toJson: (r: T) => unknown): void {
    const text = records.map((r) => `${JSON.stringify(toJson(r))}\n`).join("");
    writeAtomically(this.#path, text);
    this.#bytes = Buffer.byteLength(text);
    this.#records = records.length;
    this.#lines = records.length;
    if (!this.#keep) return;
    // In place, element by element: callers hold the items array, and a spread of 100,000 would overflow the stack.
    const next = Array.from(records); // records may be this very array
    this.#items.length = 0;
    for (const r of next) this.#items.push(r);
  }
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, "a", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A bad line of a JSON-lines file as the open refuses it, for a reader of the file that meets one later. */
export function damagedLine(path: string, line: number, error: unknown): StoreError {
  return damaged(
    path,
    line,
    error instanceof SyntaxError ? `it is not valid JSON (${error.message})` : describeLineError(error),
  );
}

function damaged(path: string, line: number, what: string): StoreError {
  return new StoreError(
    `${path} line ${line} is damaged: ${what}. The file was left as it is. Stop here and keep a copy of it: fix ` +
      `or remove that line (or restore a backup of the file), then start again.`,
    path,
  );
}
