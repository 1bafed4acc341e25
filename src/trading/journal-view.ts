import type { OrderJournalView } from "../portfolio/attribution.js";
import type { JournalArchive } from "./journal-archive.js";
import type { JournalEntry } from "./order-state.js";

/** The order manager's entries and change feed, all the view needs of it. */
interface ChangeFeed {
  entries(): readonly JournalEntry[];
  onChange(listener: (c: { entry: JournalEntry }) => void): () => void;
}

/**
 * The journal as the ledger sees it: exchange order id → our client order id, over the journal's entries and
 * the archived ones (an order ended more than two days ago is only in journal-archive.jsonl, and old fills are
 * attributed from it at start). Built once, then kept current from the order manager's changes: every order id
 * reaches the journal in a state change (the acknowledgement, a lookup's answer, an adoption), and the listener
 * runs before the ledger's own (registered in that order), so a sync a change triggers already sees the id.
 */
export class JournalView implements OrderJournalView {
  readonly #byOrderId = new Map<string, string>();

  constructor(opts: { archive?: JournalArchive; orders: ChangeFeed }) {
    for (const e of opts.archive?.entries ?? []) this.#note(e);
    for (const e of opts.orders.entries()) this.#note(e);
    opts.orders.onChange(({ entry }) => this.#note(entry));
  }

  clientOrderIdOf(symbol: string, orderId: string): string | undefined {
    return this.#byOrderId.get(key(symbol, orderId));
  }

  #note(e: JournalEntry): void {
    if (e.orderId) this.#byOrderId.set(key(e.intent.symbol, e.orderId), e.clientOrderId);
  }
}

// By symbol too: MEXC's order ids are unique per account as far as anyone has seen, but nothing documents that
// they are across symbols, and a wrong attribution would be silent.
const key = (symbol: string, orderId: string) => `${symbol}\u0000${orderId}`;
