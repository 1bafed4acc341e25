import type { MexcClient } from "../api/index.js";
import type { Clock } from "../clock.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import type { ProposalJson, Store } from "../store/index.js";
import { newClientOrderId } from "./client-id.js";
import { intentOf, type OrderIntent, orderOf, orderOfJson } from "./order-intent.js";
import type { PlaceOutcome } from "./order-manager.js";
import type { OrderPlacer, SubmitOutcome } from "./order-placer.js";
import type { Treasury } from "./treasury.js";

/** The part of the order manager proposals need: placing the approved order. */
export interface ProposalOrders {
  place(intent: OrderIntent): Promise<PlaceOutcome>;
}

export interface ProposalsOptions {
  store: Store;
  clock: Clock;
  client: MexcClient;
  orders: ProposalOrders;
  treasury: Treasury;
  /** How long a proposal waits for the owner (ms). */
  expiryMs: number;
  /** Execute refuses when the price moved more than this percent since the proposal. */
  maxPriceDriftPct: D;
  log?: Logger;
}

export type ProposalStatus = "pending" | "executing" | NonNullable<ProposalJson["end"]>["state"];

export function statusOf(p: ProposalJson): ProposalStatus {
  if (p.end) return p.end.state;
  return p.executingSince !== undefined ? "executing" : "pending";
}

/** Why an Execute or Skip did nothing; the proposal is returned as it stands so the caller can show it. */
export type Refused = { ok: false; reason: string; proposal: ProposalJson | undefined };
export type ExecuteResult =
  | { ok: true; proposal: ProposalJson; outcome: PlaceOutcome }
  | Refused
  /** Checked and ended without an order (price drift, funds): the proposal is now "failed". */
  | { ok: false; reason: string; proposal: ProposalJson; failed: true };

/**
 * The queue of orders that bots with autoTrade off wanted. A proposal is on disk before anyone is asked, ends
 * exactly once (executed, skipped, expired or failed), and an Execute marks it on disk before the order is sent,
 * so a double press, a late press or a restart in between can never send two orders for one proposal.
 */
export class Proposals {
  readonly #o: ProposalsOptions;
  readonly #listeners = new Set<(p: ProposalJson) => void>();

  constructor(opts: ProposalsOptions) {
    this.#o = opts;
  }

