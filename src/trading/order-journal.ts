import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";
import { apply, type JournalEntry, type OrderStateName, type OrderUpdate } from "./order-state.js";

export interface OrderChange {
  entry: JournalEntry;
  from: OrderStateName | null;
}

/**
 * The order journal in the Store: reads entries and writes each update as `apply()` computes it. A change of
 * state is logged (one line per move) and announced to listeners once it is on disk.
 */
export class OrderJournal {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<(c: OrderChange) => void>();

  constructor(store: Store, clock: Clock, log?: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
  }

  onChange(listener: (c: OrderChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  find(id: string): JournalEntry | undefined {
    return this.#store.state.journal[id];
  }

  get(id: string): JournalEntry {
    const e = this.find(id);
    if (!e) throw new Error(`no journal entry ${id}`);
    return e;
  }

  entries(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    const all = Object.values(this.#store.state.journal);
    return filter ? all.filter(filter) : all;
  }

  /**
   * Writes a new entry. The store applies it before the first await, so a check made just before (self-trade)
   * and this write are one synchronous stretch.
   */
  async create(entry: JournalEntry): Promise<void> {
    const written = this.#store.update((s) => {
      s.journal[entry.clientOrderId] = entry;
    });
    await written;
    this.#emit(entry.clientOrderId, null);
  }

  /** Applies `update` (IllegalTransition leaves the entry as it was) and returns the entry as written. */
  async update(id: string, update: OrderUpdate): Promise<JournalEntry> {
    const before = this.get(id);
    const after = apply(before, update, this.#clock.now());
    if (after === before) return before;
    const from = before.state;
    const moved = after.transitions.length > before.transitions.length;
    // In place, as before the state machine: an entry handed out earlier (a place outcome) stays current.
    await this.#store.update((s) => {
      const x = s.journal[id];
      if (!x) return;
      for (const k of Object.keys(x)) if (!(k in after)) delete (x as Record<string, unknown>)[k];
      Object.assign(x, after);
    });
    if (moved) this.#moved(from, this.get(id));
    return this.get(id);
  }

  #moved(from: OrderStateName, after: JournalEntry): void {
    const to = after.state;
    this.#log?.info(
      {
        clientOrderId: after.clientOrderId,
        bot: after.bot,
        symbol: after.intent.symbol,
        side: after.intent.side,
        from,
        to,
        executedQty: after.executedQty,
        note: after.transitions.at(-1)?.note,
      },
      `order ${from} → ${to}`,
    );
    this.#emit(after.clientOrderId, from);
  }

  #emit(id: string, from: OrderStateName | null): void {
    const entry = this.get(id);
    for (const l of this.#listeners) {
      try {
        l({ entry, from });
      } catch (err) {
        this.#log?.error({ err }, "an order listener threw");
      }
    }
  }
}
