import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Decision, Monitor, RunContext } from "../../src/bots/monitor.js";
import { MonitorRuntime, type RuntimeOptions } from "../../src/bots/runtime.js";
import type { Clock, VirtualClock } from "../../src/clock.js";
import { silentLogger } from "../../src/log.js";
import { Store } from "../../src/store/index.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export async function openStore(clock: Clock, dir = mkdtempSync(join(tmpdir(), "x-"))) {
  const store = await Store.open({ path: join(dir, "sim", "state.json"), mode: "sim", now: clock.now() });
  return { store, dir, stopPath: join(dir, "sim", "EMERGENCY_STOP") };
}

/** A bot for tests: records when each run started, how many overlapped, and does what `body` says. */
export interface TestBot extends Monitor {
  starts: number[];
  maxConcurrent: number;
  /** The signal of every run, to check it was aborted. */
  signals: AbortSignal[];
}

export function testBot(
  name: string,
  intervalMs: number,
  body: (ctx: RunContext, n: number) => Promise<Partial<Decision> | undefined> = async () => undefined,
  buys = false,
): TestBot {
  let active = 0;
  const bot: TestBot = {
    name,
    intervalMs,
    buys,
    starts: [],
    maxConcurrent: 0,
    signals: [],
    async run(ctx) {
      bot.starts.push(ctx.now);
      bot.signals.push(ctx.signal);
      active += 1;
      bot.maxConcurrent = Math.max(bot.maxConcurrent, active);
      try {
        const d = await body(ctx, bot.starts.length);
        return { acted: false, summary: "nothing to do", reasons: ["test"], ...d };
      } finally {
        active -= 1;
      }
    },
  };
  return bot;
}

/** Pino writing JSON lines into an array, to check the log lines themselves. */
export function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

export function makeRuntime(
  clock: VirtualClock,
  store: Store,
  stopPath: string,
  monitors: Monitor[],
  extra: Partial<RuntimeOptions> = {},
): MonitorRuntime {
  return new MonitorRuntime({
    monitors,
    clock,
    store,
    log: silentLogger(),
    emergencyStopPath: stopPath,
    ...extra,
  });
}
