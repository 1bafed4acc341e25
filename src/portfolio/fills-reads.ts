import { writeSync } from "node:fs";
import { JsonLinesFile, writeAtomicallyWith } from "../store/index.js";
import { readLines } from "../store/line-reader.js";
import { type Fill, fillToJson, parseFillJson } from "./fill.js";
import type { FillsDigest } from "./fills-digest.js";
import { digestCheckpointPath, dropDigestCheckpoint } from "./fills-digest-checkpoint.js";

/**
 * The ledger's reads of fills.jsonl that go beyond its digest, streamed line by line: a walk of every fill, the
 * fills of a period, a long tail, and the rare rewrite. Each costs a read of (part of) the file, never memory for
 * all of it. The lines were validated when the digest read them (or written by the ledger itself).
 */

const parseLine = (text: string): Fill => parseFillJson(JSON.parse(text));

/** Every fill, in file order. */
export function forEachFill(digest: FillsDigest, visit: (f: Fill) => void): void {
  JsonLinesFile.scan(digest.path, parseFillJson, visit);
}

/**
 * Fills at or after `time`, in file order. Imports and late trades are not in time order, so every block of lines
 * whose latest trade is at or after `time` is looked at; a report of the last day reads the last blocks only, and
 * the part of them the digest holds in memory is not read again (an hourly report re-parsed up to a block of
 * 1,024 lines from disk).
 */
export function fillsSince(digest: FillsDigest, time: number): Fill[] {
  const out: Fill[] = [];
  const held = digest.firstHeld;
  let first = 0;
  for (const block of digest.blocks) {
    const from = first;
    first += block.records;
    if (block.maxTime < time) continue;
    let left = Math.min(block.records, held - from);
    if (left > 0)
      readLines(
        digest.path,
        (line) => {
          if (line.text === "") return true;
          const f = parseLine(line.text);
          if (f.time >= time) out.push(f);
          return --left > 0;
        },
        block.start,
      );
    if (first > held) for (const f of digest.heldSince(time, from, first)) out.push(f);
  }
  return out;
}

/** The last `n` fills written, newest first. */
export function recentFills(digest: FillsDigest, n: number): Fill[] {
  if (n <= 0) return [];
  if (n <= digest.recentKept || digest.recentKept === digest.records) return digest.recentTail(n).reverse();
  // More than the digest keeps: the file's tail, one pass keeping the last n.
  let tail: Fill[] = [];
  forEachFill(digest, (f) => {
    tail.push(f);
    if (tail.length >= 2 * n) tail = tail.slice(-n);
  });
  return tail.slice(-n).reverse();
}

/**
 * Rewrites fills.jsonl with the lines starting at the given byte offsets changed, atomically (a temp file, fsync'd,
 * renamed over the file, the directory fsync'd: a crash leaves the old file or the new one, whole), streaming. The
 * caller reopens the file: every offset after the first change moves. O(file): for the rare correction of fills
 * already written (attribution), never per fill. The digest's checkpoint is deleted first: a crash after the
 * rename must not leave one describing the old lines (the caller drops the cost basis's the same way).
 */
export function rewriteFills(path: string, changes: ReadonlyMap<number, (f: Fill) => Fill>): void {
  dropDigestCheckpoint(digestCheckpointPath(path));
  writeAtomicallyWith(path, (fd) => {
    let batch: string[] = [];
    let size = 0;
    readLines(path, (line) => {
      if (line.text === "") return true;
      const change = changes.get(line.start);
      const text = change ? JSON.stringify(fillToJson(change(parseLine(line.text)))) : line.text;
      batch.push(text);
      size += text.length + 1;
      if (size > 1 << 22) {
        writeSync(fd, `${batch.join("\n")}\n`);
        batch = [];
        size = 0;
      }
      return true;
    });
    if (batch.length) writeSync(fd, `${batch.join("\n")}\n`);
  });
}
