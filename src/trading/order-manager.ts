import {
  type ApiError,
  checkOrder,
  isApiError,
  type MexcClient,
  type NewOrderRequest,
  type Order,
} from "../api/index.js";
import type { Clock } from "../clock.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";
import { botOfClientOrderId, newClientOrderId } from "./client-id.js";
import {
  canMove,
  FINAL_STATES,
  type IntentJson,
  type JournalEntry,
  LIVE_STATES,
  type OrderStateName,
} from "./order-state.js";
import { selfTradeRefusal } from "./self-trade.js";
import type { Lease, Treasury } from "./treasury.js";

export interface PlaceRequest {
  bot: string;
  /** Why the bot wants this order: kept in the journal and shown in reports. */
  reason: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT" | "LIMIT_MAKER" | "IMMEDIATE_OR_CANCEL" | "FILL_OR_KILL";
  /** Already rounded to the step (roundQuantity). */
  quantity?: D;
  /** MARKET BUY only: quote to spend, already rounded (roundQuoteAmount). */
  quoteOrderQty?: D;
  /** Already rounded to the tick (roundPrice). */
  price?: D;
  /**
   * A recent market price (last price or the book's mid): values a MARKET order by quantity for the minimum
   * notional, and is the reference of MEXC's price band for a limit order. Without it neither is checked here.
   */
  marketPrice?: D;
  /** The funds reserved for this order; settled when the exchange takes them, released if it never does. */
  lease?: Lease;
  /** Cancel a resting order not filled after this many ms. */
  timeoutMs?: number;
}

/** What the journal (and a proposal) keeps of a request: the order itself, amounts as decimal strings. */
export function intentOf(req: PlaceRequest): IntentJson {
  return {
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    ...(req.quantity ? { quantity: req.quantity.toFixed() } : {}),
    ...(req.quoteOrderQty ? { quoteOrderQty: req.quoteOrderQty.toFixed() } : {}),
    ...(req.price ? { price: req.price.toFixed() } : {}),
  };
}

export type PlaceOutcome =
  /** Not sent: nothing to resolve. */
  | { kind: "refused"; reason: string }
  /** Sent and answered; `entry.state` tells how far it got (OPEN, FILLED, …). */
  | { kind: "placed"; entry: JournalEntry }
  /** The exchange said no. */
  | { kind: "rejected"; entry: JournalEntry; error: ApiError }
  /** The answer was lost: the order may exist. It is being looked up; never resent. */
  | { kind: "unknown"; entry: JournalEntry };

export interface OrderChange {
  entry: JournalEntry;
  from: OrderStateName | null;
}

export interface OrderManagerOptions {
  client: MexcClient;
  store: Store;
  clock: Clock;
  treasury?: Treasury;
  log?: Logger;
  maxOpenOrders: number;
  /** How unknown outcomes are resolved. */
  lookup?: {
    /** Waits between lookups of an UNKNOWN order, by attempt (ms); the last repeats. */
    backoffMs?: number[];
    /** LOST after at least this many "not found" answers … */
    lostAfterNotFound?: number;
    /** … spread over at least this long (ms). */
    lostAfterMs?: number;
    /** A LOST order is still looked up this often, for late fills (ms). */
    lostRecheckMs?: number;
  };
  /**
   * The order timeout (ms) of the bot a client id names, given to orders adopted at start so they are cancelled
   * like that bot's own; undefined for a bot whose orders do not time out (or an unknown bot).
   */
  timeoutMsOf?: (bot: string) => number | undefined;
}

const DEFAULT_BACKOFF = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Places, follows and resolves every order of every bot. The journal entry is on disk before the request leaves;
 * an unclear answer makes the order UNKNOWN, and only a lookup by client id resolves it. Nothing is resent.
 */
