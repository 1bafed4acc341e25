import type { RuntimeEvent } from "./events.js";

/** What one run of a bot concluded: every run, acting or not, ends in one of these and one log line. */
export interface Decision {
  acted: boolean;
  /** One line for people ("bought 0.01 BTC", "nothing to sell"). */
  summary: string;
  /** Why, in the order the bot weighed them; the log and Telegram show them as they are. */
  reasons: string[];
  /** Epoch ms before which the bot must not run again (persisted, so it holds across restarts). */
  cooldownUntil?: number;
}

export interface RunContext {
  /** The clock's time when the run started. */
  now: number;
  /** Aborted when the runtime stops: a long run should wind down and return or throw. */
  signal: AbortSignal;
  /** Hands work to other bots (e.g. "funds-freed") without importing them. */
  emit(event: RuntimeEvent): void;
  /**
   * Call and await before sending (or proposing) an order: puts this run's start time (the interval counts from
   * it) and, when given, the cooldown the order starts on disk, so a crash right after the order leaves cannot
   * let the restarted bot spend again inside them (issue 13). Rejects when the store cannot write: then send
   * nothing. A run that ends without `Decision.cooldownUntil` gets back the cooldown it had before; a run that
   * throws keeps the one committed here (it may have sent the order).
   */
  commitLimits(cooldownUntil?: number): Promise<void>;
}

/** One bot as the runtime sees it. */
export interface Monitor {
  readonly name: string;
  readonly intervalMs: number;
  /** Buying bots are the ones the daily loss limit pauses; sellers keep running to cut losses. */
  readonly buys: boolean;
  run(ctx: RunContext): Promise<Decision>;
}

/** Listed from the most to the least severe: a status shows the first as the main reason. */
export const PAUSE_REASONS = [
  "kill switch",
  "emergency stop file",
  "paused by owner",
  "daily loss limit",
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** A paused bot always says why; a running one cannot carry a stale reason. */
export type PauseState = { paused: false } | { paused: true; why: readonly [PauseReason, ...PauseReason[]] };

export type BotStatus = PauseState & {
  name: string;
  /** False for a bot known only from the store (turned off in the config). */
  enabled: boolean;
  /** A run is in progress. */
  running: boolean;
  lastRunAt?: number;
  /** When the next run is due if nothing pauses it; undefined for a disabled bot. */
  nextRunAt?: number;
  cooldownUntil?: number;
  lastDecision?: { at: number; acted: boolean; summary: string; reasons: string[] };
  errorCount: number;
  consecutiveErrors: number;
  lastError?: string;
};

/** Set by the daily loss limit; kept in memory until the store has a section for it. */
export interface RiskPause {
  reason: string;
  since: number;
}
