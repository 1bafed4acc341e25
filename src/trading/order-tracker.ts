import { isApiError, type Order } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { LeaseBook } from "./lease-book.js";
import type { OrderExecutor } from "./order-executor.js";
import type { OrderJournal } from "./order-journal.js";
import {
  FINAL_STATES,
  IllegalTransition,
  type JournalEntry,
  LIVE_STATES,
  UNRESOLVED_STATES,
} from "./order-state.js";

export interface LookupOptions {
  /** Waits between lookups of an UNKNOWN order, by attempt (ms); the last repeats. */
  backoffMs?: number[];
  /** LOST after at least this many "not found" answers … */
  lostAfterNotFound?: number;
  /** … spread over at least this long (ms). */
  lostAfterMs?: number;
  /** A LOST order is still looked up this often, for late fills (ms). */
  lostRecheckMs?: number;
}

const DEFAULT_BACKOFF = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

export interface TrackerParts {
  journal: OrderJournal;
  executor: OrderExecutor;
  leases: LeaseBook;
  clock: Clock;
  log?: Logger | undefined;
  lookup?: LookupOptions | undefined;
}

/**
 * Follows every order that is not final: resting ones through openOrders (cancelled when their time is up),
 * unresolved ones by lookup by client id with backoff, until "not found" has lasted long enough to call them LOST
 * (still looked up now and then, for late fills).
 */
export class OrderTracker {
  readonly #p: TrackerParts;
  readonly #backoff: number[];
  readonly #lostAfterNotFound: number;
  readonly #lostAfterMs: number;
  readonly #lostRecheckMs: number;
  /** POSTs under way in this process: their PENDING entries are not looked up meanwhile. */
  readonly #inFlight = new Set<string>();
  /** Next lookup time of unresolved entries (in memory: after a restart everything is looked up at once). */
  readonly #nextLookup = new Map<string, number>();
  #polling: Promise<void> | undefined;

  constructor(parts: TrackerParts) {
    this.#p = parts;
    this.#backoff = parts.lookup?.backoffMs ?? DEFAULT_BACKOFF;
    this.#lostAfterNotFound = parts.lookup?.lostAfterNotFound ?? 4;
    this.#lostAfterMs = parts.lookup?.lostAfterMs ?? 60_000;
    this.#lostRecheckMs = parts.lookup?.lostRecheckMs ?? 300_000;
  }

  /** Its POST is under way: not looked up until `sent`. */
  sending(id: string): void {
    this.#inFlight.add(id);
  }

  sent(id: string): void {
    this.#inFlight.delete(id);
  }

  /** An order whose answer was lost: its first lookup waits the first backoff step. */
  unknownSent(id: string): void {
    this.#nextLookup.set(id, this.#p.clock.now() + (this.#backoff[0] ?? 1_000));
  }

  /** At start everything unresolved is looked up at once. */
  lookUpAllNow(): void {
    this.#nextLookup.clear();
  }

