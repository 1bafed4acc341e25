import { D } from "../decimal.js";
import { writeAtomically } from "../store/index.js";
import type { BookState, CostBasisWarning, MutablePosition } from "./cost-basis.js";
import { dropCheckpointFile, prefixMismatch, readCheckpointJson, sealOf } from "./fills-prefix.js";

/**
 * The cost-basis book of fills.jsonl's first `records` lines, kept next to it (`fills.jsonl.cost-basis.json`) so a
 * start applies only the fills written since, instead of replaying a history that only grows.
 *
 * Whether it still describes the file is checked in O(1), without reading the history again (that read is the
 * cost the checkpoint exists to avoid): the file must be at least `bytes` long, and the covered prefix must end
 * with a line of the same length and SHA-256 as the last line the checkpoint covered, whose record has the same
 * id. fills.jsonl only grows by appends; the one way its past changes is a rewrite (attribution of old fills),
 * and the ledger deletes the checkpoint before any rewrite, so a crash in between leaves no checkpoint, never a
 * stale one. What this check does not see is a hand edit inside the prefix that keeps every byte count and the
 * last line: whoever edits the file by hand should delete the checkpoint, or run `npm run pnl -- --replay`.
 */
export interface CheckpointCover {
  /** Records (non-empty lines) covered. */
  readonly records: number;
  /** Byte length of the covered prefix: it ends with the last covered line's "\n". */
  readonly bytes: number;
  /** The last covered line, without its "\n", and its record's id. */
  readonly lastLine: string;
  readonly lastId: string;
}

const VERSION = 1;

interface CheckpointJson {
  version: number;
  records: number;
  bytes: number;
  lastLineBytes: number;
  lastLineSha256: string;
  lastId: string;
  state: StateJson;
}

type PositionJson = Omit<
  MutablePosition,
  "quantity" | "totalCost" | "avgCost" | "realizedPnl" | "feesUsd" | "unmatchedQty" | "unmatchedProceeds"
> &
  Record<
    "quantity" | "totalCost" | "realizedPnl" | "feesUsd" | "unmatchedQty" | "unmatchedProceeds",
    string
  > & {
    avgCost: string | null;
  };

interface StateJson {
  positions: [string, Omit<PositionJson, "warnings">][];
  byDay: [string, string][];
  byBot: [string, string][];
  /** Each position's warnings are those of the book whose `asset` is the position's. */
  warnings: Record<string, unknown>[];
  last: { time: number; id: string } | null;
}

export function checkpointPath(fillsPath: string): string {
  return `${fillsPath}.cost-basis.json`;
}

/** Writes the checkpoint atomically (temp file, fsync, rename, fsync of the directory). */
export function writeCheckpoint(path: string, cover: CheckpointCover, state: BookState): void {
  const json: CheckpointJson = {
    version: VERSION,
    records: cover.records,
    ...sealOf(cover.bytes, cover.lastLine),
    lastId: cover.lastId,
    state: stateToJson(state),
  };
  writeAtomically(path, JSON.stringify(json));
}

/** Deletes the checkpoint (before a rewrite of the history it covers); no checkpoint is fine. */
export const dropCheckpoint = dropCheckpointFile;

export type CheckpointRead =
  | { readonly ok: true; readonly records: number; readonly bytes: number; readonly state: BookState }
  | { readonly ok: false; readonly why: string };

/**
 * The checkpoint's book, if it still describes `fillsPath`: `fileBytes` is the file's length in whole lines,
 * `idAt(i)` the id of record i (0-based) when the caller has it at hand.
 */
export function readCheckpoint(
  path: string,
  fillsPath: string,
  fileBytes: number,
  idAt?: (record: number) => string | undefined,
): CheckpointRead {
  const read = readCheckpointJson(path);
  if (!read.ok) return read;
  const json = read.raw as CheckpointJson;
  if (json.version !== VERSION) return { ok: false, why: `version ${json.version}, not ${VERSION}` };
  const why = prefixMismatch(fillsPath, json, fileBytes);
  if (why !== undefined) return { ok: false, why };
  const id = idAt?.(json.records - 1);
  if (idAt && id !== json.lastId)
    return { ok: false, why: `record ${json.records} is ${id}, not ${json.lastId}` };
  try {
    return { ok: true, records: json.records, bytes: json.bytes, state: stateFromJson(json.state) };
  } catch (e) {
    return { ok: false, why: `its book does not read: ${(e as Error).message}` };
  }
}

const DECIMAL_KEYS = ["qty", "proceeds", "price"] as const;

function stateToJson(s: BookState): StateJson {
  return {
    positions: [...s.positions].map(([asset, p]) => [
      asset,
      {
        quantity: p.quantity.toString(),
        totalCost: p.totalCost.toString(),
        avgCost: p.avgCost === undefined ? null : p.avgCost.toString(),
        realizedPnl: p.realizedPnl.toString(),
        feesUsd: p.feesUsd.toString(),
        fills: p.fills,
        unmatchedQty: p.unmatchedQty.toString(),
        unmatchedProceeds: p.unmatchedProceeds.toString(),
      },
    ]),
    byDay: [...s.byDay].map(([k, v]) => [k, v.toString()]),
    byBot: [...s.byBot].map(([k, v]) => [k, v.toString()]),
    warnings: s.warnings.map((w) => {
      const out: Record<string, unknown> = { ...w };
      for (const k of DECIMAL_KEYS) if (out[k] instanceof D) out[k] = (out[k] as D).toString();
      return out;
    }),
    last: s.last ?? null,
  };
}

function stateFromJson(j: StateJson): BookState {
  const warnings = j.warnings.map((w) => {
    const out: Record<string, unknown> = { ...w };
    for (const k of DECIMAL_KEYS) if (typeof out[k] === "string") out[k] = new D(out[k] as string);
    return out as unknown as CostBasisWarning;
  });
  const positions = new Map<string, MutablePosition>();
  for (const [asset, p] of j.positions) {
    positions.set(asset, {
      quantity: new D(p.quantity),
      totalCost: new D(p.totalCost),
      avgCost: p.avgCost === null ? undefined : new D(p.avgCost),
      realizedPnl: new D(p.realizedPnl),
      feesUsd: new D(p.feesUsd),
      fills: p.fills,
      unmatchedQty: new D(p.unmatchedQty),
      unmatchedProceeds: new D(p.unmatchedProceeds),
      warnings: warnings.filter((w) => w.asset === asset),
    });
  }
  return {
    positions,
    byDay: new Map(j.byDay.map(([k, v]) => [k, new D(v)])),
    byBot: new Map(j.byBot.map(([k, v]) => [k, new D(v)])),
    warnings,
    last: j.last ?? undefined,
  };
}
