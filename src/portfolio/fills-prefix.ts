import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from "node:fs";

/**
 * What the two checkpoints next to fills.jsonl (the cost basis's and the digest's) share: how they seal the prefix
 * of the file they cover, and how a start checks that seal in O(1) without reading the history again (that read is
 * the cost a checkpoint exists to avoid). The file must be at least `bytes` long, and the covered prefix must end,
 * after a "\n", with a line of the same length and SHA-256 as the last line covered.
 */
export interface PrefixSeal {
  /** Byte length of the covered prefix: it ends with the last covered line's "\n". */
  readonly bytes: number;
  readonly lastLineBytes: number;
  readonly lastLineSha256: string;
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The seal of a prefix `bytes` long whose last line (without its "\n") is `lastLine`. */
export function sealOf(bytes: number, lastLine: string): PrefixSeal {
  return { bytes, lastLineBytes: Buffer.byteLength(lastLine), lastLineSha256: sha256(lastLine) };
}

/**
 * Why the first `seal.bytes` of `fillsPath` are not the prefix sealed, or undefined: two small reads. `fileBytes`
 * is the file's length in whole lines when the caller knows it, else the file's size.
 */
export function prefixMismatch(fillsPath: string, seal: PrefixSeal, fileBytes?: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(fillsPath, "r");
  } catch (e) {
    return `${fillsPath} cannot be read (${(e as Error).message})`;
  }
  try {
    const size = fileBytes ?? fstatSync(fd).size;
    if (size < seal.bytes) return `the file is ${size} bytes, shorter than the ${seal.bytes} covered`;
    // The last covered line, its "\n", and the "\n" before it (none when it is the first line).
    const start = seal.bytes - seal.lastLineBytes - 2;
    if (start < -1) return "the covered prefix is shorter than its last line";
    const buf = Buffer.alloc(seal.lastLineBytes + (start < 0 ? 1 : 2));
    const read = readSync(fd, buf, 0, buf.length, Math.max(0, start));
    const line = buf.subarray(start < 0 ? 0 : 1, buf.length - 1);
    if (read !== buf.length || buf.at(-1) !== 10 || (start >= 0 && buf[0] !== 10))
      return "the covered prefix no longer ends where it did";
    if (sha256(line.toString("utf8")) !== seal.lastLineSha256) return "the last covered line changed";
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The last line before byte `end` (whole lines), without its "\n", read from the end of the file. */
export function lastLineBefore(path: string, end: number): string {
  const fd = openSync(path, "r");
  try {
    for (let size = 4096; ; size *= 4) {
      const start = Math.max(0, end - 1 - size);
      const buf = Buffer.alloc(end - 1 - start);
      readSync(fd, buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(10);
      if (nl !== -1) return buf.toString("utf8", nl + 1);
      if (start === 0) return buf.toString("utf8");
    }
  } finally {
    closeSync(fd);
  }
}

/** A checkpoint file's JSON, or why it cannot be had ("no checkpoint" when there is none). */
export function readCheckpointJson(path: string): { ok: true; raw: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, raw: JSON.parse(readFileSync(path, "utf8")) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === "ENOENT" ? "no checkpoint" : `unreadable: ${(e as Error).message}` };
  }
}

/** Deletes a checkpoint (before a rewrite of the history it covers); no checkpoint is fine. */
export function dropCheckpointFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}
