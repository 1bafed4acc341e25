import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from "node:fs";
import { z } from "zod";
import { type FilePrefix, writeAtomically } from "../store/index.js";
import { checkFillJson, type FillJson } from "./fill.js";
import type { FillRef, FillsBlock, Pair } from "./fills-digest.js";
import { type CompactIds, TradeIds } from "./trade-ids.js";

/**
 * What FillsDigest keeps of fills.jsonl's first `records` lines, next to it (`fills.jsonl.digest.json`), so a
 * start reads only the lines written since instead of a history that only grows (a million lines cost ~17 s).
 *
 * Whether it still describes the file is checked in O(1), as the cost-basis checkpoint is
 * (cost-book-checkpoint.ts): the file is at least `bytes` long, and the covered prefix ends, after a "\n", with a
 * line of the same length and SHA-256 as the last line covered, whose record has the same id. fills.jsonl only
 * grows by appends; its past changes only by a rewrite, and rewriteFills deletes this file first, so a crash in
 * between leaves no checkpoint, never a stale one. A hand edit inside the prefix that keeps every byte count and
 * the last line is not seen: whoever edits fills.jsonl by hand should delete `fills.jsonl.digest.json` too.
 */
export interface DigestState {
  readonly ids: TradeIds;
  readonly pairs: ReadonlyMap<string, Pair>;
  readonly manual: ReadonlyMap<string, readonly FillRef[]>;
  readonly unattributed: readonly FillRef[];
  readonly firstExchangeFill: ReadonlyMap<string, number>;
  readonly blocks: readonly FillsBlock[];
  /** The last fills, oldest first. */
  readonly recent: readonly FillJson[];
}

/** The prefix covered and its last line, without its "\n". */
export interface DigestCover extends FilePrefix {
  readonly lastLine: string;
}

const VERSION = 1;

const fillRef = z.object({
  id: z.string(),
  symbol: z.string(),
  orderId: z.string(),
  clientOrderId: z.string().optional(),
  source: z.enum(["exchange", "import"]),
  bot: z.string().optional(),
  start: z.number().int().nonnegative(),
});

const checkpointSchema = z.object({
  version: z.literal(VERSION),
  records: z.number().int().positive(),
  bytes: z.number().int().positive(),
  lines: z.number().int().positive(),
  lastLineBytes: z.number().int().nonnegative(),
  lastLineSha256: z.string(),
  lastId: z.string(),
  ids: z.object({ sorted: z.string(), count: z.number().int().nonnegative(), odd: z.array(z.string()) }),
  pairs: z.array(z.object({ symbol: z.string(), base: z.string(), quote: z.string() })),
  manual: z.array(fillRef),
  unattributed: z.array(fillRef),
  firstExchangeFill: z.array(z.tuple([z.string(), z.number()])),
  blocks: z.array(
    z.object({
      start: z.number().int().nonnegative(),
      records: z.number().int().positive(),
      maxTime: z.number(),
    }),
  ),
  recent: z.array(z.unknown()),
});

type CheckpointJson = z.infer<typeof checkpointSchema>;

export function digestCheckpointPath(fillsPath: string): string {
  return `${fillsPath}.digest.json`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Writes the checkpoint atomically (temp file, fsync, rename, fsync of the directory); O(ids). */
export function writeDigestCheckpoint(path: string, cover: DigestCover, state: DigestState): void {
  const ids: CompactIds = state.ids.compact();
  const json: CheckpointJson = {
    version: VERSION,
    records: cover.records,
    bytes: cover.bytes,
    lines: cover.lines,
    lastLineBytes: Buffer.byteLength(cover.lastLine),
    lastLineSha256: sha256(cover.lastLine),
    lastId: (JSON.parse(cover.lastLine) as { id: string }).id,
    ids: { sorted: ids.sorted, count: ids.count, odd: [...ids.odd] },
    pairs: [...state.pairs.values()],
    manual: [...state.manual.values()].flat(),
    unattributed: [...state.unattributed],
    firstExchangeFill: [...state.firstExchangeFill],
    blocks: [...state.blocks],
    recent: [...state.recent],
  };
  writeAtomically(path, JSON.stringify(json));
}

/** Deletes the checkpoint (before a rewrite of the history it covers); no checkpoint is fine. */
export function dropDigestCheckpoint(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

export type DigestCheckpointRead =
  | { readonly ok: true; readonly prefix: FilePrefix; readonly state: DigestState }
  | { readonly ok: false; readonly why: string };

/** The checkpoint's digest, if it still describes `fillsPath`'s first bytes; else why not, in words. */
export function readDigestCheckpoint(path: string, fillsPath: string): DigestCheckpointRead {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === "ENOENT" ? "no checkpoint" : `unreadable: ${(e as Error).message}` };
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== VERSION) return { ok: false, why: `version ${String(version)}, not ${VERSION}` };
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, why: `malformed: ${parsed.error.issues[0]?.message ?? "?"}` };
  const json = parsed.data;
  const why = coverMismatch(json, fillsPath);
  if (why !== undefined) return { ok: false, why };
  try {
    return { ok: true, prefix: json, state: stateOf(json) };
  } catch (e) {
    return { ok: false, why: `its digest does not read: ${(e as Error).message}` };
  }
}

/** Why the file's first `bytes` are not the prefix the checkpoint covered, or undefined: two small reads. */
function coverMismatch(json: CheckpointJson, fillsPath: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(fillsPath, "r");
  } catch (e) {
    return `${fillsPath} cannot be read (${(e as Error).message})`;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < json.bytes) return `the file is ${size} bytes, shorter than the ${json.bytes} covered`;
    // The last covered line, its "\n", and the "\n" before it (none when it is the first line).
    const start = json.bytes - json.lastLineBytes - 2;
    if (start < -1) return "the covered prefix is shorter than its last line";
    const buf = Buffer.alloc(json.lastLineBytes + (start < 0 ? 1 : 2));
    readSync(fd, buf, 0, buf.length, Math.max(0, start));
    const line = buf.subarray(start < 0 ? 0 : 1, buf.length - 1);
    if (buf.at(-1) !== 10 || (start >= 0 && buf[0] !== 10))
      return "the covered prefix no longer ends where it did";
    if (sha256(line.toString("utf8")) !== json.lastLineSha256) return "the last covered line changed";
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The digest as the checkpoint holds it, checked for what a full read would have given. */
function stateOf(json: CheckpointJson): DigestState {
  const recent = json.recent.map(checkFillJson);
  if (recent.at(-1)?.id !== json.lastId) throw new Error(`its last fill is not ${json.lastId}`);
  if (recent.length > json.records) throw new Error("it keeps more recent fills than it covers");
  if (json.blocks.reduce((n, b) => n + b.records, 0) !== json.records)
    throw new Error(`its blocks do not add up to ${json.records} records`);
  const manual = new Map<string, FillRef[]>();
  for (const ref of json.manual) {
    const list = manual.get(ref.symbol);
    if (list) list.push(ref);
    else manual.set(ref.symbol, [ref]);
  }
  return {
    ids: TradeIds.fromCompact(json.ids),
    pairs: new Map(json.pairs.map((p) => [p.symbol, p])),
    manual,
    unattributed: json.unattributed,
    firstExchangeFill: new Map(json.firstExchangeFill),
    blocks: json.blocks,
    recent,
  };
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
