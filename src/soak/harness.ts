import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MexcClient } from "../api/index.js";
import { floorsOf } from "../app.js";
import { VirtualClock } from "../clock.js";
import { userConfig } from "../config.js";
import { type Config, parseConfig } from "../config-schema.js";
import { clientLimits, type Exchange, SIM_API_KEY, SIM_API_SECRET } from "../connect.js";
import type { Env } from "../env.js";
import type { Logs } from "../log.js";
import { Simulator } from "../sim/index.js";
import { Store } from "../store/index.js";
import { type Suite, startSuite } from "../suite.js";
import type { MessageSink } from "../telegram/transport.js";
import { Driver } from "./driver.js";
import { FloorWatch } from "./floors.js";
import { type LogCounts, soakLogs } from "./logs.js";
import { newWireStats, soakTransport, Timeouts, type WireStats } from "./transport.js";

export interface Harness {
  /** The suite's data directory (state.json, fills.jsonl, journal-archive.jsonl). */
  dataDir: string;
  clock: VirtualClock;
  config: Config;
  sim: Simulator;
  client: MexcClient;
  store: Store;
  suite: Suite;
  driver: Driver;
  floorWatch: FloorWatch;
  logCounts: LogCounts;
  wire: WireStats;
  /** Random faults the simulator's dice picked, by kind. */
  injected: Record<string, number>;
  messages: () => number;
  close(): Promise<void>;
}

/**
 * The suite exactly as main.ts composes it in sim mode (default config, the simulator's starting balances), but on
 * a virtual clock, with the client bound in-process to the simulator and the logs and messages kept off the console.
 */
export async function startHarness(o: {
  seed: number;
  start: number;
  dir: string;
  realVariants?: boolean;
}): Promise<Harness> {
  const clock = new VirtualClock(o.start);
  const config = parseConfig(userConfig);
  const balances = Object.fromEntries(
    Object.entries(config.sim.startingBalances).map(([a, d]) => [a, d.toFixed()]),
  );
  const wire = newWireStats();
  const timeouts = new Timeouts(clock, config.exchange.timeoutMs, () => {
    wire.timedOut++;
  });
  const sim = new Simulator({
    clock: timeouts.forSimulator(),
    seed: o.seed,
    generatedAlts: config.sim.generatedAlts,
    feeAsset: config.sim.feeAsset,
    accounts: [{ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, balances }],
    // A resend under the same client id would be rejected by default, and so hidden; here it shows as a duplicate.
    rejectDuplicateClientOrderId: false,
    realVariants: o.realVariants ?? false,
  });
  const injected = countRandomFaults(sim);
  const { logs, counts } = soakLogs(join(o.dir, "warn.log"));
  const { sink, count: messages } = countingSink();
  const run = await startInProcessSuite({ clock, config, sim, timeouts, wire, logs, dir: o.dir, sink });
  const { suite, store, driver, dataDir } = run;
  const floors = floorsOf(config);
  const floorWatch = new FloorWatch(
    sim,
    floors,
    () => Object.fromEntries(suite.trading.orders.entries().map((e) => [e.clientOrderId, e])),
    () => clock.now(),
  );
  // After every order change of a bot with a floor, not only between steps: no purchase goes unchecked.
  suite.trading.orders.onChange(({ entry }) => {
    if (floors[entry.bot]) floorWatch.check();
  });
  return {
    dataDir,
    clock,
    config,
    sim,
    client: run.client,
    store,
    suite,
    driver,
    floorWatch,
    logCounts: counts,
    wire,
    injected,
    messages,
    close: run.close,
  };
}

/** The suite in process on a virtual clock, as the soak and the replay both run it. */
export interface InProcessSuite {
  /** The suite's data directory (state.json, fills.jsonl, journal-archive.jsonl). */
  dataDir: string;
  client: MexcClient;
  store: Store;
  suite: Suite;
  driver: Driver;
  /** Stops the suite (no grace, resting orders left), closes the store and the logs. */
  close(): Promise<void>;
}

/**
 * The suite exactly as main.ts composes it in sim mode, bound in-process to `sim` (which must run on
 * `timeouts.forSimulator()`), its files under `<dir>/sim`, its messages to `sink`, with a Driver that moves time.
 */
