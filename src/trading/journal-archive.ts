import type { Logger } from "../log.js";
import { JsonLinesFile } from "../store/index.js";
import { type JournalEntry, journalEntrySchema } from "../store/journal-schema.js";
import { FINAL_STATES } from "./order-state.js";

/**
 * Moves ended orders out of the journal into an append-only archive (journal-archive.jsonl): the journal keeps what
 * is followed or recent, so its start-up read and its in-memory scans (self-trade check, open count) stay short
 * however long the program runs.
 * Only final entries move (FILLED, CANCELED, PARTIALLY_CANCELED, REJECTED): nothing follows or looks them up any
 * more, and reconciliation adopts only open orders, so an archived order is never mistaken for a stranger.
 * Appended (and fsync'd) before it is removed from the journal: a crash in between leaves a copy in both, never none.
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
  archive(journal: ArchivableJournal, now: number, keepMs: number, log?: Logger): number {
    const old = journal.entries((e) => FINAL_STATES.has(e.state) && e.updatedAt < now - keepMs);
    if (old.length === 0) return 0;
    this.#file.append(old, (e) => e);
    journal.forget(old.map((e) => e.clientOrderId));
    log?.info({ archived: old.length, kept: journal.entries().length }, "journal archived");
    return old.length;
  }
}

/** The journal as the archive needs it: its entries, and forgetting ended ones (the order manager). */
export interface ArchivableJournal {
  entries(filter?: (e: JournalEntry) => boolean): JournalEntry[];
  forget(clientOrderIds: readonly string[]): void;
}
