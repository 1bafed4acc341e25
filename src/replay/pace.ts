import { BOT_IDS } from "../bots/ids.js";
import type { Config } from "../config-schema.js";

/**
 * How often the suite decides in a replay. `candle`: no bot decides more often than once a candle, on the candle
 * grid (each run at a candle's close, when that candle is served: history-views.ts lists candles closed at or
 * before now), as Freqtrade's backtesting evaluates a strategy once per closed candle of its timeframe ("loop per
 * candle", https://www.freqtrade.io/en/latest/bot-basics/, Backtesting / Hyperopt execution logic). `bot`: every
 * bot at its own configured period (a seller every minute), the clock stepping a minute at a time.
 */
export type Pace = "candle" | "bot";
export const PACES: readonly Pace[] = ["candle", "bot"];

/** What a replay simulated, written into record.json and report.json so a reader knows how often anything decided. */
export interface ReplayPace {
  readonly mode: Pace;
  /** The virtual clock's step between two settled instants (s). */
  readonly stepSec: number;
  /** Seconds between two scheduled runs of each enabled bot, by bot id (as in the report's bot table). */
  readonly botPeriodsSec: Readonly<Record<string, number>>;
  /**
   * The suite's own timers in this replay (s): the runtime's gate tick (emergency-stop file, kill switch), the
   * portfolio watch (daily loss limit, value history), the order follow-up (fills, order timeouts), the client's
   * server-time sync.
   */
  readonly timersSec: Readonly<Record<string, number>>;
  /** The config values the pace changed, "key": [configured, simulated] in seconds; empty for `bot`. */
  readonly changed: Readonly<Record<string, readonly [number, number]>>;
}

/** The timers the replay's harness sets (ms); undefined keeps the suite's default. */
export interface PaceTimers {
  stepMs: number;
  gateTickMs: number;
  watchEveryMs: number | undefined;
  timeSyncMs: number | undefined;
  followEveryMs: number | undefined;
}

/** The suite's own defaults (bots/runtime.ts, suite.ts, app.ts, api/client-options.ts), for the record. */
const WATCH_DEFAULT_MS = 60_000;
const FOLLOW_UP_MS = 5_000;
/**
 * The candle pace follows resting orders once a minute: the bots decide only at closes, so a fill seen within the
 * minute is seen before the next decision, and a deadline still brings a pass forward (OrderManager.run: kept
 * within 5 s, as at the bot pace). Every 5 s it cost ~3,000 openOrders a simulated day and 180 wake-ups a candle.
 */
const CANDLE_FOLLOW_UP_MS = 60_000;
const TIME_SYNC_DEFAULT_MS = 300_000;
/** Today's replay: the clock a minute at a time and the gate looked at every minute (a second in a real start). */
const BOT_PACE_MS = 60_000;

type Section = "scanner" | "balanceBuyer" | "pnlSeller" | "altsSeller" | "balancer5050" | "ordersReporter";
const PERIODS: readonly Section[] = [
  "scanner",
  "balanceBuyer",
  "pnlSeller",
  "altsSeller",
  "balancer5050",
  "ordersReporter",
];
/**
 * A cooldown runs from a bot's last order, seconds after the close it decided at. One shorter than a candle never
 * holds a run at the next close and stays as configured; a longer one is rounded up to whole candles, or the bot
 * would wake inside a candle when it ends (its run then comes a few seconds after the close).
 */
const COOLDOWNS: readonly Section[] = ["balanceBuyer", "balancer5050"];
/**
 * The sellers' summaries and the rebalance request go out at the first run past their time: rounded up to the
 * grid they behave the same, and the record says what happened.
 */
const AT_RUNS: readonly [Section, string][] = [
  ["pnlSeller", "notifyEverySec"],
  ["pnlSeller", "rebalanceEverySec"],
  ["altsSeller", "notifyEverySec"],
];

/**
 * The config a replay of candles `intervalMs` long runs with at `pace`, and what it simulates. `candle` rounds
 * every bot period up to a whole number of candles (a seller's 60 s becomes 900 s in 15m; an hourly reporter
 * stays hourly), and the waits measured at runs with it (cooldowns of a candle or more, summaries, rebalances);
 * the telegram value sample too, as the watch now looks once a candle. Order timeouts are left as configured:
 * the order follow-up polls once a minute, sooner for a deadline. CandleGrid keeps the runs on the closes.
 */