  /** Called after a proposal is created or changes, once the change is on disk. */
  onChange(listener: (p: ProposalJson) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(id: string): ProposalJson | undefined {
    return this.#o.store.state.proposals[id];
  }

  /** Proposals still waiting for the owner (not ended, not being executed), oldest first. */
  pending(): ProposalJson[] {
    return Object.values(this.#o.store.state.proposals)
      .filter((p) => statusOf(p) === "pending")
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The placer a bot gets: orders at once when it may trade alone, proposals otherwise. */
  placerFor(autoTrade: boolean, orders: OrderPlacer): OrderPlacer {
    return autoTrade ? orders : { place: (req) => this.propose(req) };
  }

  /**
   * Queues the order for approval instead of sending it. A proposing bot sizes its order from a look-only treasury
   * (suite-monitors.ts), so its lease holds nothing; a real lease handed in anyway is given back: nothing is held
   * until Execute, which reserves then. The same bot asking again for the same symbol and side while a proposal
   * waits gets that proposal back, not a second one.
   */
  async propose(req: OrderIntent): Promise<SubmitOutcome> {
    if (req.lease) this.#o.treasury.release(req.lease);
    await this.expireDue();
    const waiting = this.pending().find(
      (p) => p.bot === req.bot && p.intent.symbol === req.symbol && p.intent.side === req.side,
    );
    if (waiting) return { kind: "proposed", proposal: waiting, fresh: false };
    const now = this.#o.clock.now();
    // The market's price, not a limit price: drift is how far the market moved, and a limit sits off the market.
    const reference = req.marketPrice ?? (await this.#o.client.tickerPrice(req.symbol)).price;
    const proposal: ProposalJson = {
      id: newClientOrderId("prop", now),
      bot: req.bot,
      reason: req.reason,
      intent: intentOf(orderOf(req)),
      referencePrice: reference.toFixed(),
      ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
      createdAt: now,
      expiresAt: now + this.#o.expiryMs,
    };
    await this.#save(proposal);
    this.#o.log?.info(
      { proposal: proposal.id, bot: req.bot, symbol: req.symbol, side: req.side, reason: req.reason },
      "order proposed: waiting for the owner's approval",
    );
    return { kind: "proposed", proposal, fresh: true };
  }

  /** Ends every waiting proposal whose time is up. Returns those it ended. */
  async expireDue(): Promise<ProposalJson[]> {
    const now = this.#o.clock.now();
    const due = this.pending().filter((p) => p.expiresAt <= now);
    for (const p of due) await this.#end(p.id, { state: "expired", at: now });
    return due.map((p) => this.get(p.id) ?? p);
  }

  async skip(id: string, by: string): Promise<{ ok: true; proposal: ProposalJson } | Refused> {
    // Checked and changed in one synchronous step: two presses at once cannot both pass the check.
    const refused = this.#refuseIfNotPending(id);
    if (refused) return await refused;
    const proposal = await this.#end(id, { state: "skipped", at: this.#o.clock.now(), by });
    return { ok: true, proposal };
  }

  /**
   * Sends the proposed order after checking it is still waiting, the price has not drifted and the funds are
   * there. `by` names who approved (a Telegram user), kept in the journal's reason.
   */
  async execute(id: string, by: string): Promise<ExecuteResult> {
    const refused = this.#refuseIfNotPending(id);
    if (refused) return await refused;
    // Marked in the same synchronous step as the check, and on disk before anything else: a second press, or a
    // restart, sees it taken.
    let p = await this.#patch(id, { executingSince: this.#o.clock.now() });
    const fail = async (reason: string): Promise<ExecuteResult> => {
      const ended = await this.#end(id, { state: "failed", at: this.#o.clock.now(), reason, by });
      return { ok: false, reason, proposal: ended, failed: true };
    };
    try {
      const order = orderOfJson(p.intent);
      if ("invalid" in order) return await fail(`the stored order is not valid: ${order.invalid}`);
      const rules = await this.#o.client.symbolRules(order.symbol);
      if (!rules) return await fail(`${order.symbol} is no longer a market of the exchange`);
      const price = (await this.#o.client.tickerPrice(order.symbol)).price;
      const reference = new D(p.referencePrice);
      const drift = reference.isZero() ? new D(0) : price.minus(reference).abs().div(reference).mul(100);
      if (drift.gt(this.#o.maxPriceDriftPct))
        return await fail(
          `the price moved ${drift.toFixed(2)} % (${reference.toFixed()} → ${price.toFixed()}), more than the ${this.#o.maxPriceDriftPct.toFixed()} % allowed: not executed`,
        );
      const [asset, amount] =
        order.side === "SELL"
          ? [rules.base, order.quantity ?? new D(0)]
          : [rules.quote, order.quoteOrderQty ?? (order.quantity ?? new D(0)).mul(order.price ?? price)];
      const grant = await this.#o.treasury.reserve(p.bot, asset, amount);
      if (!grant.ok) return await fail(`not enough ${asset}: ${grant.reason}`);
      const outcome = await this.#o.orders.place({
        ...order,
        bot: p.bot,
        reason: `${p.reason} (approved by ${by})`,
        marketPrice: price,
        lease: grant.lease,
        ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
      });
      if (outcome.kind === "refused") return await fail(`refused: ${outcome.reason}`);
      if (outcome.kind === "rejected")
        return await fail(`rejected by the exchange: ${outcome.error.message}`);
      p = await this.#end(id, {
        state: "executed",
        at: this.#o.clock.now(),
        clientOrderId: outcome.entry.clientOrderId,
        by,
      });
      return { ok: true, proposal: p, outcome };
    } catch (err) {
      // Nothing was placed when a check itself failed (a lookup); placing never throws past the journal.
      const reason = err instanceof Error ? err.message : String(err);
      return await fail(`could not check the proposal: ${reason}`);
    }
  }

  /** Synchronous on purpose (see skip); a refusal may still have to save an expiry, hence the promise. */
  #refuseIfNotPending(id: string): Promise<Refused> | undefined {
    const p = this.get(id);
    if (!p)
      return Promise.resolve({
        ok: false,
        reason: "no such proposal (it may belong to an earlier session)",
        proposal: p,
      });
    const status = statusOf(p);
    if (status === "pending" && p.expiresAt <= this.#o.clock.now()) {
      return this.#end(id, { state: "expired", at: this.#o.clock.now() }).then((ended) => ({
        ok: false as const,
        reason: "the proposal expired",
        proposal: ended,
      }));
    }
    if (status !== "pending")
      return Promise.resolve({ ok: false, reason: `the proposal is already ${status}`, proposal: p });
    return undefined;
  }

  #end(id: string, end: NonNullable<ProposalJson["end"]>): Promise<ProposalJson> {
    return this.#patch(id, { end });
  }

  /** The change is applied before the first await (Store.update applies synchronously), then saved. */
  async #patch(id: string, patch: Partial<ProposalJson>): Promise<ProposalJson> {
    const current = this.get(id);
    if (!current) throw new Error(`proposal ${id} vanished from the store`);
    const out: ProposalJson = { ...current, ...patch };
    await this.#o.store.update((s) => {
      s.proposals[id] = out;
    });
    this.#changed(out);
    return out;
  }

  async #save(p: ProposalJson): Promise<void> {
    await this.#o.store.update((s) => {
      s.proposals[p.id] = p;
    });
    this.#changed(p);
  }

  #changed(p: ProposalJson): void {
    for (const l of [...this.#listeners]) {
      try {
        l(p);
      } catch (err) {
        this.#o.log?.error({ err, proposal: p.id }, "proposal listener failed");
      }
    }
  }
}
