import { type ApiError, checkOrder, isApiError, type MexcClient } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";
import { newClientOrderId } from "./client-id.js";
import { LeaseBook } from "./lease-book.js";
import { isDefiniteNo, NotSent, OrderExecutor } from "./order-executor.js";
import { intentOf, type OrderIntent, orderOf, requestOf } from "./order-intent.js";
import { type OrderChange, OrderJournal } from "./order-journal.js";
import { OrderReconciler } from "./order-reconciler.js";
import { type JournalEntry, LIVE_STATES, UNSETTLED_STATES } from "./order-state.js";
import { type LookupOptions, OrderTracker } from "./order-tracker.js";
import { selfTradeRefusal } from "./self-trade.js";
import type { Treasury } from "./treasury.js";

/** The shortest wait between two follow-up passes when a deadline brings one forward (app.ts follows every 5 s). */
export const FOLLOW_FLOOR_MS = 5_000;

export type { OrderIntent } from "./order-intent.js";
export type { OrderChange } from "./order-journal.js";

export type PlaceOutcome =
  /** Not sent: nothing to resolve. */
  | { kind: "refused"; reason: string }
  /** Sent and answered; `entry.state` tells how far it got (OPEN, FILLED, …). */
  | { kind: "placed"; entry: JournalEntry }
  /** The exchange said no. */
  | { kind: "rejected"; entry: JournalEntry; error: ApiError }
  /** The answer was lost: the order may exist. It is being looked up; never resent. */
  | { kind: "unknown"; entry: JournalEntry };

export interface OrderManagerOptions {
  client: MexcClient;
  store: Store;
  clock: Clock;
  treasury?: Treasury;
  log?: Logger;
  maxOpenOrders: number;
  /** How unknown outcomes are resolved. */
  lookup?: LookupOptions;
  /**
   * The order timeout (ms) of the bot a client id names, given to orders adopted at start so they are cancelled
   * like that bot's own; undefined for a bot whose orders do not time out (or an unknown bot).
   */
  timeoutMsOf?: (bot: string) => number | undefined;
}

/**
 * Places, follows and resolves every order of every bot. The journal entry is on disk before the request leaves;
 * an unclear answer makes the order UNKNOWN, and only a lookup by client id resolves it. Nothing is resent.
 * The work is done by the journal (persistence), the executor (the exchange), the tracker (follow-up) and the
 * reconciler (start-up); this class accepts intents, checks them once, and holds the kill switch and the stop.
 */
export class OrderManager {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #maxOpen: number;
  readonly #journal: OrderJournal;
  readonly #executor: OrderExecutor;
  readonly #leases: LeaseBook;
  readonly #tracker: OrderTracker;
  readonly #reconciler: OrderReconciler;
  /** Set once the program stops: from then on no new order leaves, whatever the bot (issue 13, defect 2). */
  #stopping: string | undefined;