export function pacedConfig(
  config: Config,
  intervalMs: number,
  pace: Pace,
): { config: Config; pace: ReplayPace; timers: PaceTimers } {
  const changed: Record<string, [number, number]> = {};
  const out: Config = { ...config, telegram: { ...config.telegram } };
  const I = intervalMs / 1000;
  const onGrid = (key: string, sec: number): number => {
    if (pace === "bot") return sec;
    const to = Math.ceil(sec / I) * I;
    if (to !== sec) changed[key] = [sec, to];
    return to;
  };
  const sections = out as unknown as Record<Section, Record<string, unknown>>;
  for (const s of PERIODS) {
    const section = { ...config[s] } as Record<string, unknown>;
    section.intervalSec = onGrid(`${s}.intervalSec`, config[s].intervalSec);
    sections[s] = section;
  }
  for (const s of COOLDOWNS) {
    const section = sections[s];
    const sec = section.cooldownSec as number;
    if (sec >= I) section.cooldownSec = onGrid(`${s}.cooldownSec`, sec);
  }
  for (const [s, key] of AT_RUNS) {
    const section = sections[s];
    section[key] = onGrid(`${s}.${key}`, section[key] as number);
  }
  out.telegram.valueSampleEverySec = onGrid(
    "telegram.valueSampleEverySec",
    config.telegram.valueSampleEverySec,
  );
  const timers: PaceTimers =
    pace === "bot"
      ? {
          stepMs: BOT_PACE_MS,
          gateTickMs: BOT_PACE_MS,
          watchEveryMs: undefined,
          timeSyncMs: undefined,
          followEveryMs: undefined,
        }
      : {
          stepMs: intervalMs,
          gateTickMs: intervalMs,
          watchEveryMs: intervalMs,
          timeSyncMs: undefined,
          followEveryMs: Math.min(intervalMs, CANDLE_FOLLOW_UP_MS),
        };
  const botPeriodsSec: Record<string, number> = {};
  for (const s of PERIODS) if (out[s].enabled) botPeriodsSec[BOT_IDS[s]] = out[s].intervalSec;
  return {
    config: out,
    timers,
    pace: {
      mode: pace,
      stepSec: timers.stepMs / 1000,
      botPeriodsSec: sortedKeys(botPeriodsSec),
      timersSec: {
        gateTick: timers.gateTickMs / 1000,
        portfolioWatch: (timers.watchEveryMs ?? WATCH_DEFAULT_MS) / 1000,
        orderFollowUp: (timers.followEveryMs ?? FOLLOW_UP_MS) / 1000,
        timeSync: (timers.timeSyncMs ?? TIME_SYNC_DEFAULT_MS) / 1000,
      },
      changed,
    },
  };
}

function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

/** What the grid needs of the runtime (bots/runtime.ts MonitorRuntime). */
export interface GridRuntime {
  status(): readonly { name: string; enabled: boolean; lastRunAt?: number }[];
  runSoon(name: string): boolean;
}

/**
 * Keeps the bots on the candle grid at the candle pace (nothing at the bot pace). A bot's next run counts from
 * its last start and a cooldown from its last order, so a run held a few seconds by the rate limiter, a back-off,
 * or a wake-up another bot asks for (freed funds, a rebalance: suite.ts calls runSoon) would move every later run
 * of that bot off the closes, further each time. So the suite's own runSoon calls wait for the next close (where
 * the bot runs anyway), and at each instant of the grid (`fromMs` plus whole bot periods) every bot due then that
 * has not started a run at this instant is asked to run now; cooldowns, back-off and pauses still hold.
 */
export class CandleGrid {
  readonly #runSoon: ((name: string) => boolean) | undefined;

  constructor(
    private readonly runtime: GridRuntime,
    private readonly fromMs: number,
    private readonly pace: ReplayPace,
  ) {
    if (pace.mode !== "candle") return;
    this.#runSoon = runtime.runSoon.bind(runtime);
    // Waits for the next close, as every decision does at this pace.
    runtime.runSoon = (name) => name in pace.botPeriodsSec;
  }

  /** After a step to `nowMs`: answers whether a bot was asked to run (the caller lets it settle). */
  atStep(nowMs: number): boolean {
    const runSoon = this.#runSoon;
    if (!runSoon) return false;
    let woke = false;
    for (const s of this.runtime.status()) {
      const sec = this.pace.botPeriodsSec[s.name];
      if (sec === undefined || !s.enabled || (nowMs - this.fromMs) % (sec * 1000) !== 0) continue;
      if (s.lastRunAt === nowMs) continue;
      woke = runSoon(s.name) || woke;
    }
    return woke;
  }
}
