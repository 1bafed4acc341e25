import { describe, expect, it } from "vitest";
import { attribute, botOfFill, type OrderJournalView } from "../../src/portfolio/attribution.js";

/** A journal that knows two orders of ours on ADAUSDT. */
const journal: OrderJournalView = {
  clientOrderIdOf: (symbol, orderId) =>
    symbol === "ADAUSDT"
      ? ({ a1: "pnl-000000001aaaaaa", b2: "alts-000000002bbbbbb" } as Record<string, string>)[orderId]
      : undefined,
};

describe("attribute", () => {
  it("takes the journal's client id when myTrades names none (MEXC's documented null) or an empty one", () => {
    for (const clientOrderId of [null, "", undefined]) {
      expect(attribute({ symbol: "ADAUSDT", orderId: "a1", clientOrderId }, journal)).toEqual({
        bot: "pnl",
        clientOrderId: "pnl-000000001aaaaaa",
      });
    }
  });

  it("keeps the journal's word when the exchange names another id, and says so", () => {
    expect(
      attribute({ symbol: "ADAUSDT", orderId: "a1", clientOrderId: "scanner-000000009zzzzzz" }, journal),
    ).toEqual({ bot: "pnl", clientOrderId: "pnl-000000001aaaaaa", disagreed: "scanner-000000009zzzzzz" });
    expect(
      attribute({ symbol: "ADAUSDT", orderId: "a1", clientOrderId: "pnl-000000001aaaaaa" }, journal),
    ).toEqual({ bot: "pnl", clientOrderId: "pnl-000000001aaaaaa" });
  });

  it("an order the journal does not know is manual, unless the exchange names a client id of ours", () => {
    expect(attribute({ symbol: "ADAUSDT", orderId: "x9", clientOrderId: null }, journal)).toEqual({
      bot: "manual",
    });
    expect(attribute({ symbol: "ADAUSDT", orderId: "x9", clientOrderId: "web-123" }, journal)).toEqual({
      bot: "manual",
      clientOrderId: "web-123",
    });
    // Same order id on another symbol: not that order.
    expect(attribute({ symbol: "ETHUSDT", orderId: "a1", clientOrderId: null }, journal)).toEqual({
      bot: "manual",
    });
    // A journal restored from an older backup misses some of our orders; the exchange still has our id.
    expect(
      attribute({ symbol: "ADAUSDT", orderId: "x9", clientOrderId: "buyer-000000003cccccc" }, journal),
    ).toEqual({ bot: "buyer", clientOrderId: "buyer-000000003cccccc" });
  });

  it("without a journal, the exchange's client id alone decides", () => {
    expect(attribute({ symbol: "ADAUSDT", orderId: "a1", clientOrderId: null }, undefined)).toEqual({
      bot: "manual",
    });
    expect(
      attribute({ symbol: "ADAUSDT", orderId: "a1", clientOrderId: "alts-000000002bbbbbb" }, undefined),
    ).toEqual({ bot: "alts", clientOrderId: "alts-000000002bbbbbb" });
  });
});

describe("botOfFill", () => {
  it("the kept attribution first, then our client id, then manual", () => {
    expect(botOfFill({ bot: "alts", clientOrderId: "pnl-000000001aaaaaa" })).toBe("alts");
    expect(botOfFill({ clientOrderId: "pnl-000000001aaaaaa" })).toBe("pnl");
    expect(botOfFill({ clientOrderId: "pnl-1" })).toBe("manual");
    expect(botOfFill({})).toBe("manual");
  });
});
