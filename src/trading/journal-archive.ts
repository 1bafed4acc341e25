import type { Logger } from "../log.js";
import { JsonLinesFile, type Store } from "../store/index.js";
import { type JournalEntry, journalEntrySchema } from "../store/journal-schema.js";
import { FINAL_STATES } from "./order-state.js";

/**
 * Moves ended orders out of state.json into an append-only archive (journal-archive.jsonl). The state file is
 * rewritten whole on every change, so a journal that only grows would make every write slower, week after week.
 * Only final entries move (FILLED, CANCELED, PARTIALLY_CANCELED, REJECTED): nothing follows or looks them up any
 * more, and reconciliation adopts only open orders, so an archived order is never mistaken for a stranger.
 * Appended (and fsync'd) before it is removed from the state: a crash in between leaves a copy in both, never none.
 */
export class JournalArchive {
  readonly #file: JsonLinesFile<JournalEntry>;

  private constructor(file: JsonLinesFile<JournalEntry>) {
    this.#file = file;
  }

  static open(path: string): JournalArchive {
    return new JournalArchive(JsonLinesFile.open(path, (v) => journalEntrySchema.parse(v)));
  }

  get entries(): readonly JournalEntry[] {
    return this.#file.items;
  }

  /** Archives final entries last changed before `now - keepMs`; returns how many moved. */
  async archive(store: Store, now: number, keepMs: number, log?: Logger): Promise<number> {
    const old = Object.values(store.state.journal).filter(
      (e) => FINAL_STATES.has(e.state) && e.updatedAt < now - keepMs,
    );
    if (old.length === 0) return 0;
    this.#file.append(old, (e) => e);
    await store.update((s) => {
      for (const e of old) {
        // Only if unchanged meanwhile: a final entry does not change, but the check costs nothing.
        if (s.journal[e.clientOrderId]?.updatedAt === e.updatedAt) delete s.journal[e.clientOrderId];
      }
    });
    log?.info({ archived: old.length, kept: Object.keys(store.state.journal).length }, "journal archived");
    return old.length;
  }
}
