import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { Store } from "../src/store/index.js";
import { ORDER_STATES } from "../src/store/journal-schema.js";
import { tempStatePath } from "./support/exchange.js";

/**
 * Entries exactly as the order manager wrote them before the journal became a union by state: every field in
 * one flat shape, `notFound: 0` everywhere, the doubt's start kept on an order a lookup found.
 */
const intent = { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.001", price: "60000" };
const flat = (id: string, state: string, extra: Record<string, unknown>) => ({
  clientOrderId: id,
  bot: "buyer",
  reason: "balance buy",
  intent,
  state,
  executedQty: "0",
  cummulativeQuoteQty: "0",
  createdAt: 1,
  updatedAt: 2,
  expiresAt: 600_001,
  notFound: 0,
  transitions: [{ at: 1, from: null, to: "PENDING", note: "balance buy" }],
  ...extra,
});

const TODAY = {
  "buyer-pending": flat("buyer-pending", "PENDING", {}),
  "buyer-open": flat("buyer-open", "OPEN", { orderId: "11" }),
  "buyer-partial": flat("buyer-partial", "PARTIALLY_FILLED", {
    orderId: "12",
    executedQty: "0.0005",
    cummulativeQuoteQty: "30",
  }),
  "buyer-filled": flat("buyer-filled", "FILLED", {
    orderId: "13",
    executedQty: "0.001",
    cummulativeQuoteQty: "60",
    notFound: 2,
    unknownSince: 1,
  }),
  "buyer-canceled": flat("buyer-canceled", "CANCELED", { orderId: "14" }),
  "buyer-pcanceled": flat("buyer-pcanceled", "PARTIALLY_CANCELED", { orderId: "15", executedQty: "0.0002" }),
  "buyer-rejected": flat("buyer-rejected", "REJECTED", {
    rejection: { code: 30004, message: "Insufficient" },
  }),
  "buyer-unknown": flat("buyer-unknown", "UNKNOWN", { unknownSince: 1, notFound: 1 }),
  "buyer-lost": flat("buyer-lost", "LOST", { unknownSince: 1, notFound: 4 }),
  "buyer-adopted": {
    ...flat("buyer-adopted", "OPEN", { orderId: "16", adopted: true }),
    transitions: [{ at: 1, from: null, to: "OPEN", note: "adopted at start" }],
  },
  // Before the union every entry could be written without the count (it had a default).
  "buyer-old": (({ notFound: _, ...rest }) => rest)(flat("buyer-old", "FILLED", { orderId: "17" })),
};

describe("the journal's stored form", () => {
  it("a state file written before the union by state loads, every entry as it was", async () => {
    const path = tempStatePath();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, JSON.stringify({ version: 1, createdAt: 1, mode: "sim", journal: TODAY }), {
      mode: 0o600,
    });
    const store = await Store.open({ path, mode: "sim", now: 3 });
    const journal = store.state.journal;
    expect(new Set(Object.values(journal).map((e) => e.state))).toEqual(new Set(ORDER_STATES));
    for (const [id, stored] of Object.entries(TODAY)) {
      expect(journal[id], id).toEqual({ notFound: 0, ...stored });
    }
    await store.close();
  });
});
