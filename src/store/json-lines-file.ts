import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { StoreError } from "./store.js";

/**
 * An append-only file of JSON lines, fsync'd on every append. For records that never change and only grow
 * (fills): rewriting them inside state.json on every journal write would cost O(history) per order.
 * A torn last line (the process died mid-append, so nobody was told it was written) is cut off at open;
 * a bad line anywhere else means damage and stops the program.
 */
export class JsonLinesFile<T> {
  readonly #path: string;
  readonly #items: T[] = [];

  private constructor(path: string) {
    this.#path = path;
  }

  static open<T>(path: string, parse: (value: unknown) => T): JsonLinesFile<T> {
    const file = new JsonLinesFile<T>(path);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      closeSync(openSync(path, "a", 0o600));
      return file;
    }
    const lines = text.split("\n");
    let validBytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const last = i === lines.length - 1;
      if (line === "") {
        if (!last) validBytes += 1;
        continue;
      }
      try {
        file.#items.push(parse(JSON.parse(line)));
        validBytes += Buffer.byteLength(line) + (last ? 0 : 1);
      } catch (e) {
        if (last) {
          // Torn tail: never acknowledged, safe to drop.
          const fd = openSync(path, "r+");
          ftruncateSync(fd, validBytes);
          closeSync(fd);
          break;
        }
        throw new StoreError(
          `${path} line ${i + 1} is damaged (${(e as Error).message}). Move the file aside or fix the line, then start again.`,
          path,
        );
      }
    }
    return file;
  }

  get items(): readonly T[] {
    return this.#items;
  }

  /** Appends records and returns once they are on disk. */
  append(records: readonly T[], toJson: (r: T) => unknown): void {
    if (records.length === 0) return;
    const text = records.map((r) => JSON.stringify(toJson(r))).join("\n") + "\n";
    const fd = openSync(this.#path, "a", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#items.push(...records);
  }

  /**
   * Replaces every record, atomically: a temp file, fsync'd, renamed over the file, the directory fsync'd, so a
   * crash leaves either the old file or the new one whole. For the rare correction of records already written
   * (the ledger's attribution of old fills); costs O(file), never call it per record.
   */
  rewrite(records: readonly T[], toJson: (r: T) => unknown): void {
    const tmp = join(dirname(this.#path), `.${basename(this.#path)}.tmp`);
    const text = records.map((r) => `${JSON.stringify(toJson(r))}\n`).join("");
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path);
    const dir = openSync(dirname(this.#path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    // In place, element by element: callers hold the items array, and a spread of 100,000 would overflow the stack.
    const next = Array.from(records); // records may be this very array
    this.#items.length = 0;
    for (const r of next) this.#items.push(r);
  }
}
