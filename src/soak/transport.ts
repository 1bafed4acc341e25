import type { HttpRequest, HttpResponse, Transport } from "../api/index.js";
import { TransportFailure } from "../api/transport.js";
import type { Clock } from "../clock.js";
import { inProcessTransport } from "../in-process-transport.js";
import type { Simulator } from "../sim/index.js";

/** What the soak's transport saw: the client's side of the wire. */
export interface WireStats {
  sent: number;
  answered: number;
  inFlight: number;
  dropped: number;
  timedOut: number;
  byStatus: Record<number, number>;
}

interface Waiting {
  deadline: number;
  fail: (err: TransportFailure) => void;
  t0: number;
  /** Set once a timer runs for it on the clock. */
  timer?: AbortController;
}

/**
 * Client timeouts on the virtual clock, armed only when needed. An in-process answer either comes without the clock
 * moving, or the simulator sleeps on the clock first (a "slow" or "stall" fault). So instead of a timer per request
 * (an AbortController and a sleeper each: a tenth of the soak's time), the simulator gets a clock whose sleep first
 * arms a timer for every request in flight; a timer set for a request that then answers is cancelled.
 */
export class Timeouts {
  readonly #waiting = new Set<Waiting>();

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  /** The clock to give the simulator. */
  forSimulator(): Clock {
    return {
      now: () => this.clock.now(),
      sleep: (ms, signal) => {
        this.#armAll();
        return this.clock.sleep(ms, signal);
      },
    };
  }

  /** A promise that rejects with ETIMEDOUT if the request is still waiting at its deadline; `done` ends it. */
  watch(t0: number): { expired: Promise<never>; done: () => void } {
    const w = { deadline: this.clock.now() + this.timeoutMs, t0 } as Waiting;
    const expired = new Promise<never>((_, reject) => {
      w.fail = reject;
    });
    this.#waiting.add(w);
    return {
      expired,
      done: () => {
        this.#waiting.delete(w);
        w.timer?.abort();
      },
    };
  }

  #armAll(): void {
    for (const w of this.#waiting) {
      if (w.timer) continue;
      const timer = new AbortController();
      w.timer = timer;
      this.clock.sleep(Math.max(0, w.deadline - this.clock.now()), timer.signal).then(
        () => {
          if (!this.#waiting.delete(w)) return;
          this.onTimeout();
          w.fail(
            new TransportFailure(
              { code: "ETIMEDOUT", message: `timeout of ${this.timeoutMs}ms exceeded` },
              true,
              performance.now() - w.t0,
            ),
          );
        },
        () => {},
      );
    }
  }
}

/**
 * src/in-process-transport.ts (which already turns a dropped connection into the ECONNRESET node:http raises)
 * plus what a soak needs on top: a timeout on the virtual clock, as the HTTP transport's deadline in real time (see Timeouts):
 * a stalled or slow answer ends the wait with ETIMEDOUT while the simulator still processes the request (the order
 * may exist); and counters of what went over the wire. The simulator must run on `timeouts.forSimulator()`.
 */
export function soakTransport(sim: Simulator, clock: Clock, timeouts: Timeouts, stats: WireStats): Transport {
  const wire = inProcessTransport(sim, clock);
  async function ask(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await wire.send(req);
    } catch (err) {
      if (err instanceof TransportFailure && err.safe.code === "ECONNRESET") stats.dropped++;
      throw err;
    }
  }

  return {
    async send(req) {
      const t0 = performance.now();
      stats.sent++;
      stats.inFlight++;
      const watch = timeouts.watch(t0);
      const answer = ask(req);
      // The losing side of the race must not surface as an unhandled rejection.
      answer.catch(() => {});
      try {
        const res = await Promise.race([answer, watch.expired]);
        stats.answered++;
        stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
        return res;
      } finally {
        watch.done();
        stats.inFlight--;
      }
    },
  };
}

export function newWireStats(): WireStats {
  return { sent: 0, answered: 0, inFlight: 0, dropped: 0, timedOut: 0, byStatus: {} };
}