export async function startInProcessSuite(o: {
  clock: VirtualClock;
  config: Config;
  sim: Simulator;
  timeouts: Timeouts;
  wire: WireStats;
  logs: Logs;
  dir: string;
  sink: MessageSink;
  /** See SuiteOptions.gateTickMs; the soak keeps the 1 s of a real start. */
  gateTickMs?: number;
  /** See SuiteOptions.watchEveryMs; the soak keeps the suite's 60 s. */
  watchEveryMs?: number | undefined;
  /** The client's server-time sync (ClientOptions.timeSyncMs); the soak keeps the client's 5 min. */
  timeSyncMs?: number | undefined;
  /** See SuiteOptions.followEveryMs; the soak keeps the suite's 5 s. */
  followEveryMs?: number | undefined;
}): Promise<InProcessSuite> {
  const { clock, config, logs, wire } = o;
  const exchange = inProcessExchange(o.sim, clock, o.timeouts, wire, config, logs, o.timeSyncMs);
  const dataDir = join(o.dir, "sim");
  mkdirSync(dataDir, { recursive: true });
  const env = soakEnv(o.dir, exchange.url);
  const store = await Store.open({ path: join(dataDir, "state.json"), mode: "sim", now: clock.now() });
  const suite = await startSuite({
    env,
    config,
    clock,
    logs,
    store,
    dataDir,
    exchange,
    sink: o.sink,
    ...(o.gateTickMs !== undefined ? { gateTickMs: o.gateTickMs } : {}),
    ...(o.watchEveryMs !== undefined ? { watchEveryMs: o.watchEveryMs } : {}),
    ...(o.followEveryMs !== undefined ? { followEveryMs: o.followEveryMs } : {}),
  });
  const driver = new Driver(
    clock,
    () => `${wire.sent}|${wire.answered}|${clock.pending}|${suite.notifier.pending}`,
  );
  return {
    dataDir,
    client: exchange.client,
    store,
    suite,
    driver,
    async close() {
      await driver.during(suite.stop({ graceMs: 0, cancelOpenOrders: false }));
      await store.close();
      await logs.close();
    },
  };
}

/** Counts the random faults the simulator's dice picked, by kind (the only place that knows). */
function countRandomFaults(sim: Simulator): Record<string, number> {
  const counts: Record<string, number> = {};
  const roll = sim.faults.rollRandom.bind(sim.faults);
  sim.faults.rollRandom = () => {
    const r = roll();
    if (r) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    return r;
  };
  return counts;
}

/** The client bound in-process to the simulator, as connect.ts would build it for a URL. */
function inProcessExchange(
  sim: Simulator,
  clock: VirtualClock,
  timeouts: Timeouts,
  wire: WireStats,
  config: Config,
  logs: Logs,
  timeSyncMs: number | undefined,
): Exchange {
  const transport = soakTransport(sim, clock, timeouts, wire);
  const url = "http://in-process.sim";
  const client = new MexcClient({
    baseUrl: url,
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    clock,
    timeoutMs: config.exchange.timeoutMs,
    recvWindow: config.exchange.recvWindowMs,
    rulesRefreshMs: config.exchange.rulesRefreshSec * 1000,
    ...(timeSyncMs !== undefined ? { timeSyncMs } : {}),
    logger: logs.child("api"),
    transport,
    limits: clientLimits(config),
  });
  return { client, sim: undefined, url, close: async () => client.close() };
}

/** Sim mode's environment, with every file under the soak's directory. */
function soakEnv(dir: string, url: string): Env {
  return {
    mode: "sim",
    mexcKeys: undefined,
    mexcBaseUrl: url,
    liveTrading: false,
    telegram: undefined,
    dataDir: dir,
    logDir: dir,
    logLevel: "info",
  };
}

/** A Telegram sink that only counts what it is given. */
function countingSink(): { sink: MessageSink; count: () => number } {
  let messages = 0;
  const sink: MessageSink = {
    send: async () => {
      messages++;
    },
    sendPhoto: async () => {
      messages++;
    },
  };
  return { sink, count: () => messages };
}