export class OrderManager {
  readonly #client: MexcClient;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #treasury: Treasury | undefined;
  readonly #log: Logger | undefined;
  readonly #maxOpen: number;
  readonly #backoff: number[];
  readonly #lostAfterNotFound: number;
  readonly #lostAfterMs: number;
  readonly #lostRecheckMs: number;
  readonly #timeoutMsOf: (bot: string) => number | undefined;
  readonly #leases = new Map<string, Lease>();
  /** POSTs under way in this process: their PENDING entries are not looked up meanwhile. */
  readonly #inFlight = new Set<string>();
  /** Next lookup time of unresolved entries (in memory: after a restart everything is looked up at once). */
  readonly #nextLookup = new Map<string, number>();
  readonly #listeners = new Set<(c: OrderChange) => void>();
  /**
   * Orders whose cancel MEXC took (answered 200, however short the answer) but whose final state is not read yet:
   * the cancel is never sent again, only the lookup is repeated. In memory: after a restart a repeated cancel
   * would only meet -2011, which is handled like any race.
   */
  readonly #cancelTaken = new Set<string>();
  #polling: Promise<void> | undefined;
  /** Set once the program stops: from then on no new order leaves, whatever the bot (issue 13, defect 2). */
  #stopping: string | undefined;

  constructor(opts: OrderManagerOptions) {
    this.#client = opts.client;
    this.#store = opts.store;
    this.#clock = opts.clock;
    this.#treasury = opts.treasury;
    this.#log = opts.log;
    this.#maxOpen = opts.maxOpenOrders;
    this.#backoff = opts.lookup?.backoffMs ?? DEFAULT_BACKOFF;
    this.#lostAfterNotFound = opts.lookup?.lostAfterNotFound ?? 4;
    this.#lostAfterMs = opts.lookup?.lostAfterMs ?? 60_000;
    this.#lostRecheckMs = opts.lookup?.lostRecheckMs ?? 300_000;
    this.#timeoutMsOf = opts.timeoutMsOf ?? (() => undefined);
  }

