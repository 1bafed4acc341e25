import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Logger } from "../../src/log.js";
import { Store } from "../../src/store/index.js";
import { OrderJournal } from "../../src/trading/order-journal.js";
import type { JournalEntry } from "../../src/trading/order-state.js";
import { journalOnDisk } from "../support/journal-entry.js";

/**
 * A compaction of the order journal that fails (disk full, directory not writable) must not stop the journal: the
 * fills and cancels of resting orders go on being written, and the change that set it off (on disk already) stays.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pending(id: string, at: number): JournalEntry {
  return {
    clientOrderId: id,
    bot: "buyer",
    reason: "test",
    intent: { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.01", price: "100" },
    state: "PENDING",
    executedQty: "0",
    cummulativeQuoteQty: "0",
    createdAt: at,
    updatedAt: at,
    notFound: 0,
    transitions: [{ at, from: null, to: "PENDING", note: "test" }],
  };
}

function recordingLog(errors: string[]): Logger {
  const quiet = () => {};
  return {
    error: (_o: unknown, msg: string) => errors.push(msg),
    warn: quiet,
    info: quiet,
  } as unknown as Logger;
}

describe("the order journal when its compaction fails", () => {
  it("keeps the update that set it off, logs an error, and journals the fills and orders after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-jcompact-"));
    dirs.push(dir);
    const clock = new VirtualClock(1_000);
    const statePath = join(dir, "state.json");
    const store = await Store.open({ path: statePath, mode: "sim", now: clock.now() });
    const errors: string[] = [];
    const journal = new OrderJournal(store, clock, recordingLog(errors));
    await journal.create(pending("buyer-a", clock.now()));
    await journal.update("buyer-a", { kind: "acknowledged", orderId: "7" });
    // The temp file's place taken by a directory: the compaction cannot write it, whoever runs the test (root too).
    const blocker = join(dir, ".journal.jsonl.tmp");
    mkdirSync(blocker);
    // One entry: the compaction is due past 4 + 1,000 lines.
    let expiresAt = 0;
    while (errors.length === 0) {
      expect(expiresAt, "no compaction was tried").toBeLessThan(1_100);
      expiresAt++;
      await journal.update("buyer-a", { kind: "expiry-set", expiresAt });
    }
    expect(errors[0]).toMatch(/compaction failed/);
    expect(journal.compactionFailure).toBeDefined();
    expect(journal.get("buyer-a").expiresAt).toBe(expiresAt);
    expect(journalOnDisk(statePath).get("buyer-a")?.expiresAt).toBe(expiresAt);
    // The resting order fills: still journaled.
    const fill = {
      orderId: "7",
      status: "FILLED" as const,
      executedQty: new D("0.01"),
      cummulativeQuoteQty: new D(1),
    };
    await journal.update("buyer-a", { kind: "exchange-status", order: fill });
    expect(journal.get("buyer-a").state).toBe("FILLED");
    // And a new order is written as ever.
    await journal.create(pending("buyer-b", clock.now()));
    journal.close();
    rmdirSync(blocker);
    const again = new OrderJournal(store, clock, recordingLog(errors));
    expect(again.get("buyer-a")).toMatchObject({ state: "FILLED", executedQty: "0.01", expiresAt });
    expect(again.compactionFailure).toBeUndefined();
    expect(again.get("buyer-b").state).toBe("PENDING");
    expect(errors).toHaveLength(1);
    again.close();
    await store.close();
  });
});
