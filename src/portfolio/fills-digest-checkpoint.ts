import { z } from "zod";
import { type FilePrefix, writeAtomically } from "../store/index.js";
import { checkFillJson, type FillJson } from "./fill.js";
import type { FillRef, FillsBlock, Pair } from "./fills-digest.js";
import { dropCheckpointFile, prefixMismatch, readCheckpointJson, sealOf } from "./fills-prefix.js";
import { type CompactIds, TradeIds } from "./trade-ids.js";

/**
 * What FillsDigest keeps of fills.jsonl's first `records` lines, next to it (`fills.jsonl.digest.json`), so a
 * start reads only the lines written since instead of a history that only grows (a million lines cost ~17 s).
 *
 * Whether it still describes the file is checked in O(1), as the cost-basis checkpoint is (fills-prefix.ts):
 * the file is at least `bytes` long, and the covered prefix ends, after a "\n", with a line of the same length and
 * SHA-256 as the last line covered, whose record has the same id. fills.jsonl only
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

/** Writes the checkpoint atomically (temp file, fsync, rename, fsync of the directory); O(ids). */
export function writeDigestCheckpoint(path: string, cover: DigestCover, state: DigestState): void {
  const ids: CompactIds = state.ids.compact();
  const json: CheckpointJson = {
    version: VERSION,
    records: cover.records,
    lines: cover.lines,
    ...sealOf(cover.bytes, cover.lastLine),
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
export const dropDigestCheckpoint = dropCheckpointFile;

export type DigestCheckpointRead =
  | { readonly ok: true; readonly prefix: FilePrefix; readonly state: DigestState }
  | { readonly ok: false; readonly why: string };

/** The checkpoint's digest, if it still describes `fillsPath`'s first bytes; else why not, in words. */
export function readDigestCheckpoint(path: string, fillsPath: string): DigestCheckpointRead {
  const read = readCheckpointJson(path);
  if (!read.ok) return read;
  const raw = read.raw;
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== VERSION) return { ok: false, why: `version ${String(version)}, not ${VERSION}` };
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, why: `malformed: ${parsed.error.issues[0]?.message ?? "?"}` };
  const json = parsed.data;
  const why = prefixMismatch(fillsPath, json);
  if (why !== undefined) return { ok: false, why };
  try {
    return { ok: true, prefix: json, state: stateOf(json) };
  } catch (e) {
    return { ok: false, why: `its digest does not read: ${(e as Error).message}` };
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