  /** Called after every state change, once it is on disk. */
  onChange(listener: (c: OrderChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  entry(clientOrderId: string): JournalEntry | undefined {
    return this.#store.state.journal[clientOrderId];
  }

  entries(filter?: (e: JournalEntry) => boolean): JournalEntry[] {
    const all = Object.values(this.#store.state.journal);
    return filter ? all.filter(filter) : all;
  }

  /** Orders that may hold a slot: resting, or not yet known. LOST ones do not block new orders. */
  openCount(): number {
    return this.entries((e) => LIVE_STATES.has(e.state) || e.state === "PENDING" || e.state === "UNKNOWN")
      .length;
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

  async place(req: PlaceRequest): Promise<PlaceOutcome> {
    // The stop is looked at again after the checks' own awaits (it may have begun while the symbol rules were read).
    // The self-trade check runs after the last await and before the new PENDING entry is written, in one
    // synchronous stretch (the store applies a change at once): two bots placing together cannot both pass it.
    const refusal = (await this.#refusal(req)) ?? this.#stopping ?? selfTradeRefusal(req, this.entries());
    if (refusal) {
      this.#log?.info(
        { bot: req.bot, symbol: req.symbol, side: req.side, reason: refusal },
        "order refused before sending",
      );
      if (req.lease) this.#treasury?.release(req.lease);
      return { kind: "refused", reason: refusal };
    }
    const now = this.#clock.now();
    const id = newClientOrderId(req.bot, now);
    const intent = intentOf(req);
    const entry: JournalEntry = {
      clientOrderId: id,
      bot: req.bot,
      reason: req.reason,
      intent,
      state: "PENDING",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: now,
      updatedAt: now,
      ...(req.timeoutMs ? { expiresAt: now + req.timeoutMs } : {}),
      notFound: 0,
      transitions: [{ at: now, from: null, to: "PENDING", note: req.reason }],
    };
    this.#inFlight.add(id);
    if (req.lease) this.#leases.set(id, req.lease);
    try {
      // On disk before the request leaves: a crash from here on is resolved by lookup at the next start.
      await this.#store.update((s) => {
        s.journal[id] = entry;
      });
      this.#emit(id, null);
      return await this.#send(id, req);
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #send(id: string, req: PlaceRequest): Promise<PlaceOutcome> {
    let ackOrderId: string;
    try {
      const ack = await this.#client.newOrder(toRequest(id, req));
      ackOrderId = ack.orderId;
    } catch (e) {
      if (isApiError(e) && isDefiniteNo(e)) {
        await this.#move(id, "REJECTED", `rejected: ${e.message}`, {
          rejection: { ...(typeof e.code === "number" ? { code: e.code } : {}), message: e.message },
        });
        this.#releaseLease(id);
        return { kind: "rejected", entry: this.#get(id), error: e };
      }
      const note = isApiError(e)
        ? `outcome unknown (${e.kind}): ${e.message}`
        : `outcome unknown: ${String(e)}`;
      await this.#move(id, "UNKNOWN", note, { unknownSince: this.#clock.now() });
      this.#nextLookup.set(id, this.#clock.now() + (this.#backoff[0] ?? 1_000));
      return { kind: "unknown", entry: this.#get(id) };
    }
    await this.#move(id, "OPEN", "acknowledged", { orderId: ackOrderId });
    // The exchange has locked (limit) or spent (market) the funds: a balance read from now on shows it.
    this.#settleLease(id);
    try {
      await this.#apply(id, await this.#client.getOrder({ symbol: req.symbol, orderId: ackOrderId }));
    } catch (e) {
      // The order exists; the follow-up poll will learn its state.
      this.#log?.warn({ clientOrderId: id, err: e }, "could not fetch the order after its acknowledgement");
    }
    return { kind: "placed", entry: this.#get(id) };
  }

  async #refusal(req: PlaceRequest): Promise<string | undefined> {
    if (this.#stopping) return this.#stopping;
    if (this.killSwitchActive) return "the kill switch is on: no new orders until /resume all";
    if (this.openCount() >= this.#maxOpen) {
      return `${this.openCount()} orders are open or unresolved, the limit is ${this.#maxOpen} (risk.maxOpenOrders)`;
    }
    const rules = await this.#client.symbolRules(req.symbol);
    if (!rules) return `${req.symbol} is not a symbol of the exchange`;
    const check = checkOrder(rules, {
      side: req.side,
      type: req.type,
      ...(req.quantity ? { quantity: req.quantity } : {}),
      ...(req.price ? { price: req.price } : {}),
      ...(req.quoteOrderQty ? { quoteOrderQty: req.quoteOrderQty } : {}),
      ...(req.marketPrice ? { marketPrice: req.marketPrice } : {}),
    });
    return check.ok ? undefined : `${req.symbol}: ${check.message}`;
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
    const live = this.entries((e) => LIVE_STATES.has(e.state));
    const bySymbol = new Map<string, JournalEntry[]>();
    for (const e of live) bySymbol.set(e.intent.symbol, [...(bySymbol.get(e.intent.symbol) ?? []), e]);
    for (const [symbol, entries] of bySymbol) await this.#followSymbol(symbol, entries);
    for (const e of this.entries((x) => LIVE_STATES.has(x.state) && x.expiresAt !== undefined)) {
      if ((e.expiresAt ?? Infinity) <= this.#clock.now()) await this.#expire(e.clientOrderId);
    }
    const unresolved = this.entries(
      (e) =>
        (e.state === "PENDING" && !this.#inFlight.has(e.clientOrderId)) ||
        e.state === "UNKNOWN" ||
        e.state === "LOST",
    );
    for (const e of unresolved) {
      if ((this.#nextLookup.get(e.clientOrderId) ?? 0) <= this.#clock.now())
        await this.#lookup(e.clientOrderId);
    }
  }

  /** One openOrders call per symbol follows all our resting orders on it; gone ones are fetched once. */
  async #followSymbol(symbol: string, entries: JournalEntry[]): Promise<void> {
    let open: Order[];
    try {
      open = await this.#client.openOrders(symbol);
    } catch (e) {
      this.#log?.warn({ symbol, err: e }, "could not read open orders; will retry");
      return;
    }
    const byClientId = new Map(open.map((o) => [o.clientOrderId ?? "", o]));
    for (const e of entries) {
      const seen = byClientId.get(e.clientOrderId);
      try {
        const order = seen ?? (await this.#client.getOrder(refOf(e)));
        await this.#apply(e.clientOrderId, order);
      } catch (err) {
        this.#log?.warn({ clientOrderId: e.clientOrderId, err }, "could not follow the order; will retry");
      }
    }
  }

  /** Cancels a resting order past its time; the true final state (maybe FILLED: a race) comes from a fetch. */
  async #expire(id: string): Promise<void> {
    const e = this.#get(id);
    try {
      await this.#requestCancel(e);
    } catch (err) {
      this.#log?.warn({ clientOrderId: id, err }, "could not cancel the expired order; will retry");
      return;
    }
    try {
      await this.#apply(id, await this.#client.getOrder(refOf(e)), "cancelled after its timeout");
    } catch (err) {
      this.#log?.warn(
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
    const e = this.#get(clientOrderId);
    if (!LIVE_STATES.has(e.state)) return;
    await this.#requestCancel(e);
    try {
      await this.#apply(clientOrderId, await this.#client.getOrder(refOf(e)), why);
    } catch (err) {
      this.#log?.warn(
        { clientOrderId, err },
        "cancel taken, but the order could not be fetched; the next poll reads its final state",
      );
    }
  }

  /**
   * Sends the cancel unless MEXC already took one for this order. A 200 means taken, even a short answer without
   * status or executedQty (reference: "What the real exchange sends"); what the order ended as comes from a
   * lookup. "unknown-order" (-2011) means it filled or was cancelled just before: nothing left to cancel.
   */
  async #requestCancel(e: JournalEntry): Promise<void> {
    if (this.#cancelTaken.has(e.clientOrderId)) return;
    try {
      await this.#client.cancelOrder(refOf(e));
    } catch (err) {
      if (!isApiError(err, "unknown-order")) throw err;
    }
    this.#cancelTaken.add(e.clientOrderId);
  }

  /**
   * At start: adopt orders of ours the journal does not know (a restored backup, a lost file), then look up
   * every entry that is not final, PENDING ones included (their POST may or may not have left before a crash).
   * `symbols` are the markets to search for strangers: MEXC lists open orders per symbol only.
   */
  async reconcile(symbols: Iterable<string>): Promise<{ adopted: string[]; unresolved: number }> {
    const search = new Set(symbols);
    for (const e of this.entries((x) => !FINAL_STATES.has(x.state))) search.add(e.intent.symbol);
    const adopted: string[] = [];
    for (const symbol of search) {
      let open: Order[];
      try {
        open = await this.#client.openOrders(symbol);
      } catch (err) {
        this.#log?.warn({ symbol, err }, "reconcile: could not read open orders");
        continue;
      }
      for (const o of open) {
        const bot = botOfClientOrderId(o.clientOrderId);
        if (!bot || !o.clientOrderId || this.#store.state.journal[o.clientOrderId]) continue;
        await this.#adopt(bot, o);
        adopted.push(o.clientOrderId);
      }
    }
    await this.#expireAdoptedWithoutTimeout();
    this.#nextLookup.clear();
    await this.poll();
    const unresolved = this.entries((e) => e.state === "PENDING" || e.state === "UNKNOWN").length;
    this.#log?.info({ adopted, unresolved, searched: [...search] }, "journal reconciled with the exchange");
    return { adopted, unresolved };
  }

  /**
   * When an adopted order expires: its bot's timeout counted from when the exchange took it (never later than from
   * now), so an order resting since before the restart is not given a fresh full timeout.
   */
  #adoptedExpiry(bot: string, since: number): { expiresAt?: number } {
    const timeoutMs = this.#timeoutMsOf(bot);
    if (timeoutMs === undefined) return {};
    return { expiresAt: Math.min(since, this.#clock.now()) + timeoutMs };
  }

  /** Orders adopted by an earlier version never got an expiry: the buyer would wait on them forever. */
  async #expireAdoptedWithoutTimeout(): Promise<void> {
    const stale = this.entries(
      (e) => e.adopted === true && LIVE_STATES.has(e.state) && e.expiresAt === undefined,
    );
    const given = stale
      .map((e) => ({ id: e.clientOrderId, ...this.#adoptedExpiry(e.bot, e.createdAt) }))
      .filter((x): x is { id: string; expiresAt: number } => x.expiresAt !== undefined);
    if (given.length === 0) return;
    await this.#store.update((s) => {
      for (const { id, expiresAt } of given) {
        const e = s.journal[id];
        if (e) e.expiresAt = expiresAt;
      }
    });
    this.#log?.info({ orders: given }, "adopted orders without a timeout now expire like their bot's");
  }

  async #adopt(bot: string, o: Order): Promise<void> {
    const id = o.clientOrderId ?? "";
    const now = this.#clock.now();
    const state = stateOf(o);
    const reason = "adopted at start: on the exchange with our prefix, not in the journal";
    await this.#store.update((s) => {
      s.journal[id] = {
        clientOrderId: id,
        bot,
        reason,
        intent: {
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          quantity: o.origQty.toFixed(),
          ...(o.type !== "MARKET" ? { price: o.price.toFixed() } : {}),
        },
        state,
        orderId: o.orderId,
        executedQty: o.executedQty.toFixed(),
        cummulativeQuoteQty: o.cummulativeQuoteQty.toFixed(),
        createdAt: o.time ?? now,
        updatedAt: now,
        ...this.#adoptedExpiry(bot, o.time ?? now),
        notFound: 0,
        adopted: true,
        transitions: [{ at: now, from: null, to: state, note: reason }],
      };
    });
    this.#log?.warn(
      { clientOrderId: id, bot, symbol: o.symbol, state },
      "adopted an order the journal did not know",
    );
    this.#emit(id, null);
  }

  /** Kill switch: no new order from any bot until it is turned off; optionally cancels every resting order. */
  async activateKillSwitch(reason: string, opts: { cancelOpen?: boolean } = {}): Promise<void> {
    await this.#store.update((s) => {
      s.killSwitch = { active: true, since: this.#clock.now(), reason };
    });
    this.#log?.warn({ reason }, "kill switch on: no new orders");
    if (opts.cancelOpen) {
      for (const e of this.entries((x) => LIVE_STATES.has(x.state))) {
        try {
          await this.cancel(e.clientOrderId, "cancelled by the kill switch");
        } catch (err) {
          this.#log?.error({ clientOrderId: e.clientOrderId, err }, "kill switch: could not cancel");
        }
      }
    }
  }

  async releaseKillSwitch(): Promise<void> {
    await this.#store.update((s) => {
      s.killSwitch = { active: false };
    });
    this.#log?.warn("kill switch off: orders allowed again");
  }

  /** Polls every `everyMs` until `signal` aborts. A failing pass is logged and the next one comes as usual. */
  async run(signal: AbortSignal, everyMs = 2_000): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (err) {
        this.#log?.error({ err }, "order follow-up pass failed");
      }
      try {
        await this.#clock.sleep(everyMs, signal);
      } catch {
        return;
      }
    }
  }

