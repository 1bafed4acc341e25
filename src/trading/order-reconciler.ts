import type { Order } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { botOfClientOrderId } from "./client-id.js";
import type { OrderExecutor } from "./order-executor.js";
import type { OrderJournal } from "./order-journal.js";
import { FINAL_STATES, IN_DOUBT_STATES, type JournalEntry, LIVE_STATES, stateOf } from "./order-state.js";
import type { OrderTracker } from "./order-tracker.js";

export interface ReconcilerParts {
  journal: OrderJournal;
  executor: OrderExecutor;
  tracker: OrderTracker;
  clock: Clock;
  log?: Logger | undefined;
  /** The order timeout (ms) of a bot, given to orders adopted at start; undefined when its orders do not expire. */
  timeoutMsOf: (bot: string) => number | undefined;
}

/**
 * At start: adopt orders of ours the journal does not know (a restored backup, a lost file), then look up every
 * entry that is not final, PENDING ones included (their POST may or may not have left before a crash).
 */
export class OrderReconciler {
  readonly #p: ReconcilerParts;

  constructor(parts: ReconcilerParts) {
    this.#p = parts;
  }

  /** `symbols` are the markets to search for strangers: MEXC lists open orders per symbol only. */
  async reconcile(symbols: Iterable<string>): Promise<{ adopted: string[]; unresolved: number }> {
    const { journal, log } = this.#p;
    const search = new Set(symbols);
    for (const e of journal.entries((x) => !FINAL_STATES.has(x.state))) search.add(e.intent.symbol);
    const adopted: string[] = [];
    for (const symbol of search) {
      let open: Order[];
      try {
        open = await this.#p.executor.openOrders(symbol);
      } catch (err) {
        log?.warn({ symbol, err }, "reconcile: could not read open orders");
        continue;
      }
      for (const o of open) {
        const bot = botOfClientOrderId(o.clientOrderId);
        if (!bot || !o.clientOrderId || journal.find(o.clientOrderId)) continue;
        await this.#adopt(bot, o);
        adopted.push(o.clientOrderId);
      }
    }
    await this.#expireAdoptedWithoutTimeout();
    this.#p.tracker.lookUpAllNow();
    await this.#p.tracker.poll();
    const unresolved = journal.entries((e) => IN_DOUBT_STATES.has(e.state)).length;
    log?.info({ adopted, unresolved, searched: [...search] }, "journal reconciled with the exchange");
    return { adopted, unresolved };
  }

  /**
   * When an adopted order expires: its bot's timeout counted from when the exchange took it (never later than from
   * now), so an order resting since before the restart is not given a fresh full timeout.
   */
  #adoptedExpiry(bot: string, since: number): { expiresAt?: number } {
    const timeoutMs = this.#p.timeoutMsOf(bot);
    if (timeoutMs === undefined) return {};
    return { expiresAt: Math.min(since, this.#p.clock.now()) + timeoutMs };
  }

  /** Orders adopted by an earlier version never got an expiry: the buyer would wait on them forever. */
  async #expireAdoptedWithoutTimeout(): Promise<void> {
    const { journal } = this.#p;
    const stale = journal.entries(
      (e) => e.adopted === true && LIVE_STATES.has(e.state) && e.expiresAt === undefined,
    );
    const given = stale
      .map((e) => ({ id: e.clientOrderId, ...this.#adoptedExpiry(e.bot, e.createdAt) }))
      .filter((x): x is { id: string; expiresAt: number } => x.expiresAt !== undefined);
    if (given.length === 0) return;
    for (const { id, expiresAt } of given) await journal.update(id, { kind: "expiry-set", expiresAt });
    this.#p.log?.info({ orders: given }, "adopted orders without a timeout now expire like their bot's");
  }

  async #adopt(bot: string, o: Order): Promise<void> {
    const id = o.clientOrderId ?? "";
    const now = this.#p.clock.now();
    const state = stateOf(o);
    const reason = "adopted at start: on the exchange with our prefix, not in the journal";
    const entry: JournalEntry = {
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
    await this.#p.journal.create(entry);
    this.#p.log?.warn(
      { clientOrderId: id, bot, symbol: o.symbol, state },
      "adopted an order the journal did not know",
    );
  }
}
