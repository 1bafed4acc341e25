import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Store } from "../../src/store/index.js";
import { OrderJournal } from "../../src/trading/order-journal.js";
import { FINAL_STATES, type JournalEntry } from "../../src/trading/order-state.js";

/** The journal's index of entries not in a final state must list what a filter over every entry would, in order. */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pending(id: string, at: number): JournalEntry {
  return {
    clientOrderId: id,
    bot: "buyer",
    reason: "test",
    intent: { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.001", price: "50000" },
    state: "PENDING",
    executedQty: "0",
    cummulativeQuoteQty: "0",
    createdAt: at,
    updatedAt: at,
    notFound: 0,
    transitions: [{ at, from: null, to: "PENDING", note: "test" }],
  } as JournalEntry;
}

const byFilter = (j: OrderJournal) =>
  j.entries((e) => !FINAL_STATES.has(e.state)).map((e) => e.clientOrderId);

describe("OrderJournal.notFinal", () => {
  it("follows creations and final moves in the journal's order, and after a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-notfinal-"));
    dirs.push(dir);
    const clock = new VirtualClock(1_000);
    const store = await Store.open({ path: join(dir, "state.json"), mode: "sim", now: clock.now() });
    const journal = new OrderJournal(store, clock);
    for (const id of ["a", "b", "c", "d"]) await journal.create(pending(id, clock.now()));
    await journal.update("b", { kind: "rejected", rejection: { message: "no" } });
    await journal.update("c", { kind: "unknown", note: "timeout" });
    await journal.update("d", { kind: "acknowledged", orderId: "42" });
    expect(journal.notFinal().map((e) => e.clientOrderId)).toEqual(["a", "c", "d"]);
    expect(journal.notFinal().map((e) => e.clientOrderId)).toEqual(byFilter(journal));
    expect(journal.notFinal((e) => e.state === "UNKNOWN").map((e) => e.clientOrderId)).toEqual(["c"]);
    // The same objects the journal holds: an entry handed out stays current.
    expect(journal.notFinal()[0]).toBe(journal.get("a"));
    journal.remove(["b"]);
    journal.close();
    const again = new OrderJournal(store, clock);
    expect(again.notFinal().map((e) => e.clientOrderId)).toEqual(["a", "c", "d"]);
    again.close();
    await store.close();
  });
});
