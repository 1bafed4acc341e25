import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";
import { JournalLog } from "../store/journal-log.js";
import { journalEntrySchema } from "../store/journal-schema.js";
import {
  apply,
  FINAL_STATES,
  type JournalEntry,
  type OrderStateName,
  type OrderUpdate,
} from "./order-state.js";

/** Where the journal lives: next to the state file, `journal.jsonl`. */
export function journalPathOf(statePath: string): string {
  return join(dirname(statePath), "journal.jsonl");
}

/** Opens a journal file with the entry schema (also for audits of a journal another process wrote). */
export function journalLogOptions(path: string) {
  return {
    path,
    parse: (j: unknown) => journalEntrySchema.parse(j),
    keyOf: (e: JournalEntry) => e.clientOrderId,
  };
}

export interface OrderChange {
  entry: JournalEntry;
  from: OrderStateName | null;
}

/**
 * The order journal: an append-only file (`journal.jsonl`, store/journal-log.ts) with one line per change, so a
 * change costs one short write and one fdatasync however long the journal is. It reads entries and writes each
 * update as `apply()` computes it; a change of state is logged (one line per move) and announced to listeners once
 * it is on disk. Until issue 15 the journal lived in state.json: at the first start an old journal moves here
 * (state.json is copied aside first) and state.json keeps only the small settings.
 */
export class OrderJournal {
  readonly #log: JournalLog<JournalEntry>;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<(c: OrderChange) => void>();
  readonly #ready: Promise<void>;
  /**
   * The entries not in a final state, in the journal's order: what the follow-up, the checks before an order and
   * the open-order count read many times a minute, while ended entries stay in the journal for days.
   */
  #notFinal = new Map<string, JournalEntry>();

  constructor(store: Store, clock: Clock, log?: Logger) {
    this.#log = JournalLog.open({
      ...journalLogOptions(journalPathOf(store.path)),
      // Not thrown: the change that set it off is on disk, and every change goes on being journaled.
      onCompactionFailed: (err) =>
        log?.error(
          { err, file: "journal.jsonl" },
          "order journal: compaction failed; changes still go to the file as it was (it grows), the next try " +
            "comes once it has grown as much again or at the next start",
        ),
    });
    this.#clock = clock;
    this.#logger = log;
    this.#reindex();
    for (const repair of this.#log.repairs)
      log?.warn({ file: "journal.jsonl", repair }, "order journal repaired");
    this.#ready = this.#migrate(store).catch((err: unknown) => {
      // The entries are in the journal file already; only state.json still holds its old copy, which the next
      // start moves again (the file's copy wins).
      log?.warn(
        { err },
        "order journal: state.json could not forget its old journal; the next start retries",
      );
    });
  }

  /** Why the journal's last compaction failed (the file keeps growing until one succeeds); undefined if it did not. */
  get compactionFailure(): unknown {
    return this.#log.compactionFailure;
  }

  /** Resolves once an old journal in state.json has moved here (at once when there was none). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Entries still in state.json (written before the journal had its own file) move into the file; the line is on
   * disk before state.json forgets the entry, so a crash in between leaves it in both (the file's copy wins), never
   * in neither. state.json is copied to `state.json.before-journal` first, once, for the operator.
   */
  async #migrate(store: Store): Promise<void> {
    const old = Object.values(store.state.journal);
    if (old.length === 0) return;
    const backup = `${store.path}.before-journal`;
    if (!existsSync(backup) && existsSync(store.path)) copyFileSync(store.path, backup);
    for (const e of old) if (!this.#log.entries.has(e.clientOrderId)) this.#log.put(e);
    this.#reindex();
    await store.update((s) => {
      s.journal = {};
    });
    this.#logger?.info(
      { entries: old.length, backup },
      "order journal moved from state.json to journal.jsonl",
    );
  }

  onChange(listener: (c: OrderChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  find(id: string): JournalEntry | undefined {
    return this.#log.entries.get(id);
  }

  get(id: string): JournalEntry {
    const e = this.find(id);
    if (!e) throw new Error(`no journal entry ${id}`);
    return e;
  }

  entries(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    return pick(this.#log.entries.values(), filter);
  }

  /** The entries not in a final state (resting, in doubt, lost), in the order `entries()` lists them. */
  notFinal(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    return pick(this.#notFinal.values(), filter);
  }

  /**
   * Writes a new entry, synchronously (one append and its fdatasync): a check made just before (self-trade) and
   * this write are one synchronous stretch.
   */
  async create(entry: JournalEntry): Promise<void> {
    const known = this.#log.entries.has(entry.clientOrderId);
    this.#log.put(entry);
    // A new key goes last in the journal's order, so last here too; a key written again keeps its old place.
    if (known) this.#reindex();
    else if (!FINAL_STATES.has(entry.state)) this.#notFinal.set(entry.clientOrderId, entry);
    this.#emit(entry.clientOrderId, null);
  }

  /** Applies `update` (IllegalTransition leaves the entry as it was) and returns the entry as written. */
  async update(id: string, update: OrderUpdate): Promise<JournalEntry> {
    const before = this.get(id);
    const after = apply(before, update, this.#clock.now());
    if (after === before) return before;
    const from = before.state;
    const moved = after.transitions.length > before.transitions.length;
    // In place, as before the state machine: an entry handed out earlier (a place outcome) stays current, and the
    // journal keeps holding that one object. If the write fails, the entry is put back as it was.
    const saved = { ...before };
    assignExactly(before, after);
    try {
      this.#log.put(before);
    } catch (err) {
      assignExactly(before, saved);
      throw err;
    }
    if (FINAL_STATES.has(before.state)) this.#notFinal.delete(id);
    // No move leaves a final state (order-state.ts); should one ever, the index is rebuilt in the journal's order.
    else if (!this.#notFinal.has(id)) this.#reindex();
    if (moved) this.#moved(from, before);
    return before;
  }

  /** Forgets ended entries (they went to the archive). An entry that is not final stays: it is still followed. */
  remove(ids: readonly string[]): void {
    this.#log.remove(
      ids.filter((id) => {
        const e = this.find(id);
        return e !== undefined && FINAL_STATES.has(e.state);
      }),
    );
  }

  close(): void {
    this.#log.close();
  }

  #reindex(): void {
    this.#notFinal = new Map();
    for (const [id, e] of this.#log.entries) if (!FINAL_STATES.has(e.state)) this.#notFinal.set(id, e);
  }

  #moved(from: OrderStateName, after: JournalEntry): void {
    const to = after.state;
    this.#logger?.info(
      {
        clientOrderId: after.clientOrderId,
        bot: after.bot,
        symbol: after.intent.symbol,
        side: after.intent.side,
        from,
        to,
        executedQty: after.executedQty,
        note: after.transitions.at(-1)?.note,
      },
      `order ${from} → ${to}`,
    );
    this.#emit(after.clientOrderId, from);
  }

  #emit(id: string, from: OrderStateName | null): void {
    const entry = this.get(id);
    for (const l of this.#listeners) {
      try {
        l({ entry, from });
      } catch (err) {
        this.#logger?.error({ err }, "an order listener threw");
      }
    }
  }
}

function pick(from: Iterable<JournalEntry>, filter?: (e: JournalEntry) => boolean): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const e of from) if (!filter || filter(e)) out.push(e);
  return out;
}

/** Makes `target` hold exactly the fields of `source`. */
function assignExactly(target: JournalEntry, source: JournalEntry): void {
  for (const k of Object.keys(target)) if (!(k in source)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, source);
}
