import type { Clock } from "../clock.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";

/** The exchange's free balances at one moment. */
export interface BalanceSnapshot {
  at: number;
  free: ReadonlyMap<string, D>;
}

export interface BalanceSource {
  /** Reads free balances from the exchange now. */
  fetch(): Promise<BalanceSnapshot>;
}

/** Money kept back per bot and asset: "after my purchase, at least this much USDC must remain". */
export type Floors = Readonly<Record<string, Readonly<Record<string, D>>>>;

/**
 * A grant of funds to one bot for one order. It is `settled` when the order has ended or the exchange has taken
 * the funds (locked for a resting order, spent for a filled one): from then on, a balance read after `settledAt`
 * already reflects it, so the lease stops counting.
 */
export interface Lease {
  readonly id: string;
  readonly bot: string;
  readonly asset: string;
  readonly amount: D;
  readonly createdAt: number;
  settledAt: number | undefined;
}

export type Refusal = {
  ok: false;
  bot: string;
  asset: string;
  requested: D;
  spendable: D;
  floor: D;
  reason: string;
};
export type Grant = { ok: true; lease: Lease };

/** What a bot may ask of the treasury: the real one when it trades alone, `lookOnly()` when it proposes. */
export type Funds = Pick<Treasury, "reserve" | "reserveUpTo" | "release" | "spendable" | "floorOf">;

export interface TreasuryOptions {
  source: BalanceSource;
  clock: Clock;
  floors?: Floors;
  log?: Logger;
  /** A balance read younger than this is reused for the next reservation (ms); 0 reads every time. */
  maxSnapshotAgeMs?: number;
}

/**
 * The one place bots get money from. Reservations are serialised, so two bots deciding at the same instant can
 * never both spend the same dollar; floors hold for each bot whatever the others do.
 *
 * spendable(bot, asset) = free balance − leases not yet reflected in that balance − floor(bot, asset)
 */
export class Treasury {
  readonly #source: BalanceSource;
  readonly #clock: Clock;
  readonly #floors: Floors;
  readonly #log: Logger | undefined;
  readonly #maxAge: number;
  #snapshot: BalanceSnapshot | undefined;
  #leases = new Map<string, Lease>();
  #queue: Promise<unknown> = Promise.resolve();
  #seq = 0;

  constructor(opts: TreasuryOptions) {
    this.#source = opts.source;
    this.#clock = opts.clock;
    this.#floors = opts.floors ?? {};
    this.#log = opts.log;
    this.#maxAge = opts.maxSnapshotAgeMs ?? 0;
  }

  floorOf(bot: string, asset: string): D {
    return this.#floors[bot]?.[asset] ?? new D(0);
  }

  /** Grants exactly `amount` of `asset` to `bot`, or refuses with the figures that explain why. */
  reserve(bot: string, asset: string, amount: D): Promise<Grant | Refusal> {
    return this.#reserve(bot, asset, amount, true);
  }

  /**
   * Grants as much as possible up to `max`, but at least `min`: "spend a safe amount". Refuses when even `min`
   * is not spendable.
   */
  reserveUpTo(bot: string, asset: string, max: D, min: D): Promise<Grant | Refusal> {
    return this.#reserveUpTo(bot, asset, max, min, true);
  }

  /**
   * The treasury as a bot whose orders become proposals sees it: the same grants and refusals, but a grant holds
   * nothing (its lease is born settled). A proposal may wait for hours, and funds it held would keep every other
   * bot from them meanwhile; Execute reserves for real and re-checks the funds then.
   */
  lookOnly(): Funds {
    return {
      reserve: (bot, asset, amount) => this.#reserve(bot, asset, amount, false),
      reserveUpTo: (bot, asset, max, min) => this.#reserveUpTo(bot, asset, max, min, false),
      release: (lease) => this.release(lease),
      spendable: (bot, asset) => this.spendable(bot, asset),
      floorOf: (bot, asset) => this.floorOf(bot, asset),
    };
  }

  #reserve(bot: string, asset: string, amount: D, hold: boolean): Promise<Grant | Refusal> {
    return this.#serialised(async () => {
      const spendable = await this.#spendable(bot, asset);
      if (amount.lte(0) || amount.gt(spendable)) {
        return this.#refuse(bot, asset, amount, spendable);
      }
      return { ok: true as const, lease: this.#grant(bot, asset, amount, hold) };
    });
  }

  #reserveUpTo(bot: string, asset: string, max: D, min: D, hold: boolean): Promise<Grant | Refusal> {
    return this.#serialised(async () => {
      const spendable = await this.#spendable(bot, asset);
      const amount = D.min(max, spendable);
      if (amount.lt(min) || amount.lte(0)) return this.#refuse(bot, asset, min, spendable);
      return { ok: true as const, lease: this.#grant(bot, asset, amount, hold) };
    });
  }

  /** The order has taken its funds or ended: a balance read from now on shows it. */
  settle(lease: Lease): void {
    const held = this.#leases.get(lease.id);
    if (held && held.settledAt === undefined) held.settledAt = this.#clock.now();
  }

  /** Gives the funds back without an order (refused intent, rejected order). Same effect as settle. */
  release(lease: Lease): void {
    this.settle(lease);
  }

  /** What `bot` could spend of `asset` now (reads the balance when stale). */
  spendable(bot: string, asset: string): Promise<D> {
    return this.#serialised(() => this.#spendable(bot, asset));
  }

  /** Leases still counting against the balance, for /status and tests. */
  get openLeases(): Lease[] {
    return [...this.#leases.values()].filter((l) => l.settledAt === undefined);
  }

  /** Forces the next reservation to read balances from the exchange. */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  async #spendable(bot: string, asset: string): Promise<D> {
    const snap = await this.#fresh();
    const free = snap.free.get(asset) ?? new D(0);
    let leased = new D(0);
    for (const l of this.#leases.values()) {
      if (l.asset !== asset) continue;
      // A settled lease no longer counts once the balance was read after it settled.
      if (l.settledAt !== undefined && l.settledAt < snap.at) {
        this.#leases.delete(l.id);
        continue;
      }
      leased = leased.plus(l.amount);
    }
    return D.max(0, free.minus(leased).minus(this.floorOf(bot, asset)));
  }

  async #fresh(): Promise<BalanceSnapshot> {
    const now = this.#clock.now();
    if (!this.#snapshot || now - this.#snapshot.at > this.#maxAge || this.#maxAge === 0) {
      this.#snapshot = await this.#source.fetch();
    }
    return this.#snapshot;
  }

  #grant(bot: string, asset: string, amount: D, hold: boolean): Lease {
    const now = this.#clock.now();
    const lease: Lease = {
      id: `${bot}:${++this.#seq}`,
      bot,
      asset,
      amount,
      createdAt: now,
      settledAt: undefined,
    };
    if (!hold) {
      lease.settledAt = now;
      return lease;
    }
    this.#leases.set(lease.id, lease);
    this.#log?.debug({ bot, asset, amount: amount.toFixed(), lease: lease.id }, "funds reserved");
    return lease;
  }

  #refuse(bot: string, asset: string, requested: D, spendable: D): Refusal {
    const floor = this.floorOf(bot, asset);
    const reason =
      `${bot} asked for ${requested.toFixed()} ${asset} but only ${spendable.toFixed()} is spendable` +
      (floor.gt(0) ? ` (keeping ${floor.toFixed()} ${asset} as its floor)` : "");
    this.#log?.info(
      { bot, asset, requested: requested.toFixed(), spendable: spendable.toFixed() },
      "funds refused",
    );
    return { ok: false, bot, asset, requested, spendable, floor, reason };
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }
}
