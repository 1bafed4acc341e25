import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";

/** What the guard pauses: the runtime's buying bots. */
export interface BuyerSwitch {
  pauseBuyers(reason: string): void;
  resumeBuyers(): void;
}

export interface DailyLossOptions {
  store: Store;
  buyers: BuyerSwitch;
  /** Pause the buyers when the day's loss exceeds this (USD). */
  limitUsd: D;
  log?: Logger;
}

export type DailyLossStatus =
  | { state: "no-baseline" }
  | { state: "ok" | "tripped"; day: string; startValue: D; value: D; change: D; limit: D };

/** The UTC day an instant belongs to, "2026-11-22". */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The daily loss limit. The portfolio's total value when the UTC day starts is the baseline; realized and
 * unrealized PnL both show up as a change of that value, so "loss today" is baseline − value now. Beyond the
 * limit, every buying bot pauses (sellers go on: they cut losses) until the next UTC day or the owner's reset.
 * The baseline and the trip are in the store, so a restart neither forgets the pause nor restarts the day.
 * Deposits and withdrawals move the value too: the owner resets the baseline after one (/resume all does).
 */
export class DailyLossGuard {
  readonly #o: DailyLossOptions;
  #last: DailyLossStatus = { state: "no-baseline" };

  constructor(opts: DailyLossOptions) {
    this.#o = opts;
    // A trip saved earlier today holds across the restart; observe() lifts it when the day has changed.
    const risk = opts.store.state.risk;
    if (risk.trippedAt !== undefined)
      opts.buyers.pauseBuyers(`daily loss limit of ${opts.limitUsd.toFixed()} USD hit (before the restart)`);
  }

  get status(): DailyLossStatus {
    return this.#last;
  }

  /** Feeds the portfolio's value at `now`; starts a new day, trips or does nothing. */
  async observe(now: number, value: D): Promise<DailyLossStatus> {
    const day = utcDay(now);
    const risk = this.#o.store.state.risk;
    if (risk.day !== day || risk.startValueUsdt === undefined) {
      const wasTripped = risk.trippedAt !== undefined;
      await this.#o.store.update((s) => {
        s.risk = { day, startValueUsdt: value.toFixed() };
      });
      this.#o.log?.info({ day, startValue: value.toFixed(2) }, "daily loss limit: new day, new baseline");
      if (wasTripped) this.#o.buyers.resumeBuyers();
    }
    const startValue = new D(this.#o.store.state.risk.startValueUsdt ?? value);
    const change = value.minus(startValue);
    const limit = this.#o.limitUsd;
    const tripped = this.#o.store.state.risk.trippedAt !== undefined;
    if (!tripped && change.negated().gt(limit)) {
      await this.#o.store.update((s) => {
        s.risk.trippedAt = now;
      });
      const reason = `daily loss limit: the portfolio lost ${change.negated().toFixed(2)} USD today (${startValue.toFixed(2)} → ${value.toFixed(2)}), more than the ${limit.toFixed()} USD allowed`;
      this.#o.log?.warn({ change: change.toFixed(2), limit: limit.toFixed() }, reason);
      this.#o.buyers.pauseBuyers(reason);
    }
    const state = this.#o.store.state.risk.trippedAt !== undefined ? "tripped" : "ok";
    this.#last = { state, day, startValue, value, change, limit };
    return this.#last;
  }

  /** The owner's reset: today's baseline becomes the current value and the buyers resume. */
  async reset(now: number, value: D): Promise<void> {
    await this.#o.store.update((s) => {
      s.risk = { day: utcDay(now), startValueUsdt: value.toFixed() };
    });
    this.#o.log?.info({ startValue: value.toFixed(2) }, "daily loss limit reset by the owner");
    this.#o.buyers.resumeBuyers();
    this.#last = {
      state: "ok",
      day: utcDay(now),
      startValue: value,
      value,
      change: new D(0),
      limit: this.#o.limitUsd,
    };
  }
}
