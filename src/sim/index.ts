/**
 * A MEXC-compatible spot exchange: the same wire (paths, fields, string decimals, signatures, errors, limits)
 * as api.mexc.com, over a seeded synthetic market, an upstream's real one (paper) or recorded history, with
 * faults on demand.
 * It imports nothing of the project but the clock: it stands in for an independent exchange.
 */
import { serve } from "./http.js";
import { type SimOptions, Simulator } from "./simulator.js";

export type { SimAccountSpec } from "./accounts.js";
export { sign } from "./auth.js";
export type { AcceptMode, FailSpec, MalformedKind, RandomFaultKind } from "./faults.js";
export { SimFaults } from "./faults.js";
export type { FeeAsset } from "./fees.js";
export { HISTORY_HEADER, historyPath } from "./history-file.js";
export { type HistoryOptions, listSymbols as historySymbols } from "./history-source.js";
export type { SimRequest, SimResponse } from "./routes.js";
export {
  DEFAULT_ACCOUNT,
  type RegimeSpec,
  SimDropped,
  type SimMarket,
  type SimOptions,
  Simulator,
} from "./simulator.js";
export { SimStats } from "./stats.js";
export type { MarketRestriction, PriceBand } from "./symbol-options.js";
export { DEFAULT_PRICE_BANDS } from "./symbol-options.js";
export type { VariantOptions } from "./variants.js";

export interface RunningSim {
  url: string;
  port: number;
  sim: Simulator;
  close(): Promise<void>;
}

/** Starts a simulator behind node:http on 127.0.0.1 (port 0: any free port). */
export async function startSim(
  opts: SimOptions & { port?: number; host?: string } = {},
): Promise<RunningSim> {
  const { port, host, ...simOpts } = opts;
  const sim = new Simulator(simOpts);
  const server = await serve(sim, port ?? 0, host ?? "127.0.0.1");
  return {
    url: server.url,
    port: server.port,
    sim,
    close: async () => {
      sim.dispose();
      await server.close();
    },
  };
}
