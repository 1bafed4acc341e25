import type { SimOptions, Simulator } from "../sim/index.js";

/** Where a replay's prices come from: the simulator's seeded synthetic market, or history files. */
export interface MarketChoice {
  /** Folder of `<SYMBOL>-<interval>.csv` files (npm run history); the synthetic market when absent. */
  history: string | undefined;
  interval: string;
}

/**
 * The simulator options that pick the market: the one place a replay decides it. A replay over a virtual period
 * of the synthetic market is a valid run (the bots meet the same seeded market they meet in sim mode).
 */
export function marketOptions(m: MarketChoice): Partial<SimOptions> {
  if (!m.history) return {};
  return { history: { dir: m.history, interval: m.interval } };
}

/**
 * Checks the market can serve the period: a history market must cover [fromMs, toMs). A simulator built without
 * the history market would quietly answer with synthetic prices, so that is refused too.
 */
export function checkMarket(sim: Simulator, m: MarketChoice, fromMs: number, toMs: number): void {
  if (!m.history) return;
  const r = sim.historyRange();
  if (r === undefined) throw new Error(`--history ${m.history}: the simulator loaded no history market`);
  if (r.fromMs > fromMs || r.toMs < toMs)
    throw new Error(
      `--history ${m.history} covers ${iso(r.fromMs)} to ${iso(r.toMs)}, not ${iso(fromMs)} to ${iso(toMs)}: ` +
        "fetch the missing candles (npm run history -- fetch) or narrow --from/--to",
    );
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
