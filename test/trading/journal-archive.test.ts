import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MexcClient } from "../../src/api/index.js";
import { RealClock } from "../../src/clock.js";
import type { JournalEntry } from "../../src/store/journal-schema.js";
import { JournalArchive } from "../../src/trading/journal-archive.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { tempStore } from "../support/exchange.js";
import { journalEntry, journalOnDisk, writeJournal } from "../support/journal-entry.js";

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
  it("moves only old final entries out of the journal, into a file that survives a restart", async () => {
    const store = await tempStore();
    const now = Date.UTC(2026, 10, 22);
    writeJournal(store.path, [
      entry("buyer-old-filled", "FILLED", now - 49 * HOUR),
      entry("buyer-old-rejected", "REJECTED", now - 72 * HOUR),
      entry("buyer-new-filled", "FILLED", now - HOUR),
      entry("buyer-old-open", "OPEN", now - 100 * HOUR),
      entry("buyer-old-lost", "LOST", now - 100 * HOUR),
    ]);
    const clock = new RealClock();
    const client = new MexcClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", apiSecret: "s", clock });
    const orders = new OrderManager({ client, store, clock, maxOpenOrders: 10 });
    const path = join(mkdtempSync(join(tmpdir(), "mpb-archive-")), "journal-archive.jsonl");
    const archive = JournalArchive.open(path);
    expect(archive.archive(orders, now, 48 * HOUR)).toBe(2);
    const kept = ["buyer-new-filled", "buyer-old-lost", "buyer-old-open"];
    expect(
      orders
        .entries()
        .map((e) => e.clientOrderId)
        .sort(),
    ).toEqual(kept);
    // Forgotten on disk too: the next start does not read them back.
    expect([...journalOnDisk(store.path).keys()].sort()).toEqual(kept);
    expect(archive.archive(orders, now, 48 * HOUR)).toBe(0);
    expect(
      JournalArchive.open(path)
        .entries.map((e) => e.clientOrderId)
        .sort(),
    ).toEqual(["buyer-old-filled", "buyer-old-rejected"]);
    // An entry that is not final is never forgotten, even when asked to.
    orders.forget(["buyer-old-open"]);
    expect(orders.entry("buyer-old-open")).toBeDefined();
    orders.close();
    await store.close();
  });
});
