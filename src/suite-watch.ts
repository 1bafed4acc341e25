import type { DailyLossGuard } from "./bots/daily-loss.js";
import type { Clock } from "./clock.js";
import type { D } from "./decimal.js";
import type { Logger } from "./log.js";
import type { ValueHistory } from "./portfolio/value-history.js";
import type { ArchivableJournal, JournalArchive } from "./trading/journal-archive.js";
import type { Proposals } from "./trading/proposals.js";

export interface PortfolioWatchOptions {
  clock: Clock;
  journal: ArchivableJournal;
  log: Logger;
  proposals: Proposals;
  archive: JournalArchive;
  guard: DailyLossGuard;
  history: ValueHistory;
  /** The account's value now (USDT). */
  value: () => Promise<D>;
  everyMs: number;
  sampleEveryMs: number;
  /** Ended orders stay in the journal this long before the archive takes them. */
  keepJournalMs: number;
}

/**
 * The suite's housekeeping loop: values the account for the daily loss limit and the chart, ends proposals whose
 * time is up, and moves old ended orders to the archive once an hour.
 */
export class PortfolioWatch {
  readonly #o: PortfolioWatchOptions;
  readonly #abort = new AbortController();
  #running: Promise<void> = Promise.resolve();
  #lastArchive = Number.NEGATIVE_INFINITY;

  constructor(o: PortfolioWatchOptions) {
    this.#o = o;
  }

  start(): void {
    this.#running = this.#loop();
  }

  /** Ends the loop at once; the promise settles when its current round has finished. */
  stop(): Promise<void> {
    this.#abort.abort();
    return this.#running;
  }

  async #once(lastSample: number): Promise<number> {
    const o = this.#o;
    await o.proposals.expireDue();
    if (o.clock.now() - this.#lastArchive >= 3_600_000) {
      this.#lastArchive = o.clock.now();
      o.archive.archive(o.journal, o.clock.now(), o.keepJournalMs, o.log);
    }
    const total = await o.value();
    const now = o.clock.now();
    await o.guard.observe(now, total);
    if (now - lastSample < o.sampleEveryMs) return lastSample;
    o.history.record(now, total);
    return now;
  }

  async #loop(): Promise<void> {
    let lastSample = Number.NEGATIVE_INFINITY;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        lastSample = await this.#once(lastSample);
      } catch (err) {
        this.#o.log.warn(
          { err },
          "portfolio watch failed; the daily loss limit is checked again at the next tick",
        );
      }
      await this.#o.clock.sleep(this.#o.everyMs, signal).catch(() => {});
    }
  }
}
