import { appendFileSync } from "node:fs";
import { JournalLog } from "../../src/store/journal-log.js";
import {
  type JournalEntry,
  journalEntrySchema,
  type OrderStateName,
} from "../../src/store/journal-schema.js";
import { journalLogOptions, journalPathOf } from "../../src/trading/order-journal.js";

/**
 * A journal entry in `state` for tests that write entries by hand, with what that state carries filled in as
 * today's code writes it (an exchange order id once on the exchange, the doubt's start while in doubt, the
 * exchange's word when rejected). Parsed through the stored form, so a fixture cannot be an entry the code
 * would never write.
 */
export function journalEntry(state: OrderStateName, fields: Record<string, unknown>): JournalEntry {
  const at = typeof fields.createdAt === "number" ? fields.createdAt : 0;
  const byState: Record<string, unknown> =
    state === "PENDING"
      ? {}
      : state === "REJECTED"
        ? { rejection: { message: "rejected (test)" } }
        : state === "UNKNOWN" || state === "LOST"
          ? { unknownSince: at }
          : { orderId: `${at}` };
  return journalEntrySchema.parse({
    executedQty: "0",
    cummulativeQuoteQty: "0",
    notFound: 0,
    ...byState,
    ...fields,
    state,
  });
}

/**
 * Writes entries into the journal file next to a state file (as a program that ran before would have left them):
 * the next order manager opened on that store reads them. One line per entry, the last line of a key wins.
 */
export function writeJournal(statePath: string, entries: readonly JournalEntry[]): void {
  appendFileSync(journalPathOf(statePath), entries.map((e) => `${JSON.stringify(e)}\n`).join(""), {
    mode: 0o600,
  });
}

/** The journal on disk now, as the next start would read it. */
export function journalOnDisk(statePath: string): ReadonlyMap<string, JournalEntry> {
  return JournalLog.read(journalLogOptions(journalPathOf(statePath)));
}
