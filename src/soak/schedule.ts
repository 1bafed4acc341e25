import type { RegimeSpec, Simulator } from "../sim/index.js";
import { Rng } from "../sim/rng.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The pairs the core bots trade (BTC/ETH against both stablecoins). */
export const CORE_SYMBOLS = ["BTCUSDC", "ETHUSDC", "BTCUSDT", "ETHUSDT"];

export interface RegimeEvent extends RegimeSpec {
  symbol: string;
  startMs: number;
}

/** A fault that is not a per-request die: arranged at an instant of the run. */
export interface TimedFault {
  at: number;
  label: "skew" | "stall" | "429-burst";
  apply(sim: Simulator): void;
}

export interface SoakSchedule {
  regimes: RegimeEvent[];
  faults: TimedFault[];
}

/**
 * Everything the week holds besides the per-request dice, drawn from the seed: market regimes on the core pairs and
 * on alts (the balancer's basket and busy scanner candidates), clock skew steps, stalled order answers and bursts of
 * 429 on the busiest endpoints. Same seed, same week.
 */
export function makeSchedule(o: {
  seed: number;
  startMs: number;
  days: number;
  alts: string[];
}): SoakSchedule {
  const rng = new Rng((o.seed ^ 0x5eed50a4) >>> 0);
  const regimes: RegimeEvent[] = [];
  const faults: TimedFault[] = [];
  const end = o.startMs + o.days * DAY;
  const at = (from: number, to: number) => Math.floor(from + rng.next() * (to - from));

  for (let day = 0; day < Math.ceil(o.days); day++) {
    const d0 = o.startMs + day * DAY;
    const d1 = Math.min(end, d0 + DAY);
    // About one regime per core pair and day, and three on alts: enough for the sellers to find profit and the
    // buyers to meet a dip, without drifting prices away over a week (pumps retrace, trends go both ways).
    for (const symbol of CORE_SYMBOLS) if (rng.chance(0.8)) regimes.push(...regime(rng, symbol, at(d0, d1)));
    for (let i = 0; i < 3 && o.alts.length > 0; i++)
      regimes.push(...regime(rng, rng.pick(o.alts), at(d0, d1)));

    faults.push(...dayFaults(rng, () => at(d0, d1)));
  }
  faults.sort((a, b) => a.at - b.at);
  regimes.sort((a, b) => a.startMs - b.startMs);
  return { regimes, faults };
}

/** A pump (partly retraced), a dip or a trend on one symbol from `startMs`. */
function regime(rng: Rng, symbol: string, startMs: number): RegimeEvent[] {
  const roll = rng.next();
  if (roll < 0.35) {
    // A pump, then part of it given back a few hours later.
    const change = 0.08 + rng.next() * 0.3;
    const durationMs = rng.int(20, 180) * MIN;
    const retrace = -(change / (1 + change)) * (0.3 + rng.next() * 0.6);
    return [
      { symbol, kind: "pump", startMs, durationMs, change },
      {
        symbol,
        kind: "dip",
        startMs: startMs + durationMs + rng.int(1, 6) * HOUR,
        durationMs: 2 * HOUR,
        change: retrace,
      },
    ];
  }
  if (roll < 0.7) {
    const change = -(0.04 + rng.next() * 0.2);
    return [{ symbol, kind: "dip", startMs, durationMs: rng.int(30, 240) * MIN, change }];
  }
  const change = (rng.chance(0.5) ? 1 : -1) * (0.03 + rng.next() * 0.12);
  return [{ symbol, kind: "trend", startMs, durationMs: rng.int(6, 24) * HOUR, change }];
}

/** One day's timed faults; `when` draws each one's instant within the day. */
function dayFaults(rng: Rng, when: () => number): TimedFault[] {
  const out: TimedFault[] = [];
  // The exchange's clock steps ahead (our host's clock falls behind): signed requests meet 700003 until the
  // client resyncs. Never backwards: a real exchange's clock does not run back, and trade times must not either.
  for (let i = 0; i < 2; i++) {
    const stepMs = rng.int(1_000, 12_000);
    out.push({
      at: when(),
      label: "skew",
      apply: (sim) => sim.faults.skewClock(sim.faults.skewMs + stepMs),
    });
  }
  // The next accepted order is answered only after a minute: past the client's timeout, so its outcome is unknown.
  for (let i = 0; i < 3; i++) {
    const stallMs = rng.int(30_000, 120_000);
    out.push({
      at: when(),
      label: "stall",
      apply: (sim) => sim.faults.acceptThen("stall", { stallMs }),
    });
  }
  // A burst of 429 with Retry-After on the three busiest endpoints so far.
  for (let i = 0; i < 2; i++) {
    const count = rng.int(3, 10);
    const retryAfter = String(rng.int(1, 10));
    out.push({
      at: when(),
      label: "429-burst",
      apply: (sim) => {
        const busiest = Object.entries(sim.stats.requests)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3);
        for (const [endpoint] of busiest)
          sim.faults.failNext(endpoint, {
            status: 429,
            count,
            headers: { "retry-after": retryAfter },
            body: { code: 429, msg: "Too Many Requests" },
          });
      },
    });
  }
  return out;
}