  /** Looks an unresolved order up by client id; counts "not found" answers until it can be called LOST. */
  async #lookup(id: string): Promise<void> {
    const e = this.#get(id);
    let order: Order;
    try {
      order = await this.#client.getOrder({ symbol: e.intent.symbol, clientOrderId: id });
    } catch (err) {
      if (!isApiError(err, "unknown-order")) {
        this.#log?.warn({ clientOrderId: id, err }, "lookup failed; will retry");
        this.#scheduleLookup(id, e.notFound);
        return;
      }
      await this.#notFound(id);
      return;
    }
    this.#nextLookup.delete(id);
    await this.#apply(id, order, `found by lookup after ${e.notFound} not-found answer(s)`);
    this.#settleLease(id);
  }

  async #notFound(id: string): Promise<void> {
    const now = this.#clock.now();
    const e = this.#get(id);
    const notFound = e.notFound + 1;
    const since = e.unknownSince ?? now;
    if (e.state === "LOST") {
      await this.#patch(id, { notFound });
      this.#nextLookup.set(id, now + this.#lostRecheckMs);
      return;
    }
    if (notFound >= this.#lostAfterNotFound && now - since >= this.#lostAfterMs) {
      await this.#move(id, "LOST", `not found ${notFound} times over ${Math.round((now - since) / 1000)} s`, {
        notFound,
        unknownSince: since,
      });
      this.#releaseLease(id);
      this.#nextLookup.set(id, now + this.#lostRecheckMs);
      return;
    }
    if (e.state === "PENDING") {
      await this.#move(id, "UNKNOWN", "not found after a restart", { notFound, unknownSince: since });
    } else {
      await this.#patch(id, { notFound, unknownSince: since });
    }
    this.#scheduleLookup(id, notFound);
  }

  #scheduleLookup(id: string, attempt: number): void {
    const wait = this.#backoff[Math.min(attempt, this.#backoff.length - 1)] ?? 30_000;
    this.#nextLookup.set(id, this.#clock.now() + wait);
  }

  /** Moves an entry to the state the exchange reports; stale or repeated reports change nothing. */
  async #apply(id: string, order: Order, note = "exchange status"): Promise<void> {
    const e = this.#get(id);
    const to = stateOf(order);
    const executedQty = order.executedQty.toFixed();
    const cumQuote = order.cummulativeQuoteQty.toFixed();
    const patch = { orderId: order.orderId, executedQty, cummulativeQuoteQty: cumQuote };
    if (to === e.state) {
      if (
        e.executedQty !== executedQty ||
        e.cummulativeQuoteQty !== cumQuote ||
        e.orderId !== order.orderId
      ) {
        if (to === "PARTIALLY_FILLED") await this.#move(id, to, `filled ${executedQty}`, patch);
        else await this.#patch(id, patch);
      }
      return;
    }
    if (!canMove(e.state, to)) {
      // A stale read (e.g. NEW after we saw FILLED): the exchange's later word already won.
      this.#log?.warn({ clientOrderId: id, from: e.state, to }, "ignored an out-of-order status");
      return;
    }
    await this.#move(id, to, `${note}: ${order.status}, filled ${executedQty}`, patch);
    if (FINAL_STATES.has(to)) {
      this.#settleLease(id);
      this.#cancelTaken.delete(id);
    }
  }

  async #move(
    id: string,
    to: OrderStateName,
    note: string,
    patch: Partial<JournalEntry> = {},
  ): Promise<void> {
    const now = this.#clock.now();
    const from = this.#get(id).state;
    if (from !== to && !canMove(from, to)) {
      this.#log?.error({ clientOrderId: id, from, to }, "illegal order transition refused");
      return;
    }
    await this.#store.update((s) => {
      const x = s.journal[id];
      if (!x) return;
      Object.assign(x, patch);
      x.transitions.push({ at: now, from, to, note });
      x.state = to;
      x.updatedAt = now;
    });
    const entry = this.#get(id);
    this.#log?.info(
      {
        clientOrderId: id,
        bot: entry.bot,
        symbol: entry.intent.symbol,
        side: entry.intent.side,
        from,
        to,
        executedQty: entry.executedQty,
        note,
      },
      `order ${from} → ${to}`,
    );
    this.#emit(id, from);
  }

  async #patch(id: string, patch: Partial<JournalEntry>): Promise<void> {
    await this.#store.update((s) => {
      const x = s.journal[id];
      if (x) Object.assign(x, patch, { updatedAt: this.#clock.now() });
    });
  }

  #emit(id: string, from: OrderStateName | null): void {
    const entry = this.#get(id);
    for (const l of this.#listeners) {
      try {
        l({ entry, from });
      } catch (err) {
        this.#log?.error({ err }, "an order listener threw");
      }
    }
  }

  #get(id: string): JournalEntry {
    const e = this.#store.state.journal[id];
    if (!e) throw new Error(`no journal entry ${id}`);
    return e;
  }

  #settleLease(id: string): void {
    const lease = this.#leases.get(id);
    if (lease) this.#treasury?.settle(lease);
    this.#leases.delete(id);
  }

  #releaseLease(id: string): void {
    const lease = this.#leases.get(id);
    if (lease) this.#treasury?.release(lease);
    this.#leases.delete(id);
  }
}

function refOf(e: JournalEntry) {
  return e.orderId
    ? { symbol: e.intent.symbol, orderId: e.orderId }
    : { symbol: e.intent.symbol, clientOrderId: e.clientOrderId };
}

/** Errors that prove the order was not placed: the exchange refused it, or it never left this process. */
function isDefiniteNo(e: ApiError): boolean {
  return !["unknown-outcome", "network", "bad-response"].includes(e.kind);
}

export function stateOf(order: Order): OrderStateName {
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

function toRequest(id: string, req: PlaceRequest): NewOrderRequest {
  const base = { symbol: req.symbol, side: req.side, clientOrderId: id };
  if (req.type === "MARKET") {
    if (req.quoteOrderQty) return { ...base, side: "BUY", type: "MARKET", quoteOrderQty: req.quoteOrderQty };
    return { ...base, type: "MARKET", quantity: req.quantity ?? new D(0) };
  }
  return { ...base, type: req.type, quantity: req.quantity ?? new D(0), price: req.price ?? new D(0) };
}
