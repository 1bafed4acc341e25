import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { MexcClient, type Transport } from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { type Config, parseConfig } from "../../src/config-schema.js";
import type { Exchange } from "../../src/connect.js";
import type { Env } from "../../src/env.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import type { Logs } from "../../src/log.js";
import { type SimOptions, Simulator, startSim } from "../../src/sim/index.js";
import { Store } from "../../src/store/index.js";
import { type Suite, startSuite } from "../../src/suite.js";
import type { MessageSink } from "../../src/telegram/transport.js";
import { SIM_KEY, SIM_SECRET } from "./exchange.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface LogLine {
  level: number;
  msg: string;
  component?: string;
  [k: string]: unknown;
}

/** Logs kept in memory: warnings and worse whole, decisions and messages too (the scenarios read them). */
function memoryLogs() {
  const lines: LogLine[] = [];
  const keep = (l: LogLine) => l.level >= 40 || l.msg === "decision" || l.msg === "run failed";
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (!text) continue;
        const line = JSON.parse(text) as LogLine;
        if (keep(line)) lines.push(line);
      }
      cb();
    },
  });
  const root = pino({ level: "info" }, stream);
  const logs: Logs = {
    root,
    child: (component) => root.child({ component }),
    close: async () => {},
    filePath: "(memory)",
  };
  return { logs, lines };
}

/** Messages as the console sink would print them, kept for assertions. */
export function memorySink(): MessageSink & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    async send(text) {
      texts.push(text);
    },
    async sendPhoto(_png, caption) {
      texts.push(caption ?? "(photo)");
    },
  };
}

export interface ScenarioOptions {
  balances?: Record<string, string>;
  /** Changes to the default config (sim mode: every bot trades by itself unless told otherwise). */
  config?: (c: Config) => Config;
  start?: number;
  /** Reuse a data directory (a restart). */
  dataDir?: string;
  /** "http" (default): the client over a loopback socket; "in-process": no socket, for long runs. */
  transport?: "http" | "in-process";
  sim?: Partial<SimOptions>;
  /** Reuse a simulator (and its account) across a restart. */
  simulator?: Simulator;
  clock?: VirtualClock;
  /** Shapes the market before the suite reads it (regimes in the past are allowed). */
  market?: (sim: Simulator, now: number) => void;
  /** Wraps the in-process transport (e.g. to answer as MEXC's docs show where the simulator differs). */
  wrapTransport?: (t: Transport) => Transport;
  /** SuiteOptions.gateTickMs: a test spanning days with no one to create the stop file may look less often. */
  gateTickMs?: number;
}

/**
 * The whole suite (every bot, the runtime, the treasury, the order manager, the ledger, the notifier) on one
 * virtual clock against the simulator: a week passes in seconds.
 */
export async function startScenario(o: ScenarioOptions = {}) {
  const clock = o.clock ?? new VirtualClock(o.start ?? Date.UTC(2026, 10, 16, 0, 0));
  const simOptions: SimOptions = {
    clock,
    seed: 42,
    generatedAlts: 20,
    rateLimit: { enabled: false },
    accounts: [
      { apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: o.balances ?? { USDT: "500", USDC: "500" } },
    ],
    ...o.sim,
  };
  let close: () => Promise<void>;
  let client: MexcClient;
  let sim: Simulator;
  let url: string;
  const clientOptions = {
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    clock,
    timeoutMs: 5_000,
    retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 },
    // The clock moves only in run(): a start-up of more than 19 requests (a restart reconciles the journal and
    // syncs fills) would wait on the global request rate for virtual time that never comes. The other pools stay
    // at their defaults; the global rate is tested in test/api/limiter.test.ts and limits.sim.test.ts.
    limits: { requestsPerSecond: 1000 },
  };
  if ((o.transport ?? "http") === "http" && !o.simulator) {
    const running = await startSim({ ...simOptions, port: 0 });
    sim = running.sim;
    url = running.url;
    client = new MexcClient({ baseUrl: running.url, ...clientOptions });
    close = async () => {
      client.close();
      await running.close();
    };
  } else {
    sim = o.simulator ?? new Simulator(simOptions);
    url = "http://in-process.sim";
    const transport = inProcessTransport(sim, clock);
    client = new MexcClient({
      baseUrl: url,
      transport: o.wrapTransport ? o.wrapTransport(transport) : transport,
      ...clientOptions,
    });
    close = async () => client.close();
  }
  o.market?.(sim, clock.now());
  const exchange: Exchange = { client, sim: undefined, url, close: () => close() };

  const dataDir = o.dataDir ?? join(mkdtempSync(join(tmpdir(), "mpb-scenario-")), "sim");
  const base = parseConfig(userConfig);
  const config = o.config ? o.config(base) : base;
  const env: Env = {
    mode: "sim",
    mexcKeys: undefined,
    mexcBaseUrl: url,
    liveTrading: false,
    telegram: undefined,
    dataDir: join(dataDir, ".."),
    logDir: join(dataDir, "..", "logs"),
    logLevel: "info",
  };
  const store = await Store.open({ path: join(dataDir, "state.json"), mode: "sim", now: clock.now() });
  const { logs, lines } = memoryLogs();
  const sink = memorySink();
  const suite: Suite = await startSuite({
    env,
    config,
    clock,
    logs,
    store,
    dataDir,
    exchange,
    sink,
    ...(o.gateTickMs !== undefined ? { gateTickMs: o.gateTickMs } : {}),
  });

  /** Waits (in real time) until nothing moves: no request in flight and every loop asleep on the clock. */
  async function settle(): Promise<void> {
    let last = "";
    let stable = 0;
    const stamp = () =>
      `${Object.values(sim.stats.requests).reduce((a, b) => a + b, 0)}|${clock.pending}|${suite.notifier.pending}`;
    while (stable < 4) {
      await new Promise((r) => setImmediate(r));
      if (exchange.url.startsWith("http://127")) await new Promise((r) => setTimeout(r, 1));
      const now = stamp();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  }

  /** Moves the clock `ms` forward in steps, letting everything that woke finish before the next step. */
  async function run(ms: number, stepMs = MIN, each?: () => void | Promise<void>): Promise<void> {
    const until = clock.now() + ms;
    while (clock.now() < until) {
      await clock.advance(Math.min(stepMs, until - clock.now()));
      await settle();
      await each?.();
    }
  }

  return {
    clock,
    sim,
    client,
    suite,
    config,
    store,
    dataDir,
    lines,
    messages: sink.texts,
    settle,
    run,
    decisions: (bot?: string) => lines.filter((l) => l.msg === "decision" && (!bot || l.bot === bot)),
    async stop() {
      await suite.stop({ graceMs: 0, cancelOpenOrders: false });
      await store.close();
    },
  };
}

export type Scenario = Awaited<ReturnType<typeof startScenario>>;
