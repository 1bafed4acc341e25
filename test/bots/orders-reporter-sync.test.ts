import { describe, expect, it } from "vitest";
import { symbolsToSync } from "../../src/bots/orders-reporter.js";
import type { Fill } from "../../src/portfolio/fill.js";
import type { JournalEntry, OrderStateName } from "../../src/store/journal-schema.js";
import { fill } from "../portfolio/helpers.js";
import { journalEntry } from "../support/journal-entry.js";

/** An order of `symbol` in `state` since `at`, with `executed` of it filled; its exchange id is `o-<id>`. */
function order(
  id: string,
  symbol: string,
  state: OrderStateName,
  at: number,
  executed: string,
): JournalEntry {
  return journalEntry(state, {
    clientOrderId: `pnl-${id}`,
    bot: "pnl",
    reason: "test",
    intent: { symbol, side: "BUY", type: "LIMIT", quantity: "3", price: "1" },
    executedQty: executed,
    createdAt: at - 1_000,
    updatedAt: at,
    transitions: [{ at, from: null, to: state, note: "test" }],
    ...(state === "PENDING" || state === "UNKNOWN" || state === "LOST" || state === "REJECTED"
      ? {}
      : { orderId: `o-${id}` }),
  });
}

/** A fill of order `o-<order>` (the helper names a fill's order after the fill's id). */
function fillOf(orderId: string, qty: string, time: number): Fill {
  return {
    ...fill({ id: `t-${orderId}-${qty}`, time, side: "BUY", price: "1", qty, quoteQty: qty }),
    orderId,
  };
}

describe("orders reporter: which symbols to sync before a report", () => {
  const since = 10_000;

  it("skips an order whose fills are all in the ledger, and one that filled nothing", () => {
    const entries = [
      order("1", "ABCUSDT", "FILLED", 20_000, "3"),
      order("2", "XYZUSDT", "CANCELED", 20_000, "0"),
      order("3", "QRSUSDT", "REJECTED", 20_000, "0"),
    ];
    const fills = [fillOf("o-1", "1", 19_500), fillOf("o-1", "2", 19_800)];
    expect([...symbolsToSync(entries, since, () => fills)]).toEqual([]);
  });

  it("syncs a symbol whose order executed more than the ledger holds fills for", () => {
    const entries = [
      order("1", "ABCUSDT", "FILLED", 20_000, "3"),
      order("2", "XYZUSDT", "PARTIALLY_CANCELED", 20_000, "1.5"),
    ];
    const fills = [fillOf("o-1", "1", 19_500), fillOf("o-2", "1.5", 19_500)];
    expect([...symbolsToSync(entries, since, () => fills)]).toEqual(["ABCUSDT"]);
  });

  it("always syncs the symbols of orders still open or in doubt: they may have filled unseen", () => {
    const entries = [
      order("1", "ABCUSDT", "OPEN", 1_000, "0"),
      order("2", "XYZUSDT", "UNKNOWN", 1_000, "0"),
      order("3", "QRSUSDT", "PARTIALLY_FILLED", 1_000, "1"),
    ];
    const fills = [fillOf("o-3", "1", 900)];
    expect([...symbolsToSync(entries, since, () => fills)].sort()).toEqual(["ABCUSDT", "QRSUSDT", "XYZUSDT"]);
  });

  it("ignores orders settled before the period, and reads fills from before the oldest order it checks", () => {
    const entries = [
      order("1", "ABCUSDT", "FILLED", 5_000, "9"),
      order("2", "XYZUSDT", "FILLED", 20_000, "2"),
    ];
    let asked: number | undefined;
    const fills = [fillOf("o-2", "2", 19_000)];
    const out = symbolsToSync(entries, since, (t) => {
      asked = t;
      return fills.filter((f) => f.time >= t);
    });
    expect([...out]).toEqual([]);
    // Created at 19,000, less the slack for the exchange's clock running behind ours.
    expect(asked).toBeLessThan(19_000);
  });
});
