import { AbortError, type Clock } from "../clock.js";
import type { BotState, State } from "../store/index.js";
import type { BotStatus, Monitor, PauseReason, PauseState } from "./monitor.js";

const HOUR = 3_600_000;

/** A failing bot waits longer after each failure, but never longer than an hour or its own interval. */
export function backoffMs(intervalMs: number, consecutiveErrors: number): number {
  return Math.min(intervalMs * 2 ** consecutiveErrors, Math.max(HOUR, intervalMs));
}

/** The runtime's bookkeeping for one enabled bot. */
export interface Slot {
  readonly monitor: Monitor;
  /** Aborted to cut the slot's current wait short: resume, runSoon, a lifted gate, stop. */
  wake: AbortController;
  running: Promise<void> | null;
  /**
   * Aborted when the bot is paused (owner, emergency-stop file, kill switch, loss limit) while it runs: the run's
   * signal, so it sends no further order; null between runs.
   */
  halt: AbortController | null;
  /** runSoon was asked: the interval no longer counts for the next run. */
  soon: boolean;
  // Kept in memory as well as in the store, so a store that refuses writes cannot make the schedule spin.
  lastRunAt?: number;
  cooldownUntil?: number;
  retryAt?: number;
  errorCount: number;
  consecutiveErrors: number;
  /** A "bot-failing" alert went out for the current streak. */
  alerted: boolean;
  /** A "bot-silent" alert went out for the run in progress. */
  silent: boolean;
  lastError?: string;
  lastDecision?: BotStatus["lastDecision"];
}

export function newSlot(monitor: Monitor, saved: BotState | undefined): Slot {
  return {
    monitor,
    wake: new AbortController(),
    running: null,
    halt: null,
    soon: false,
    lastRunAt: saved?.lastRunAt,
    cooldownUntil: saved?.cooldownUntil,
    errorCount: 0,
    consecutiveErrors: 0,
    alerted: false,
    silent: false,
  };
}

/** A run going on for this many of its bot's intervals has the owner told: the bot has not decided since. */
export const SILENT_AFTER_INTERVALS = 3;

/** How long the slot's run in progress has been going, or undefined when it is not running. */
export function runningForMs(slot: Slot, now: number): number | undefined {
  return slot.running && slot.lastRunAt !== undefined ? Math.max(0, now - slot.lastRunAt) : undefined;
}

/** The runs that have just gone on for SILENT_AFTER_INTERVALS of their interval, marked silent (told once). */
export function newlySilent(slots: Iterable<Slot>, now: number): { slot: Slot; runningMs: number }[] {
  const out: { slot: Slot; runningMs: number }[] = [];
  for (const slot of slots) {
    const runningMs = runningForMs(slot, now);
    if (
      runningMs === undefined ||
      slot.silent ||
      runningMs < SILENT_AFTER_INTERVALS * slot.monitor.intervalMs
    )
      continue;
    slot.silent = true;
    out.push({ slot, runningMs });
  }
  return out;
}

/** Runs going on for longer than `stuckAfterMs`, or SILENT_AFTER_INTERVALS of their bot's interval if longer. */
export function stuckRuns(
  slots: Iterable<Slot>,
  now: number,
  stuckAfterMs: number,
): { bot: string; runningMs: number }[] {
  const stuck: { bot: string; runningMs: number }[] = [];
  for (const slot of slots) {
    const runningMs = runningForMs(slot, now);
    const limit = Math.max(stuckAfterMs, SILENT_AFTER_INTERVALS * slot.monitor.intervalMs);
    if (runningMs !== undefined && runningMs > limit) stuck.push({ bot: slot.monitor.name, runningMs });
  }
  return stuck;
}

/** max(lastRunAt + interval, cooldownUntil, retry after back-off), or now if that has passed. */
export function dueAt(slot: Slot, now: number): number {
  const { intervalMs } = slot.monitor;
  // Capped at one interval ahead: a clock set back must not silence a bot for as long as it moved.
  const paced =
    slot.soon || slot.lastRunAt === undefined ? now : Math.min(slot.lastRunAt + intervalMs, now + intervalMs);
  return Math.max(paced, slot.cooldownUntil ?? paced, slot.retryAt ?? paced);
}

/** A bot known only from the store (turned off in the config) gets a status from what was saved. */
export function describeBot(
  name: string,
  slot: Slot | undefined,
  saved: BotState | undefined,
  why: PauseReason[],
  now: number,
): BotStatus {
  const [first, ...rest] = why;
  const pause: PauseState = first === undefined ? { paused: false } : { paused: true, why: [first, ...rest] };
  const lastRunAt = slot ? slot.lastRunAt : saved?.lastRunAt;
  const cooldownUntil = slot ? slot.cooldownUntil : saved?.cooldownUntil;
  return {
    ...pause,
    name,
    enabled: slot !== undefined,
    running: Boolean(slot?.running),
    ...(lastRunAt !== undefined && { lastRunAt }),
    ...(slot && { nextRunAt: dueAt(slot, now) }),
    ...(cooldownUntil !== undefined && { cooldownUntil }),
    ...(slot?.lastDecision && { lastDecision: slot.lastDecision }),
    errorCount: slot?.errorCount ?? 0,
    consecutiveErrors: slot?.consecutiveErrors ?? 0,
    ...(slot?.lastError !== undefined && { lastError: slot.lastError }),
  };
}

/** The bot's saved section, created on first use. */
export function botEntry(state: State, name: string): BotState {
  const entry = state.bots[name] ?? { paused: false };
  state.bots[name] = entry;
  return entry;
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

export function ignoreAbort(err: unknown): void {
  if (!(err instanceof AbortError)) throw err;
}

/** Libraries name their cancellations differently (fetch: AbortError, axios: CanceledError). */
export function isAbortLike(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "CanceledError");
}

export function positiveMs(n: number, what: string): number {
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${what} must be a positive number of milliseconds, not ${n}`);
  return n;
}

/** Waits up to `graceMs` for the runs in progress to end; the bots whose run still goes on after it. */
export async function runsAfterGrace(
  slots: readonly Slot[],
  clock: Clock,
  graceMs: number,
): Promise<string[]> {
  const running = slots.filter((s) => s.running);
  // No wait at all for a zero grace: a virtual clock would never fire even a zero-length sleep by itself.
  if (running.length > 0 && graceMs > 0) {
    // Aborted once the runs end, so a real timer does not hold the process open for the whole grace.
    const grace = new AbortController();
    const ended = Promise.all(running.map((s) => s.running)).then(() => grace.abort());
    await Promise.race([ended, clock.sleep(graceMs, grace.signal).catch(() => {})]);
    grace.abort();
  }
  return running.filter((s) => s.running).map((s) => s.monitor.name);
}
