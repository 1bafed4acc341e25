import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Adapter } from "lowdb";

/**
 * A lowdb adapter that survives a crash AND a power cut: write a temp file, fsync it, rename it over the old one,
 * fsync the directory. lowdb's own JSONFile renames atomically but never fsyncs, and the order journal must be on
 * disk before an order is sent. Files are created 0600: state holds the account's history.
 * The raw text is returned unparsed so the store can tell a damaged file from a valid one.
 */
export class DurableTextFile implements Adapter<string> {
  readonly #path: string;
  readonly #tmp: string;

  constructor(path: string) {
    this.#path = path;
    this.#tmp = join(dirname(path), `.${basename(path)}.tmp`);
  }

  async read(): Promise<string | null> {
    try {
      return await readFile(this.#path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  /** Synchronous on purpose: a few ms for a small file, and no other write can interleave with it. */
  async write(text: string): Promise<void> {
    const fd = openSync(this.#tmp, "w", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.#tmp, this.#path);
    const dir = openSync(dirname(this.#path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** For tests and tools: the current text, synchronously. */
  readNow(): string {
    return readFileSync(this.#path, "utf8");
  }
}
