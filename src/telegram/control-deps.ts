import type { Clock } from "../clock.js";
import type { Config } from "../config-schema.js";
import type { Mode } from "../env.js";
import type { Logger } from "../log.js";
import type { Proposals } from "../trading/proposals.js";
import type { TradingQueries } from "../trading/queries.js";
import type { ValuePoint } from "./chart.js";
import type { Notifier } from "./notifier.js";

/**
 * What the control bot reads and steers, as small interfaces of its own: the composition root (suite.ts) hands
 * it the monitor runtime, the order manager and the proposals, which satisfy them, and the query facade for
 * everything it shows. Telegram so knows neither the exchange client, nor the store, nor the bots' insides.
 */

/** One bot as /status and /bots show it (the runtime's BotStatus fits it). */
export type BotView = ({ paused: false } | { paused: true; why: readonly string[] }) & {
  name: string;
  /** False for a bot known only from the store (turned off in the config). */
  enabled: boolean;
  /** A run is in progress. */
  running: boolean;
  lastRunAt?: number;
  nextRunAt?: number;
  cooldownUntil?: number;
  lastDecision?: { at: number; acted: boolean; summary: string; reasons: readonly string[] };
  errorCount: number;
  consecutiveErrors: number;
  lastError?: string;
};

/** Pausing and resuming bots: the monitor runtime. */
export interface BotControl {
  status(): BotView[];
  /** A bot's name, or "all". */
  pause(target: string): Promise<void>;
  resume(target: string): Promise<void>;
  /** Lifts the daily loss pause of the buying bots in this process only. */
  resumeBuyers(): void;
  /** Set while the daily loss limit holds the buyers. */
  readonly riskPause: { readonly reason: string; readonly since: number } | null;
}

/** The kill switch: the order manager. */
export interface KillSwitch {
  readonly killSwitchActive: boolean;
  activateKillSwitch(reason: string, opts?: { cancelOpen?: boolean }): Promise<void>;
  releaseKillSwitch(): Promise<void>;
  /** Orders that may rest or hold funds, to tell how many the stop cancelled. */
  openCount(): number;
}

/** What the approvals need of the proposals: follow them, execute or skip one, end the expired. */
export type ApprovalProposals = Pick<
  Proposals,
  "onChange" | "pending" | "get" | "execute" | "skip" | "expireDue"
>;

export interface ControlBotDeps {
  /** The bot token from @BotFather: handed to grammY only, never logged. */
  token: string;
  /** Another Bot API server (a local one, the tests' fake); no trailing "/". */
  apiRoot?: string;
  /** User ids and/or group chat ids (see access.ts for how both are checked). */
  allowedIds: readonly number[];
  clock: Clock;
  log: Logger;
  mode: Mode;
  /** When the suite started (epoch ms), for the uptime in /status. */
  startedAt: number;
  /** Everything shown: valuation, PnL, orders, fills, exchange limits. */
  queries: TradingQueries;
  bots: BotControl;
  killSwitch: KillSwitch;
  proposals: ApprovalProposals;
  config: Config;
  /** The portfolio's recorded values, oldest first, for /chart. */
  valueHistory: () => readonly ValuePoint[];
  /** The full periodic report, built now, for /report. */
  reports: () => Promise<{ title: string; html: string }[]>;
  /** Alerts about what the owner did from Telegram (kill switch on/off) go out through it when given. */
  notifier?: Notifier;
  /**
   * Lifts the daily loss limit for /resume all (a new baseline, buyers resumed). Without it, /resume all only
   * resumes the buyers in the runtime, and a restart the same day brings the pause back.
   */
  resetDailyLoss?: () => Promise<void>;
  /** The daily report, for /daily; without it /daily says it is not available. */
  daily?: { build(opts: { endPeriod: boolean }): Promise<{ html: string; png?: Buffer }> };
  /**
   * User ids that may only read (access.ts): the read commands work, every command or button that changes
   * something is refused. One in allowedIds too is still only a viewer (and receives the messages).
   */
  viewerIds?: readonly number[];
  /** How many recent fills /orders shows (default 10). */
  recentFills?: number;
}