  constructor(opts: OrderManagerOptions) {
    this.#store = opts.store;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#maxOpen = opts.maxOpenOrders;
    this.#journal = new OrderJournal(opts.store, opts.clock, opts.log);
    this.#executor = new OrderExecutor(opts.client);
    this.#leases = new LeaseBook(opts.treasury);
    const parts = { journal: this.#journal, executor: this.#executor, clock: opts.clock, log: opts.log };
    this.#tracker = new OrderTracker({ ...parts, leases: this.#leases, lookup: opts.lookup });
    this.#reconciler = new OrderReconciler({
      ...parts,
      tracker: this.#tracker,
      timeoutMsOf: opts.timeoutMsOf ?? (() => undefined),
    });
  }

  /** Called after every state change, once it is on disk. */
  onChange(listener: (c: OrderChange) => void): () => void {
    return this.#journal.onChange(listener);
  }

  entry(clientOrderId: string): JournalEntry | undefined {
    return this.#journal.find(clientOrderId);
  }

  entries(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    return this.#journal.entries(filter);
  }

  /** The entries not in a final state, as `entries` lists them: what a filter on live or unsettled states keeps. */
  notFinal(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    return this.#journal.notFinal(filter);
  }

  /** Forgets ended orders once the archive has them (journal-archive.ts); an order still followed is kept. */
  forget(clientOrderIds: readonly string[]): void {
    this.#journal.remove(clientOrderIds);
  }

  /** Closes the journal file; the manager places nothing after this. */
  close(): void {
    this.#journal.close();
  }

  /** Orders that may hold a slot: resting, or not yet known. LOST ones do not block new orders. */
  openCount(): number {
    return this.notFinal((e) => UNSETTLED_STATES.has(e.state)).length;
  }

  get killSwitchActive(): boolean {
    return this.#store.state.killSwitch.active;
  }

  /**
   * The program is stopping: every later `place` is refused with `reason`, which the bot's decision line shows.
   * A bot's run may be past its own abort checks (a scan that finished, a decision made), so the order manager is
   * the last place the stop is enforced. Orders already sent are followed and resolved as usual. Not persisted.
   */
  refuseNewOrders(reason: string): void {
    this.#stopping ??= reason;
  }

  async place(intent: OrderIntent): Promise<PlaceOutcome> {
    // The stop, the kill switch and the open-order limit are looked at again after the last await (the symbol
    // rules): any of them may have changed meanwhile. That second look, the self-trade check and the write of the
    // new PENDING entry are one synchronous stretch (the journal counts the entry at once), so an order counts
    // against risk.maxOpenOrders from the moment it passes: two bots placing together cannot both take one slot.
    const refusal =
      this.#closed() ??
      (await this.#rulesRefusal(intent)) ??
      this.#closed() ??
      selfTradeRefusal(intent, this.notFinal());
    if (refusal) {
      this.#log?.info(
        { bot: intent.bot, symbol: intent.symbol, side: intent.side, reason: refusal },
        "order refused before sending",
      );
      this.#leases.release(intent.lease);
      return { kind: "refused", reason: refusal };
    }
    const now = this.#clock.now();
    const id = newClientOrderId(intent.bot, now);
    const entry: JournalEntry = {
      clientOrderId: id,
      bot: intent.bot,
      reason: intent.reason,
      intent: intentOf(orderOf(intent)),
      state: "PENDING",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: now,
      updatedAt: now,
      ...(intent.timeoutMs ? { expiresAt: now + intent.timeoutMs } : {}),
      notFound: 0,
      transitions: [{ at: now, from: null, to: "PENDING", note: intent.reason }],
    };
    this.#tracker.sending(id);
    this.#leases.hold(id, intent.lease);
    try {
      try {
        // On disk before the request leaves: a crash from here on is resolved by lookup at the next start.
        await this.#journal.create(entry);
      } catch (e) {
        this.#leases.releaseFor(id); // not written, so never sent: the funds are free again
        throw e;
      }
      return await this.#send(id, intent);
    } finally {
      this.#tracker.sent(id);
    }
  }

  async #send(id: string, intent: OrderIntent): Promise<PlaceOutcome> {
    let ackOrderId: string;
    try {
      // The last gate: the stop and the kill switch once more, after every wait of the client (a 429 pause lasts
      // 10 s), right before the bytes leave.
      ackOrderId = (await this.#executor.send(requestOf(intent, id), () => this.#halted())).orderId;
    } catch (e) {
      if (e instanceof NotSent) return this.#withheld(id, intent, e.reason);
      if (isApiError(e) && isDefiniteNo(e)) {
        // Released first: the order is definitely not placed, even if the journal write below fails.
        this.#leases.releaseFor(id);
        const rejection = { ...(typeof e.code === "number" ? { code: e.code } : {}), message: e.message };
        const entry = await this.#journal.update(id, { kind: "rejected", rejection });
        return { kind: "rejected", entry, error: e };
      }
      const note = isApiError(e)
        ? `outcome unknown (${e.kind}): ${e.message}`
        : `outcome unknown: ${String(e)}`;
      const entry = await this.#journal.update(id, { kind: "unknown", note });
      this.#tracker.unknownSent(id);
      return { kind: "unknown", entry };
    }
    await this.#journal.update(id, { kind: "acknowledged", orderId: ackOrderId });
    this.#leases.settleFor(id);
    try {
      await this.#tracker.record(id, await this.#executor.fetchById(intent.symbol, ackOrderId));
    } catch (e) {
      // The order exists; the follow-up poll will learn its state.
      this.#log?.warn({ clientOrderId: id, err: e }, "could not fetch the order after its acknowledgement");
    }
    return { kind: "placed", entry: this.#journal.get(id) };
  }

  /**
   * Withheld at the last gate: nothing left this process, so the order is definitely not placed. Its PENDING entry
   * ends REJECTED with the reason, its funds are free, and the bot gets the refusal it already handles.
   */
  async #withheld(id: string, intent: OrderIntent, reason: string): Promise<PlaceOutcome> {
    this.#leases.releaseFor(id);
    this.#log?.warn(
      { clientOrderId: id, bot: intent.bot, symbol: intent.symbol, side: intent.side, reason },
      "order withheld just before sending: not sent",
    );
    const message = `not sent (withheld just before sending): ${reason}`;
    await this.#journal.update(id, { kind: "rejected", rejection: { message } });
    return { kind: "refused", reason };
  }

  /** What bars every new order now: the stop, the kill switch, or no free slot of risk.maxOpenOrders. */
  #closed(): string | undefined {
    const halted = this.#halted();
    if (halted !== undefined) return halted;
    const open = this.openCount();
    if (open < this.#maxOpen) return undefined;
    return `${open} orders are open or unresolved, the limit is ${this.#maxOpen} (risk.maxOpenOrders)`;
  }

  /** The stop or the kill switch: the only checks that still apply once the order is written (the last gate). */
  #halted(): string | undefined {
    if (this.#stopping) return this.#stopping;
    if (this.killSwitchActive) return "the kill switch is on: no new orders until /resume all";
    return undefined;
  }

  /**
   * The one place an intent is checked against the symbol's rules (steps, minimums, price band, permissions),
   * before anything is written or sent.
   */
  async #rulesRefusal(intent: OrderIntent): Promise<string | undefined> {
    const rules = await this.#executor.rules(intent.symbol);
    if (!rules) return `${intent.symbol} is not a symbol of the exchange`;
    const check = checkOrder(rules, intent);
    return check.ok ? undefined : `${intent.symbol}: ${check.message}`;
  }

  /**
   * One pass over every order that is not final: follow live ones, cancel expired ones, resolve unknown ones; under
   * "stop + cancel", cancel any found resting since (its POST was in flight, or its outcome unknown, at the stop).
   */
  async poll(): Promise<void> {
    await this.#tracker.poll();
    const ks = this.#store.state.killSwitch;
    if (ks.active && ks.cancelOpen) await this.#cancelLive();
  }

  /**
   * Cancels a resting order and records its final state. Throws only when MEXC did not take the cancel (the order
   * may still rest); once taken, a failed lookup is logged and the follow-up poll reads the final state.
   */
  cancel(clientOrderId: string, why: string): Promise<void> {
    return this.#tracker.cancel(clientOrderId, why);
  }

  /** At start: adopt strangers with our prefix on `symbols`, then look up everything unresolved. */
  async reconcile(symbols: Iterable<string>): Promise<{ adopted: string[]; unresolved: number }> {
    // A journal still in state.json has moved to its own file (and state.json forgot it) before anything follows.
    await this.#journal.ready;
    return this.#reconciler.reconcile(symbols);
  }

  /** Kill switch: no new order from any bot until it is turned off; optionally cancels every resting order. */
  async activateKillSwitch(reason: string, opts: { cancelOpen?: boolean } = {}): Promise<void> {
    const cancelOpen = opts.cancelOpen === true;
    await this.#store.update((s) => {
      s.killSwitch = {
        active: true,
        since: this.#clock.now(),
        reason,
        ...(cancelOpen ? { cancelOpen } : {}),
      };
    });
    this.#log?.warn({ reason }, "kill switch on: no new orders");
    if (cancelOpen) await this.#cancelLive();
  }

  /** Cancels every resting order; one that fails stays for the next pass. */
  async #cancelLive(): Promise<void> {
    for (const e of this.notFinal((x) => LIVE_STATES.has(x.state))) {
      try {
        await this.cancel(e.clientOrderId, "cancelled by the kill switch");
      } catch (err) {
        this.#log?.error({ clientOrderId: e.clientOrderId, err }, "kill switch: could not cancel");
      }
    }
  }

  #nextWait(everyMs: number): number {
    const floor = Math.min(everyMs, FOLLOW_FLOOR_MS);
    const due = this.#tracker.nextDueAt();
    if (due === undefined) return everyMs;
    return Math.min(everyMs, Math.max(floor, due - this.#clock.now()));
  }

  async releaseKillSwitch(): Promise<void> {
    await this.#store.update((s) => {
      s.killSwitch = { active: false };
    });
    this.#log?.warn("kill switch off: orders allowed again");
  }

  /**
   * Polls every `everyMs` until `signal` aborts. A failing pass is logged and the next one comes as usual. With a
   * period longer than FOLLOW_FLOOR_MS (a replay at the candle pace), a deadline or a due lookup brings the next
   * pass forward, never closer than the floor: deadlines are kept as closely as a 5 s follow-up keeps them.
   */
  async run(signal: AbortSignal, everyMs = 2_000): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (err) {
        this.#log?.error({ err }, "order follow-up pass failed");
      }
      try {
        await this.#clock.sleep(this.#nextWait(everyMs), signal);
      } catch {
        return;
      }
    }
  }
}
