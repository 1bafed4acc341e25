/**
 * An order's life as a state machine. The journal stores one entry per intent; its state moves only along the
 * edges below, through `apply(entry, update)`, and every move is recorded with its time and why.
 *
 *   PENDING ──ack──▶ OPEN ──▶ PARTIALLY_FILLED ──▶ FILLED
 *      │               │              │
 *      │               └──────────────┴──▶ CANCELED | PARTIALLY_CANCELED
 *      ├──rejected──▶ REJECTED
 *      └──timeout/5xx/reset──▶ UNKNOWN ──lookup found──▶ (any exchange status)
 *                                 └──not found N times over T──▶ LOST ──late find──▶ (any exchange status)
 *
 * PENDING means "written to the journal; the POST may or may not have left". Only a lookup by client id
 * resolves PENDING after a crash and UNKNOWN after an unclear answer; nothing is ever sent twice.
 */
import type { Order } from "../api/index.js";
import {
  type IntentJson,
  intentSchema,
  type JournalEntry,
  type JournalEntryOf,
  journalEntrySchema,
  ORDER_STATES,
  type OrderStateName,
  type Transition,
} from "../store/journal-schema.js";

export {
  type IntentJson,
  intentSchema,
  type JournalEntry,
  type JournalEntryOf,
  journalEntrySchema,
  ORDER_STATES,
  type OrderStateName,
};

const group = (...states: OrderStateName[]): ReadonlySet<OrderStateName> => new Set(states);

/** Ended: no exchange activity can follow. LOST is not final: it is still watched for late fills. */
export const FINAL_STATES = group("FILLED", "CANCELED", "PARTIALLY_CANCELED", "REJECTED");
/** Resting: the order may be on the book and hold funds; followed through openOrders. */
export const LIVE_STATES = group("OPEN", "PARTIALLY_FILLED");
/** The exchange's outcome is not known: looked up by client id until it is. */
export const UNRESOLVED_STATES = group("PENDING", "UNKNOWN", "LOST");
/** Unresolved and not given up: the order may be on the book already, so it counts as if it were. */
export const IN_DOUBT_STATES = group("PENDING", "UNKNOWN");
/**
 * Not settled: resting or in doubt. Such an order holds a slot of risk.maxOpenOrders, may cross a new order of
 * ours, and is what a bot waits for before it buys again. LOST ones do not block new orders.
 */
export const UNSETTLED_STATES = group(...LIVE_STATES, ...IN_DOUBT_STATES);

/** Something traded: part or all of the order filled. */
export const TRADED_STATES = group("PARTIALLY_FILLED", "FILLED", "PARTIALLY_CANCELED");
/** Ended, or given up, with nothing traded as far as we know. */
export const FAILED_STATES = group("REJECTED", "CANCELED", "LOST");

const EXCHANGE_STATES: OrderStateName[] = [
  "OPEN",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PARTIALLY_CANCELED",
];

const EDGES: Record<OrderStateName, readonly OrderStateName[]> = {
  PENDING: [...EXCHANGE_STATES, "REJECTED", "UNKNOWN"],
  OPEN: ["PARTIALLY_FILLED", "FILLED", "CANCELED", "PARTIALLY_CANCELED"],
  PARTIALLY_FILLED: ["PARTIALLY_FILLED", "FILLED", "PARTIALLY_CANCELED", "CANCELED"],
  UNKNOWN: [...EXCHANGE_STATES, "LOST", "REJECTED"],
  LOST: [...EXCHANGE_STATES],
  FILLED: [],
  CANCELED: [],
  PARTIALLY_CANCELED: [],
  REJECTED: [],
};

export function canMove(from: OrderStateName, to: OrderStateName): boolean {
  return EDGES[from].includes(to);
}

export class IllegalTransition extends Error {
  override readonly name = "IllegalTransition";
  constructor(
    readonly clientOrderId: string,
    readonly from: OrderStateName,
    readonly to: OrderStateName,
    readonly update: OrderUpdate["kind"],
  ) {
    super(
      `order ${clientOrderId} cannot go from ${from} to ${to} (${update}): the journal entry is unchanged; ` +
        "if the exchange said so, check the order on MEXC and report the log line",
    );
  }

