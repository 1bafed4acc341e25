/**
 * An order's life as a state machine. The journal stores one entry per intent; its status moves only along the
 * edges below, and every move is recorded with its time and why.
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
import { ORDER_STATES, type OrderStateName } from "../store/journal-schema.js";

export { ORDER_STATES, type OrderStateName };

/** States from which no exchange activity can follow. LOST is not final: it is still watched for late fills. */
export const FINAL_STATES: ReadonlySet<OrderStateName> = new Set([
  "FILLED",
  "CANCELED",
  "PARTIALLY_CANCELED",
  "REJECTED",
]);

/** States in which the order may rest on the book and hold funds. */
export const LIVE_STATES: ReadonlySet<OrderStateName> = new Set(["OPEN", "PARTIALLY_FILLED"]);

/** States whose exchange outcome we do not know yet. */
export const UNRESOLVED_STATES: ReadonlySet<OrderStateName> = new Set(["PENDING", "UNKNOWN", "LOST"]);

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
  ) {
    super(
      `order ${clientOrderId} cannot go from ${from} to ${to}: this is a bug, the journal entry is unchanged`,
    );
  }
}

export {
  type IntentJson,
  intentSchema,
  type JournalEntry,
  journalEntrySchema,
} from "../store/journal-schema.js";
