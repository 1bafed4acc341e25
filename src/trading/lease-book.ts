import type { Lease, Treasury } from "./treasury.js";

/** The funds each order in flight holds, by client id: settled when the exchange takes them, else released. */
export class LeaseBook {
  readonly #leases = new Map<string, Lease>();
  readonly #treasury: Treasury | undefined;

  constructor(treasury: Treasury | undefined) {
    this.#treasury = treasury;
  }

  hold(id: string, lease: Lease | undefined): void {
    if (lease) this.#leases.set(id, lease);
  }

  /** A lease never held by an order (the order was refused before it had an id). */
  release(lease: Lease | undefined): void {
    if (lease) this.#treasury?.release(lease);
  }

  /** The exchange has locked (limit) or spent (market) the funds: a balance read from now on shows it. */
  settleFor(id: string): void {
    const lease = this.#leases.get(id);
    if (lease) this.#treasury?.settle(lease);
    this.#leases.delete(id);
  }

  /** The order never reached the book (rejected, lost): the funds are free again. */
  releaseFor(id: string): void {
    const lease = this.#leases.get(id);
    if (lease) this.#treasury?.release(lease);
    this.#leases.delete(id);
  }
}
