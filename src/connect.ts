import { MexcClient } from "./api/index.js";
import { LimiterFile } from "./api/limiter-file.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Env } from "./env.js";
import { inProcessTransport } from "./in-process-transport.js";
import { type Logger, silentLogger } from "./log.js";
import { statePaths } from "./paths.js";
import { type RunningSim, Simulator, startSim } from "./sim/index.js";

/** The simulated account's credentials: known, printed, worth nothing. */
export const SIM_API_KEY = "sim-api-key";
export const SIM_API_SECRET = "sim-api-secret";

export interface Exchange {
  client: MexcClient;
  /** The built-in simulator in sim and paper mode. */
  sim: RunningSim | undefined;
  /** Where the client talks to. */
  url: string;
  close(): Promise<void>;
}

function simOptions(env: Env, config: Config, clock: Clock) {
  const balances = Object.fromEntries(
    Object.entries(config.sim.startingBalances).map(([a, d]) => [a, d.toFixed()]),
  );
  return {
    clock,
    seed: config.sim.seed,
    generatedAlts: config.sim.generatedAlts,
    feeAsset: config.sim.feeAsset,
    accounts: [{ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, balances }],
    ...(env.mode === "paper" ? { upstream: env.mexcBaseUrl } : {}),
  };
}

/** config.ts's rateLimits section, in the client's terms. */
export function clientLimits(config: Config) {
  const r = config.rateLimits;
  return {
    ipBudget: r.ipWeightPer10s,
    uidBudget: r.uidWeightPer10s,
    windowMs: 10_000,
    requestsPerSecond: r.requestsPerSec,
    ordersPerSecond: r.ordersPerSec,
    accountPerSecond: r.accountPerSec,
    marginPct: r.marginPct,
    cutPct: r.backoffPct,
    floorPct: r.floorPct,
    climbPct: r.climbPct,
  };
}

function clientOptions(config: Config, clock: Clock, log: Logger | undefined) {
  return {
    clock,
    timeoutMs: config.exchange.timeoutMs,
    recvWindow: config.exchange.recvWindowMs,
    rulesRefreshMs: config.exchange.rulesRefreshSec * 1000,
    limits: clientLimits(config),
    ...(log ? { logger: log } : {}),
  };
}

/**
 * Live mode's limiter state (api/limiter-file.ts): MEXC counts per IP and account, so a restart must honour the
 * previous process's requests and back-off. Sim and paper need none: their simulator starts anew with the process.
 */
export function liveLimiterFile(env: Env, clock: Clock, log?: Logger): LimiterFile {
  return new LimiterFile({ path: statePaths(env).limiterFile, clock, logger: log ?? silentLogger() });
}

/**
 * One exchange code path for every mode: live talks to MEXC with the user's keys; sim and paper start the built-in
 * simulator on loopback (paper feeds it MEXC's public market data) and talk to it over HTTP with the same client.
 */
export async function connectExchange(
  env: Env,
  config: Config,
  clock: Clock,
  log?: Logger,
): Promise<Exchange> {
  if (env.mode === "live") {
    if (!env.mexcKeys || !env.liveTrading)
      throw new Error("live mode needs keys and LIVE_TRADING=yes (checked in env.ts)");
    const limiterFile = liveLimiterFile(env, clock, log);
    const client = new MexcClient({
      baseUrl: env.mexcBaseUrl,
      apiKey: env.mexcKeys.apiKey,
      apiSecret: env.mexcKeys.apiSecret,
      ...clientOptions(config, clock, log),
      limiterFile,
    });
    const close = async () => {
      client.close();
      limiterFile.close();
    };
    return { client, sim: undefined, url: env.mexcBaseUrl, close };
  }
  const sim = await startSim({ ...simOptions(env, config, clock), host: "127.0.0.1", port: 0 });
  const client = new MexcClient({
    baseUrl: sim.url,
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    ...clientOptions(config, clock, log),
  });
  return {
    client,
    sim,
    url: sim.url,
    close: async () => {
      client.close();
      await sim.close();
    },
  };
}

/**
 * A client for market data only, with no server: in sim mode a simulator in this process (same seed, same clock,
 * so the same prices as the running suite), otherwise the public endpoints of MEXC_BASE_URL.
 */
export function marketDataClient(env: Env, config: Config, clock: Clock): MexcClient {
  if (env.mode === "sim") {
    const sim = new Simulator(simOptions(env, config, clock));
    return new MexcClient({
      baseUrl: "http://in-process.sim",
      transport: inProcessTransport(sim, clock),
      ...clientOptions(config, clock, undefined),
    });
  }
  return new MexcClient({ baseUrl: env.mexcBaseUrl, ...clientOptions(config, clock, undefined) });
}