  /**
   * A status older than what the entry already knows (NEW after PARTIALLY_FILLED, a resting status after a final
   * one): a lagging read whose later word already won. Anything else contradicts the journal.
   */
  get stale(): boolean {
    return LIVE_STATES.has(this.to) && (this.from === "PARTIALLY_FILLED" || EXCHANGE_FINAL.has(this.from));
  }
}

const EXCHANGE_FINAL = group("FILLED", "CANCELED", "PARTIALLY_CANCELED");

/** What the exchange reports of an order: enough to place the entry in its life. */
export type ExchangeStatus = Pick<Order, "orderId" | "status" | "executedQty" | "cummulativeQuoteQty">;

/** Everything that happens to an order, as the order manager learns it. */
export type OrderUpdate =
  /** The POST was answered with the exchange's id. */
  | { kind: "acknowledged"; orderId: string }
  /** A read of the order (fetch, openOrders, lookup by client id). `note` says which. */
  | { kind: "exchange-status"; order: ExchangeStatus; note?: string }
  /** The exchange refused the order, or it never left this process. */
  | { kind: "rejected"; rejection: { code?: number; message: string } }
  /** The answer was lost (timeout, 5xx, reset): the order may exist. */
  | { kind: "unknown"; note: string }
  /** A lookup by client id found nothing (a PENDING after a restart becomes UNKNOWN). */
  | { kind: "not-found" }
  /** Not found often enough over long enough: given up, but still looked up now and then. */
  | { kind: "lost"; note: string }
  /** A resting order gets the time it is cancelled at (adopted orders of an earlier version had none). */
  | { kind: "expiry-set"; expiresAt: number };

/** The exchange's status as a journal state. */
export function stateOf(order: Pick<Order, "status" | "executedQty">): ExchangeStateName {
  switch (order.status) {
    case "NEW":
      return order.executedQty.gt(0) ? "PARTIALLY_FILLED" : "OPEN";
    case "PARTIALLY_FILLED":
      return "PARTIALLY_FILLED";
    case "FILLED":
      return "FILLED";
    case "CANCELED":
      // A cancelled order with fills is partially cancelled, whatever the exchange calls it: record the fills.
      return order.executedQty.gt(0) ? "PARTIALLY_CANCELED" : "CANCELED";
    case "PARTIALLY_CANCELED":
      return "PARTIALLY_CANCELED";
  }
}

/**
 * The entry after `update` at time `at`: a new object (the input is not changed), or the same object when the
 * update tells nothing new (a repeated status). Throws IllegalTransition for a move the life above forbids.
 */
export function apply(entry: JournalEntry, update: OrderUpdate, at: number): JournalEntry {
  const illegal = (to: OrderStateName) =>
    new IllegalTransition(entry.clientOrderId, entry.state, to, update.kind);
  switch (update.kind) {
    case "acknowledged":
      if (entry.state !== "PENDING") throw illegal("OPEN");
      return onExchange(entry, "OPEN", "acknowledged", at, {
        orderId: update.orderId,
        executedQty: entry.executedQty,
        cummulativeQuoteQty: entry.cummulativeQuoteQty,
      });
    case "exchange-status":
      return applyStatus(entry, update.order, update.note ?? "exchange status", at, illegal);
    case "rejected":
      if (!canMove(entry.state, "REJECTED")) throw illegal("REJECTED");
      return {
        ...common(entry),
        ...since(entry),
        state: "REJECTED",
        rejection: update.rejection,
        updatedAt: at,
        transitions: moved(entry, "REJECTED", `rejected: ${update.rejection.message}`, at),
      };
    case "unknown":
      if (entry.state !== "PENDING") throw illegal("UNKNOWN");
      return inDoubt(entry, "UNKNOWN", at, { note: update.note, unknownSince: at });
    case "not-found":
      return applyNotFound(entry, at, illegal);
    case "lost":
      if (entry.state !== "UNKNOWN") throw illegal("LOST");
      return inDoubt(entry, "LOST", at, { note: update.note, notFound: entry.notFound + 1 });
    case "expiry-set":
      if (!LIVE_STATES.has(entry.state)) throw illegal(entry.state);
      return { ...entry, expiresAt: update.expiresAt, updatedAt: at };
  }
}

