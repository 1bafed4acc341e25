import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  apply,
  canMove,
  type ExchangeStatus,
  IllegalTransition,
  type JournalEntry,
  journalEntrySchema,
  ORDER_STATES,
  type OrderStateName,
  type OrderUpdate,
  stateOf,
} from "../../src/trading/order-state.js";
import { journalEntry } from "../support/journal-entry.js";

const T0 = 1_000;
const AT = 2_000;

function entryIn(state: OrderStateName, fields: Record<string, unknown> = {}): JournalEntry {
  return journalEntry(state, {
    clientOrderId: "buyer-test",
    bot: "buyer",
    reason: "test",
    intent: { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.01", price: "100" },
    createdAt: T0,
    updatedAt: T0,
    transitions: [{ at: T0, from: null, to: state, note: "test" }],
    ...fields,
  });
}

/** An exchange read that `stateOf` turns into `to`. */
function statusFor(to: OrderStateName, executed = "0.005"): ExchangeStatus {
  const half = { executedQty: new D(executed), cummulativeQuoteQty: new D(executed).mul(100) };
  const none = { executedQty: new D(0), cummulativeQuoteQty: new D(0) };
  const all = { executedQty: new D("0.01"), cummulativeQuoteQty: new D(1) };
  switch (to) {
    case "OPEN":
      return { orderId: "7", status: "NEW", ...none };
    case "PARTIALLY_FILLED":
      return { orderId: "7", status: "PARTIALLY_FILLED", ...half };
    case "FILLED":
      return { orderId: "7", status: "FILLED", ...all };
    case "CANCELED":
      return { orderId: "7", status: "CANCELED", ...none };
    case "PARTIALLY_CANCELED":
      return { orderId: "7", status: "PARTIALLY_CANCELED", ...half };
    default:
      throw new Error(`${to} is not an exchange status`);
  }
}

const EXCHANGE: OrderStateName[] = ["OPEN", "PARTIALLY_FILLED", "FILLED", "CANCELED", "PARTIALLY_CANCELED"];

/** The life the module's header draws, written out edge by edge. */
const LEGAL: [OrderStateName, OrderStateName][] = [
  ...EXCHANGE.map((to): [OrderStateName, OrderStateName] => ["PENDING", to]),
  ["PENDING", "REJECTED"],
  ["PENDING", "UNKNOWN"],
  ["OPEN", "PARTIALLY_FILLED"],
  ["OPEN", "FILLED"],
  ["OPEN", "CANCELED"],
  ["OPEN", "PARTIALLY_CANCELED"],
  ["PARTIALLY_FILLED", "PARTIALLY_FILLED"],
  ["PARTIALLY_FILLED", "FILLED"],
  ["PARTIALLY_FILLED", "CANCELED"],
  ["PARTIALLY_FILLED", "PARTIALLY_CANCELED"],
  ...EXCHANGE.map((to): [OrderStateName, OrderStateName] => ["UNKNOWN", to]),
  ["UNKNOWN", "LOST"],
  ["UNKNOWN", "REJECTED"],
  ...EXCHANGE.map((to): [OrderStateName, OrderStateName] => ["LOST", to]),
];
const isLegal = (from: OrderStateName, to: OrderStateName) => LEGAL.some(([f, t]) => f === from && t === to);

/** The update that asks for `from → to`, for each kind of move. */
function updateFor(from: OrderStateName, to: OrderStateName): OrderUpdate {
  if (EXCHANGE.includes(to)) {
    // The same state again is a repeat, not a move; more fills are a move of PARTIALLY_FILLED onto itself.
    return { kind: "exchange-status", order: statusFor(to, from === to ? "0.007" : "0.005") };
  }
  if (to === "REJECTED") return { kind: "rejected", rejection: { code: 30004, message: "insufficient" } };
  if (to === "UNKNOWN") return { kind: "unknown", note: "timeout" };
  if (to === "LOST") return { kind: "lost", note: "not found 4 times" };
  return { kind: "acknowledged", orderId: "7" };
}

describe("order state machine", () => {
  it("canMove knows exactly the edges of the drawn life", () => {
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) expect(canMove(from, to), `${from} → ${to}`).toBe(isLegal(from, to));
    }
  });

  it.each(LEGAL)("%s → %s is applied, recorded and stays a valid stored entry", (from, to) => {
    const before = entryIn(from);
    const snapshot = structuredClone(before);
    const after = apply(before, updateFor(from, to), AT);
    expect(after.state).toBe(to);
    expect(after.updatedAt).toBe(AT);
    expect(after.transitions.at(-1)).toMatchObject({ at: AT, from, to });
    expect(after.transitions).toHaveLength(2);
    expect(before).toEqual(snapshot);
    expect(journalEntrySchema.parse(after)).toEqual(after);
  });

  // Every pair the life forbids that some update can ask for (nothing leads back to PENDING; an exchange status
  // equal to the current state is a repeat, tested below).
  const illegal = ORDER_STATES.flatMap((from) =>
    ORDER_STATES.filter(
      (to) => to !== "PENDING" && !isLegal(from, to) && !(from === to && EXCHANGE.includes(to)),
    ).map((to): [OrderStateName, OrderStateName] => [from, to]),
  );

  it.each(illegal)("%s → %s throws IllegalTransition and changes nothing", (from, to) => {
    const before = entryIn(from);
    const snapshot = structuredClone(before);
    const run = () => apply(before, updateFor(from, to), AT);
    expect(run).toThrow(IllegalTransition);
    try {
      run();
    } catch (err) {
      expect(err).toMatchObject({ clientOrderId: "buyer-test", from, to });
      expect((err as Error).message).toMatch(/cannot go from/);
    }
    expect(before).toEqual(snapshot);
  });

  it("acknowledged: PENDING → OPEN with the exchange's id; from any other state it is illegal", () => {
    const open = apply(entryIn("PENDING"), { kind: "acknowledged", orderId: "42" }, AT);
    expect(open).toMatchObject({ state: "OPEN", orderId: "42", executedQty: "0" });
    expect(open.transitions.at(-1)?.note).toBe("acknowledged");
    for (const s of ORDER_STATES.filter((x) => x !== "PENDING")) {
      expect(() => apply(entryIn(s), { kind: "acknowledged", orderId: "42" }, AT)).toThrow(IllegalTransition);
    }
  });

  it("exchange-status: a repeat is the same object; new amounts without a move patch without a transition", () => {
    const open = entryIn("OPEN", { orderId: "7" });
    expect(apply(open, { kind: "exchange-status", order: statusFor("OPEN") }, AT)).toBe(open);
    const corrected = apply(
      open,
      { kind: "exchange-status", order: { ...statusFor("OPEN"), orderId: "8" } },
      AT,
    );
    expect(corrected).toMatchObject({ state: "OPEN", orderId: "8", updatedAt: AT });
    expect(corrected.transitions).toHaveLength(1);
    const more = apply(
      entryIn("PARTIALLY_FILLED"),
      { kind: "exchange-status", order: statusFor("PARTIALLY_FILLED", "0.008") },
      AT,
    );
    expect(more.transitions.at(-1)?.note).toBe("filled 0.008");
  });

  it("exchange-status: a NEW with fills is PARTIALLY_FILLED, a CANCELED with fills PARTIALLY_CANCELED", () => {
    expect(stateOf({ status: "NEW", executedQty: new D("0.1") })).toBe("PARTIALLY_FILLED");
    expect(stateOf({ status: "CANCELED", executedQty: new D("0.1") })).toBe("PARTIALLY_CANCELED");
    expect(stateOf({ status: "CANCELED", executedQty: new D(0) })).toBe("CANCELED");
  });

  it("exchange-status: the note names the read, the status and the fill; a resolved doubt keeps its history", () => {
    const unknown = entryIn("UNKNOWN", { unknownSince: T0, notFound: 2 });
    const filled = apply(
      unknown,
      { kind: "exchange-status", order: statusFor("FILLED"), note: "found by lookup" },
      AT,
    );
    expect(filled).toMatchObject({ state: "FILLED", orderId: "7", unknownSince: T0, notFound: 2 });
    expect(filled.transitions.at(-1)?.note).toBe("found by lookup: FILLED, filled 0.01");
  });

  it("a stale read is told apart from a contradiction", () => {
    const stale = () => apply(entryIn("FILLED"), { kind: "exchange-status", order: statusFor("OPEN") }, AT);
    expect(stale).toThrow(expect.objectContaining({ stale: true }));
    const back = () =>
      apply(entryIn("PARTIALLY_FILLED"), { kind: "exchange-status", order: statusFor("OPEN") }, AT);
    expect(back).toThrow(expect.objectContaining({ stale: true }));
    const contradiction = () =>
      apply(entryIn("CANCELED"), { kind: "exchange-status", order: statusFor("FILLED") }, AT);
    expect(contradiction).toThrow(expect.objectContaining({ stale: false }));
    const afterRejection = () =>
      apply(entryIn("REJECTED"), { kind: "exchange-status", order: statusFor("OPEN") }, AT);
    expect(afterRejection).toThrow(expect.objectContaining({ stale: false }));
  });

  it("rejected: carries the exchange's word, no order id", () => {
    const r = apply(
      entryIn("PENDING"),
      { kind: "rejected", rejection: { code: 30004, message: "no funds" } },
      AT,
    );
    expect(r).toMatchObject({ state: "REJECTED", rejection: { code: 30004, message: "no funds" } });
    expect(r.orderId).toBeUndefined();
    expect(r.transitions.at(-1)?.note).toBe("rejected: no funds");
  });

  it("unknown: PENDING → UNKNOWN since now; only from PENDING", () => {
    const u = apply(entryIn("PENDING"), { kind: "unknown", note: "outcome unknown (network)" }, AT);
    expect(u).toMatchObject({ state: "UNKNOWN", unknownSince: AT, notFound: 0 });
    expect(() => apply(u, { kind: "unknown", note: "again" }, AT)).toThrow(IllegalTransition);
  });

  it("not-found: a PENDING becomes UNKNOWN; UNKNOWN and LOST count; anything else is illegal", () => {
    const u = apply(entryIn("PENDING"), { kind: "not-found" }, AT);
    expect(u).toMatchObject({ state: "UNKNOWN", notFound: 1, unknownSince: AT });
    expect(u.transitions.at(-1)?.note).toBe("not found after a restart");
    const again = apply(u, { kind: "not-found" }, AT + 1);
    expect(again).toMatchObject({ state: "UNKNOWN", notFound: 2, unknownSince: AT, updatedAt: AT + 1 });
    expect(again.transitions).toHaveLength(u.transitions.length);
    const lost = entryIn("LOST", { unknownSince: T0, notFound: 4 });
    expect(apply(lost, { kind: "not-found" }, AT)).toMatchObject({ state: "LOST", notFound: 5 });
    for (const s of [...EXCHANGE, "REJECTED" as const]) {
      expect(() => apply(entryIn(s), { kind: "not-found" }, AT)).toThrow(IllegalTransition);
    }
  });

  it("lost: UNKNOWN → LOST counting the last not-found, keeping since when", () => {
    const lost = apply(
      entryIn("UNKNOWN", { unknownSince: T0, notFound: 3 }),
      { kind: "lost", note: "gone" },
      AT,
    );
    expect(lost).toMatchObject({ state: "LOST", notFound: 4, unknownSince: T0 });
    expect(() => apply(entryIn("PENDING"), { kind: "lost", note: "gone" }, AT)).toThrow(IllegalTransition);
  });

  it("expiry-set: a resting order gets its expiry without a transition; others cannot", () => {
    const open = entryIn("OPEN");
    const given = apply(open, { kind: "expiry-set", expiresAt: 9_000 }, AT);
    expect(given).toMatchObject({ state: "OPEN", expiresAt: 9_000 });
    expect(given.transitions).toHaveLength(1);
    expect(() => apply(entryIn("FILLED"), { kind: "expiry-set", expiresAt: 9_000 }, AT)).toThrow(
      IllegalTransition,
    );
  });
});
