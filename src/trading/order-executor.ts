import {
  type ApiError,
  isApiError,
  type MexcClient,
  type NewOrderRequest,
  type Order,
  type OrderAck,
  type OrderRef,
  type SymbolRules,
} from "../api/index.js";
import type { JournalEntry } from "./order-state.js";

/**
 * The order manager's only way to the exchange's order endpoints: send, look up, cancel, list open orders.
 * It keeps no journal; it knows which cancels MEXC already took, so none is sent twice.
 */
export class OrderExecutor {
  readonly #client: MexcClient;
  /**
   * Orders whose cancel MEXC took (answered 200, however short the answer) but whose final state is not read yet:
   * the cancel is never sent again, only the lookup is repeated. In memory: after a restart a repeated cancel
   * would only meet -2011, which is handled like any race.
   */
  readonly #cancelTaken = new Set<string>();

  constructor(client: MexcClient) {
    this.#client = client;
  }

  rules(symbol: string): Promise<SymbolRules | undefined> {
    return this.#client.symbolRules(symbol);
  }

  /**
   * Never retried: an unclear outcome throws, and only a lookup by client id resolves it. `mayStillSend` is asked
   * last, once the client has waited for everything (rules, clock, limiter, a 429 pause) and just before the
   * request leaves: a reason it gives withholds the request and throws NotSent, so nothing left this process.
   */
  send(req: NewOrderRequest, mayStillSend?: () => string | undefined): Promise<OrderAck> {
    if (!mayStillSend) return this.#client.newOrder(req);
    return this.#client.newOrder(req, () => {
      const reason = mayStillSend();
      if (reason !== undefined) throw new NotSent(reason);
    });
  }

  fetch(e: Pick<JournalEntry, "intent" | "orderId" | "clientOrderId">): Promise<Order> {
    return this.#client.getOrder(refOf(e));
  }

  fetchById(symbol: string, orderId: string): Promise<Order> {
    return this.#client.getOrder({ symbol, orderId });
  }

  /** By client id: the only handle on an order whose acknowledgement never came. */
  lookup(symbol: string, clientOrderId: string): Promise<Order> {
    return this.#client.getOrder({ symbol, clientOrderId });
  }

  openOrders(symbol: string): Promise<Order[]> {
    return this.#client.openOrders(symbol);
  }

  /**
   * Sends the cancel unless MEXC already took one for this order. A 200 means taken, even a short answer without
   * status or executedQty (reference: "What the real exchange sends"); what the order ended as comes from a
   * lookup. "unknown-order" (-2011) means it filled or was cancelled just before: nothing left to cancel.
   */
  async cancelOnce(e: JournalEntry): Promise<void> {
    if (this.#cancelTaken.has(e.clientOrderId)) return;
    try {
      await this.#client.cancelOrder(refOf(e));
    } catch (err) {
      if (!isApiError(err, "unknown-order")) throw err;
    }
    this.#cancelTaken.add(e.clientOrderId);
  }

  /** The order ended: nothing is left to cancel. */
  ended(clientOrderId: string): void {
    this.#cancelTaken.delete(clientOrderId);
  }
}

/** The order was withheld at the last gate: it never left this process, so it is definitely not placed. */
export class NotSent extends Error {
  override readonly name = "NotSent";
  readonly reason: string;

  constructor(reason: string) {
    super(`not sent: ${reason}`);
    this.reason = reason;
  }
}

export function refOf(e: Pick<JournalEntry, "intent" | "orderId" | "clientOrderId">): OrderRef {
  return e.orderId
    ? { symbol: e.intent.symbol, orderId: e.orderId }
    : { symbol: e.intent.symbol, clientOrderId: e.clientOrderId };
}

/** Errors that prove the order was not placed: the exchange refused it, or it never left this process. */
export function isDefiniteNo(e: ApiError): boolean {
  return !["unknown-outcome", "network", "bad-response"].includes(e.kind);
}
