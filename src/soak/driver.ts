import type { VirtualClock } from "../clock.js";

/**
 * Moves virtual time for the soak. After each step it "settles": it lets the event loop turn until nothing has
 * moved for a few turns in a row (no request started or answered, the same sleepers on the clock, no message
 * queued), i.e. every woken loop has done its work and sleeps again on the clock. Only then does time move on, so
 * a bot's run happens at the virtual instant it was due, as it would in real time.
 */
export class Driver {
  /** Event-loop turns spent settling, for the timing report. */
  turns = 0;

  constructor(
    private readonly clock: VirtualClock,
    /** Anything that changes while work is in progress (request counters, pending sleeps, queued messages). */
    private readonly stamp: () => string,
    /** Quiet turns in a row that count as settled: fewer would move time under a run still finishing. */
    private readonly quietTurns = 3,
  ) {}

  async settle(): Promise<void> {
    let last = this.stamp();
    let quiet = 0;
    while (quiet < this.quietTurns) {
      await new Promise<void>((r) => setImmediate(r));
      this.turns++;
      const now = this.stamp();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
  }

  /** One step of `ms` (every sleeper due on the way wakes at its own instant), then settle. */
  async step(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.settle();
  }

  /** Moves time `ms` forward in steps of `stepMs`. */
  async run(ms: number, stepMs = 60_000): Promise<void> {
    const until = this.clock.now() + ms;
    while (this.clock.now() < until) await this.step(Math.min(stepMs, until - this.clock.now()));
  }

  /**
   * Awaits work that may sleep on the clock (back-off, the limiter, a grace period): time moves a second at a
   * time until it ends, for at most `limitMs` of virtual time.
   */
  async during<T>(work: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let done = false;
    work.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    await this.settle();
    const until = this.clock.now() + limitMs;
    while (!done) {
      if (this.clock.now() >= until) throw new Error(`still waiting after ${limitMs} ms of virtual time`);
      await this.step(1_000);
    }
    return work;
  }
}