  /** One pass over every order that is not final: follow live ones, cancel expired ones, resolve unknown ones. */
  poll(): Promise<void> {
    // Never two passes at once: a slow exchange must not multiply the requests.
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    const { journal, clock } = this.#p;
    const bySymbol = new Map<string, JournalEntry[]>();
    for (const e of journal.notFinal((x) => LIVE_STATES.has(x.state))) {
      bySymbol.set(e.intent.symbol, [...(bySymbol.get(e.intent.symbol) ?? []), e]);
    }
    for (const [symbol, entries] of bySymbol) await this.#followSymbol(symbol, entries);
    for (const e of journal.notFinal((x) => LIVE_STATES.has(x.state) && x.expiresAt !== undefined)) {
      if ((e.expiresAt ?? Infinity) <= clock.now()) await this.#expire(e.clientOrderId);
    }
    const unresolved = journal.notFinal(
      (e) =>
        UNRESOLVED_STATES.has(e.state) && !(e.state === "PENDING" && this.#inFlight.has(e.clientOrderId)),
    );
    for (const e of unresolved) {
      if ((this.#nextLookup.get(e.clientOrderId) ?? 0) <= clock.now()) await this.#lookup(e.clientOrderId);
    }
  }

  /**
   * The earliest instant a pass has work that cannot wait for the next routine one: a resting order's deadline, or
   * an unresolved order's next lookup (now, when none is scheduled). Undefined when nothing has a time.
   */
  nextDueAt(): number | undefined {
    const { journal } = this.#p;
    let due: number | undefined;
    const at = (t: number) => {
      due = due === undefined ? t : Math.min(due, t);
    };
    for (const e of journal.notFinal((x) => LIVE_STATES.has(x.state) && x.expiresAt !== undefined)) {
      at(e.expiresAt ?? Infinity);
    }
    for (const e of journal.notFinal((x) => UNRESOLVED_STATES.has(x.state))) {
      if (e.state === "PENDING" && this.#inFlight.has(e.clientOrderId)) continue;
      at(this.#nextLookup.get(e.clientOrderId) ?? this.#p.clock.now());
    }
    return due;
  }

  /** One openOrders call per symbol follows all our resting orders on it; gone ones are fetched once. */
  async #followSymbol(symbol: string, entries: JournalEntry[]): Promise<void> {
    let open: Order[];
    try {
      open = await this.#p.executor.openOrders(symbol);
    } catch (e) {
      this.#p.log?.warn({ symbol, err: e }, "could not read open orders; will retry");
      return;
    }
    const byClientId = new Map(open.map((o) => [o.clientOrderId ?? "", o]));
    for (const e of entries) {
      const seen = byClientId.get(e.clientOrderId);
      try {
        await this.record(e.clientOrderId, seen ?? (await this.#p.executor.fetch(e)));
      } catch (err) {
        this.#p.log?.warn({ clientOrderId: e.clientOrderId, err }, "could not follow the order; will retry");
      }
    }
  }

  /** Cancels a resting order past its time; the true final state (maybe FILLED: a race) comes from a fetch. */
  async #expire(id: string): Promise<void> {
    const e = this.#p.journal.get(id);
    try {
      await this.#p.executor.cancelOnce(e);
    } catch (err) {
      this.#p.log?.warn({ clientOrderId: id, err }, "could not cancel the expired order; will retry");
      return;
    }
    try {
      await this.record(id, await this.#p.executor.fetch(e), "cancelled after its timeout");
    } catch (err) {
      this.#p.log?.warn(
        { clientOrderId: id, err },
        "could not fetch the order after cancelling it; will retry",
      );
    }
  }

  /**
   * Cancels a resting order and records its final state. Throws only when MEXC did not take the cancel (the order
   * may still rest); once taken, a failed lookup is logged and the follow-up poll reads the final state.
   */
  async cancel(clientOrderId: string, why: string): Promise<void> {
    const e = this.#p.journal.get(clientOrderId);
    if (!LIVE_STATES.has(e.state)) return;
    await this.#p.executor.cancelOnce(e);
    try {
      await this.record(clientOrderId, await this.#p.executor.fetch(e), why);
    } catch (err) {
      this.#p.log?.warn(
        { clientOrderId, err },
        "cancel taken, but the order could not be fetched; the next poll reads its final state",
      );
    }
  }

  /** Looks an unresolved order up by client id; counts "not found" answers until it can be called LOST. */
  async #lookup(id: string): Promise<void> {
    const e = this.#p.journal.get(id);
    let order: Order;
    try {
      order = await this.#p.executor.lookup(e.intent.symbol, id);
    } catch (err) {
      if (!isApiError(err, "unknown-order")) {
        this.#p.log?.warn({ clientOrderId: id, err }, "lookup failed; will retry");
        this.#scheduleLookup(id, e.notFound);
        return;
      }
      await this.#notFound(id);
      return;
    }
    this.#nextLookup.delete(id);
    await this.record(id, order, `found by lookup after ${e.notFound} not-found answer(s)`);
    this.#p.leases.settleFor(id);
  }

  async #notFound(id: string): Promise<void> {
    const { journal, clock } = this.#p;
    const now = clock.now();
    const e = journal.get(id);
    const notFound = e.notFound + 1;
    const since = e.unknownSince ?? now;
    if (e.state === "UNKNOWN" && notFound >= this.#lostAfterNotFound && now - since >= this.#lostAfterMs) {
      const over = Math.round((now - since) / 1000);
      await journal.update(id, { kind: "lost", note: `not found ${notFound} times over ${over} s` });
      this.#p.leases.releaseFor(id);
    } else {
      await journal.update(id, { kind: "not-found" });
    }
    if (journal.get(id).state === "LOST") this.#nextLookup.set(id, now + this.#lostRecheckMs);
    else this.#scheduleLookup(id, notFound);
  }

  #scheduleLookup(id: string, attempt: number): void {
    const wait = this.#backoff[Math.min(attempt, this.#backoff.length - 1)] ?? 30_000;
    this.#nextLookup.set(id, this.#p.clock.now() + wait);
  }

  /**
   * Moves an entry to the state the exchange reports; repeated reports change nothing. A status the order's life
   * forbids leaves the entry as it is: a stale read (NEW after FILLED: the exchange's later word already won) is
   * a warning; a contradiction (FILLED after CANCELED, any status after REJECTED) is logged as an error for the
   * owner to check on MEXC, and the poll goes on.
   */
  async record(id: string, order: Order, note?: string): Promise<void> {
    let entry: JournalEntry;
    try {
      entry = await this.#p.journal.update(id, {
        kind: "exchange-status",
        order,
        ...(note !== undefined ? { note } : {}),
      });
    } catch (err) {
      if (!(err instanceof IllegalTransition)) throw err;
      const data = { clientOrderId: id, from: err.from, to: err.to, status: order.status };
      if (err.stale) this.#p.log?.warn(data, "ignored an out-of-order status");
      else this.#p.log?.error({ ...data, err }, "the exchange contradicts the journal: entry kept as it was");
      return;
    }
    if (FINAL_STATES.has(entry.state)) {
      this.#p.leases.settleFor(id);
      this.#p.executor.ended(id);
    }
  }
}