function applyStatus(
  entry: JournalEntry,
  order: ExchangeStatus,
  note: string,
  at: number,
  illegal: (to: OrderStateName) => IllegalTransition,
): JournalEntry {
  const to = stateOf(order);
  const fields = {
    orderId: order.orderId,
    executedQty: order.executedQty.toFixed(),
    cummulativeQuoteQty: order.cummulativeQuoteQty.toFixed(),
  };
  if (to === entry.state) {
    const same =
      entry.executedQty === fields.executedQty &&
      entry.cummulativeQuoteQty === fields.cummulativeQuoteQty &&
      entry.orderId === fields.orderId;
    if (same) return entry;
    // More fills are a step of the order's life; a corrected id or amount in another state is not.
    if (to === "PARTIALLY_FILLED") return onExchange(entry, to, `filled ${fields.executedQty}`, at, fields);
    return { ...onExchange(entry, to, "", at, fields), transitions: entry.transitions };
  }
  if (!canMove(entry.state, to)) throw illegal(to);
  return onExchange(entry, to, `${note}: ${order.status}, filled ${fields.executedQty}`, at, fields);
}

function applyNotFound(
  entry: JournalEntry,
  at: number,
  illegal: (to: OrderStateName) => IllegalTransition,
): JournalEntry {
  const notFound = entry.notFound + 1;
  if (entry.state === "PENDING") {
    return inDoubt(entry, "UNKNOWN", at, { note: "not found after a restart", notFound, unknownSince: at });
  }
  if (entry.state === "UNKNOWN" || entry.state === "LOST") return { ...entry, notFound, updatedAt: at };
  throw illegal("UNKNOWN");
}

/** The fields every state carries, without those of the state the entry leaves. */
function common(e: JournalEntry) {
  return {
    clientOrderId: e.clientOrderId,
    bot: e.bot,
    reason: e.reason,
    intent: e.intent,
    executedQty: e.executedQty,
    cummulativeQuoteQty: e.cummulativeQuoteQty,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}),
    notFound: e.notFound,
    ...(e.adopted !== undefined ? { adopted: e.adopted } : {}),
    transitions: e.transitions,
  };
}

/** A doubt that was resolved is kept as history: since when the outcome was unknown. */
function since(e: JournalEntry): { unknownSince?: number } {
  return e.unknownSince !== undefined ? { unknownSince: e.unknownSince } : {};
}

function moved(e: JournalEntry, to: OrderStateName, note: string, at: number): Transition[] {
  return [...e.transitions, { at, from: e.state, to, note }];
}

/** The states the exchange itself reports. */
export type ExchangeStateName = "OPEN" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "PARTIALLY_CANCELED";

function onExchange(
  e: JournalEntry,
  to: ExchangeStateName,
  note: string,
  at: number,
  fields: { orderId: string; executedQty: string; cummulativeQuoteQty: string },
): JournalEntry {
  return {
    ...common(e),
    ...since(e),
    ...fields,
    state: to,
    updatedAt: at,
    transitions: moved(e, to, note, at),
  };
}

function inDoubt(
  e: JournalEntry,
  to: "UNKNOWN" | "LOST",
  at: number,
  opts: { note: string; notFound?: number; unknownSince?: number },
): JournalEntry {
  return {
    ...common(e),
    state: to,
    notFound: opts.notFound ?? e.notFound,
    unknownSince: opts.unknownSince ?? e.unknownSince ?? at,
    updatedAt: at,
    transitions: moved(e, to, opts.note, at),
  };
}
