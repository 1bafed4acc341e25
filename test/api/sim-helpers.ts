import { inspect } from "node:util";
import {
  type Alert,
  D,
  type Logger,
  MexcClient,
  type MexcClientOptions,
  roundPrice,
  roundQuantity,
} from "../../src/api/index.js";
import { type RunningSim, type SimOptions, startSim } from "../../src/sim/index.js";

export const KEY = "sim-api-key";
export const SECRET = "sim-api-secret";

/** Fast retries so fault tests take milliseconds, not seconds. */
export const FAST_RETRY = { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 };

export function start(opts: SimOptions = {}): Promise<RunningSim> {
  return startSim({ seed: 7, generatedAlts: 40, ...opts });
}

export function clientFor(sim: RunningSim, opts: Partial<MexcClientOptions> = {}): MexcClient {
  return new MexcClient({
    baseUrl: sim.url,
    apiKey: KEY,
    apiSecret: SECRET,
    timeoutMs: 2000,
    retry: FAST_RETRY,
    ...opts,
  });
}

/** A pino-shaped logger that keeps every line as text (JSON and util.inspect of the object). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push(
        `${level} ${msg ?? ""} ${JSON.stringify(obj)} ${inspect(obj, { depth: 10, showHidden: true })}`,
      );
    };
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

export function collectAlerts(client: MexcClient): Alert[] {
  const alerts: Alert[] = [];
  client.onAlert((a) => alerts.push(a));
  return alerts;
}

/** Resolves to the rejection of `p` (fails the test if `p` resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail, it succeeded");
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sum of the simulator's request counters for every endpoint. */
export function totalRequests(sim: RunningSim): number {
  return Object.values(sim.sim.stats.requests).reduce((a, b) => a + b, 0);
}

/** A small BUY resting far below the BTCUSDT market (about 12 USDT at 70 % of the price). */
export async function restingBuyOrder(client: MexcClient, clientOrderId: string) {
  const rules = (await client.symbolRules("BTCUSDT"))!;
  const price = roundPrice(rules, (await client.tickerPrice("BTCUSDT")).price.mul("0.7"), "BUY");
  return {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: roundQuantity(rules, new D(12).div(price)),
    price,
    clientOrderId,
  } as const;
}
