import {
  appendFileSync,
  closeSync,
  constants,
  fsyncSync,
  ftruncateSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** What the store's files share: atomic replacement, the repair of a torn last line, and line errors in words. */

/**
 * Replaces a file atomically and durably: a temp file, fsync'd, renamed over the file, the directory fsync'd, so a
 * crash leaves either the old file or the new one whole.
 */
export function writeAtomically(path: string, text: string): void {
  writeAtomicallyWith(path, (fd) => writeSync(fd, text));
}

/** writeAtomically for content too large for one string: `write` fills the temp file through its descriptor. */
export function writeAtomicallyWith(path: string, write: (fd: number) => void): void {
  replace(path, "w", write, closeSync);
}

/**
 * writeAtomically whose new file stays open for appends: `adopt` gets its descriptor right after the rename and
 * before the directory's fsync, so appends follow the new file whatever happens after the rename. A failure
 * before it leaves the old file as it was.
 */
export function writeAtomicallyKeepingOpen(path: string, text: string, adopt: (fd: number) => void): void {
  const appending = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
  replace(path, appending, (fd) => writeSync(fd, text), adopt);
}

function replace(
  path: string,
  flags: string | number,
  write: (fd: number) => void,
  after: (fd: number) => void,
) {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const fd = openSync(tmp, flags, 0o600);
  try {
    write(fd);
    fsyncSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    closeSync(fd);
    removeQuietly(tmp); // a half-written copy would only hold the space a full disk lacks
    throw e;
  }
  after(fd);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Nothing there, or not removable: the next write truncates it anyway.
  }
}

/** The torn bytes go to `<file>.torn` (on disk first), then the file is cut back to its last whole line. */
export function keepTornTail(path: string, validBytes: number, line: string): void {
  appendFileSync(`${path}.torn`, `${line}\n`, { mode: 0o600 });
  const torn = openSync(`${path}.torn`, "r");
  try {
    fsyncSync(torn);
  } finally {
    closeSync(torn);
  }
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, validBytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A parser's error in one line: zod's message is a JSON dump of every issue, so only the first is told. */
export function describeLineError(e: unknown): string {
  const issues = (e as { issues?: { path?: PropertyKey[]; message?: string }[] }).issues;
  const first = Array.isArray(issues) ? issues[0] : undefined;
  if (first) {
    const key = first.path?.map(String).join(".") || "(the record)";
    const more = issues && issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : "";
    return `${key}: ${(first.message ?? "is invalid").replace(/\s+/g, " ")}${more}`;
  }
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ");
}
