import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/store/journal-schema.js";
import { JournalArchive } from "../../src/trading/journal-archive.js";
import { tempStore } from "../support/exchange.js";
import { journalEntry } from "../support/journal-entry.js";

const HOUR = 3_600_000;

function entry(id: string, state: JournalEntry["state"], updatedAt: number): JournalEntry {
  return journalEntry(state, {
    clientOrderId: id,
    bot: "buyer",
    reason: "test",
    intent: { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.001", price: "60000" },
    executedQty: "0",
    cummulativeQuoteQty: "0",
    createdAt: updatedAt,
    updatedAt,
    notFound: 0,
    transitions: [{ at: updatedAt, from: null, to: state, note: "test" }],
  });
}

describe("journal archive", () => {
  it("moves only old final entries out of the state, into a file that survives a restart", async () => {
    const store = await tempStore();
    const now = Date.UTC(2026, 10, 22);
    await store.update((s) => {
      s.journal["buyer-old-filled"] = entry("buyer-old-filled", "FILLED", now - 49 * HOUR);
      s.journal["buyer-old-rejected"] = entry("buyer-old-rejected", "REJECTED", now - 72 * HOUR);
      s.journal["buyer-new-filled"] = entry("buyer-new-filled", "FILLED", now - HOUR);
      s.journal["buyer-old-open"] = entry("buyer-old-open", "OPEN", now - 100 * HOUR);
      s.journal["buyer-old-lost"] = entry("buyer-old-lost", "LOST", now - 100 * HOUR);
    });
    const path = join(mkdtempSync(join(tmpdir(), "mpb-archive-")), "journal-archive.jsonl");
    const archive = JournalArchive.open(path);
    expect(await archive.archive(store, now, 48 * HOUR)).toBe(2);
    expect(Object.keys(store.state.journal).sort()).toEqual([
      "buyer-new-filled",
      "buyer-old-lost",
      "buyer-old-open",
    ]);
    expect(await archive.archive(store, now, 48 * HOUR)).toBe(0);
    expect(
      JournalArchive.open(path)
        .entries.map((e) => e.clientOrderId)
        .sort(),
    ).toEqual(["buyer-old-filled", "buyer-old-rejected"]);
    await store.close();
  });
});
