/**
 * Time as a dependency. Bots, trading and portfolio never read Date or start timers themselves: they get a
 * Clock, so tests and replays can run a simulated week in seconds and still exercise the real code.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class AbortError extends Error {
  override readonly name = "AbortError";
  constructor(reason = "the wait was aborted") {
    super(reason);
  }
}

function abortReason(signal: AbortSignal): AbortError {
  const r: unknown = signal.reason;
  return r instanceof AbortError ? r : new AbortError(r instanceof Error ? r.message : undefined);
}

/**
 * Node fires a timer of more than 2^31 − 1 ms (24.8 days) after 1 ms, with a TimeoutOverflowWarning: a longer
 * wait (a digest period set to weeks) would wake at once, again and again. It waits in steps instead.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms > MAX_TIMER_MS)
      return this.sleep(MAX_TIMER_MS, signal).then(() => this.sleep(ms - MAX_TIMER_MS, signal));
    // Without a signal a plain timer: no listener to add and remove, no closures (most sleeps have none).
    if (!signal) return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      const timer = setTimeout(done, Math.max(0, ms));
      function onAbort(): void {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      }
      function done(): void {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/** Lets pending promise callbacks and I/O callbacks run, so code woken by the clock can reach its next sleep. */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that moves only when told. `advance` wakes sleepers in time order and lets each woken task run until it
 * sleeps again before moving on, so a chain of timers behaves as it would in real time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Number of sleeps not yet woken: a test can wait until the code under test is idle. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Whole milliseconds: a jittered back-off (2.7 ms) must not put the clock, and every timestamp taken from it,
    // between two milliseconds; exchange times are integers.
    const at = this.current + Math.max(0, Math.ceil(ms));
    // Without a signal the promise's own resolve is the sleeper's: no listener, no closures (a replay sleeps often).
    if (!signal) return new Promise((resolve) => this.sleepers.push({ at, seq: this.seq++, resolve }));
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      const sleeper: Sleeper = {
        at,
        seq: this.seq++,
        resolve: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, each at its own instant. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward: advance(${ms})`);
    const target = this.current + ms;
    await flushAsync();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
      // Several flushes: a woken task may await resolved promises and I/O before it sleeps again.
      for (let i = 0; i < 3; i++) await flushAsync();
    }
    // Two advances in flight must never move time backwards.
    this.current = Math.max(this.current, target);
    await flushAsync();
  }

  /** Jumps to an absolute time (never backwards), waking what is due. */
  async advanceTo(time: number): Promise<void> {
    await this.advance(Math.max(0, time - this.current));
  }

  private nextDue(target: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (s.at > target) continue;
      if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  }
}
