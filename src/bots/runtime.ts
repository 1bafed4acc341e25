import { AbortError, type Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import type { BotState, Store } from "../store/index.js";
import { EmergencyStopFile } from "./emergency-stop.js";
import { RuntimeEvents } from "./events.js";
import type { BotStatus, Decision, Monitor, PauseReason, RiskPause } from "./monitor.js";
import {
  backoffMs,
  botEntry,
  describeBot,
  dueAt,
  ignoreAbort,
  isAbortLike,
  newlySilent,
  newSlot,
  positiveMs,
  runsAfterGrace,
  type Slot,
  stuckRuns,
  untilAborted,
} from "./schedule.js";

export { backoffMs } from "./schedule.js";

/** What a supervisor's watchdog reads: when the scheduler last ticked and which runs hang far past their bot's pace. */
export interface Heartbeat {
  /** The last turn of the scheduler's tick (the emergency-stop and kill-switch watch), undefined before start. */
  tickAt: number | undefined;
  /** Runs going on for longer than `stuckAfterMs`, or SILENT_AFTER_INTERVALS of their interval if longer. */
  stuck: { bot: string; runningMs: number }[];
}

/** Real timers overflow past 2^31-1 ms; a long wait is cut into pieces that each re-read the schedule. */
const MAX_WAIT_MS = 3_600_000;
/** Made once: abort() without a reason makes a DOMException, and the clock an AbortError, at every wake. */
const WOKEN = new AbortError("the bot's wait was cut short");

export interface RuntimeOptions {
  monitors: readonly Monitor[];
  clock: Clock;
  store: Store;
  log: Logger;
  emergencyStopPath: string;
  /** How often the emergency-stop file and the kill switch are looked at. */
  tickMs?: number;
  /** Consecutive failures after which a "bot-failing" alert goes out (once per streak). */
  failureAlertAfter?: number;
  /** Shared with whoever wires bots together and the notifier; one is made if absent. */
  events?: RuntimeEvents;
}

/**
 * Runs every bot on its own schedule. Each bot has its own loop that sleeps on the injected clock until its next
 * run is due, so a slow bot delays nobody and a run never overlaps the previous one of the same bot; a separate
 * tick watches the emergency-stop file and the kill switch and wakes paused loops when those lift.
 */
export class MonitorRuntime {
  readonly events: RuntimeEvents;
  readonly #slots = new Map<string, Slot>();
  readonly #clock: Clock;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #emergency: EmergencyStopFile;
  readonly #tickMs: number;
  readonly #alertAfter: number;
  readonly #stop = new AbortController();
  #phase: "new" | "running" | "stopped" = "new";
  #riskPause: RiskPause | null = null;
  #gate = "";
  #tickAt: number | undefined;

  constructor(opts: RuntimeOptions) {
    this.#clock = opts.clock;
    this.#store = opts.store;
    this.#log = opts.log;
    this.#emergency = new EmergencyStopFile(opts.emergencyStopPath);
    this.#tickMs = positiveMs(opts.tickMs ?? 1000, "tickMs");
    this.#alertAfter = opts.failureAlertAfter ?? 3;
    if (!Number.isInteger(this.#alertAfter) || this.#alertAfter < 1)
      throw new Error(
        `failureAlertAfter must be a whole number of failures, 1 or more, not ${this.#alertAfter}`,
      );
    this.events = opts.events ?? new RuntimeEvents(opts.log);
    for (const monitor of opts.monitors) {
      if (!monitor.name || monitor.name === "all" || this.#slots.has(monitor.name))
        throw new Error(
          `bot name "${monitor.name}" is empty, reserved or used twice: each bot needs its own`,
        );
      positiveMs(monitor.intervalMs, `${monitor.name}.intervalMs`);
      this.#slots.set(monitor.name, newSlot(monitor, opts.store.state.bots[monitor.name]));
    }
  }

  start(): void {
    if (this.#phase !== "new") throw new Error("a runtime starts once; make a new one to start again");
    this.#phase = "running";
    this.#refreshGates();
    for (const slot of this.#slots.values()) void this.#guard(`${slot.monitor.name} loop`, this.#loop(slot));
    void this.#guard("tick", this.#tick());
  }

  /** Stops scheduling, aborts the runs' signal, waits up to `graceMs`: the bots whose run had not ended by then. */
  async stop({ graceMs }: { graceMs: number }): Promise<{ unfinished: string[] }> {
    const wasRunning = this.#phase === "running";
    this.#phase = "stopped";
    if (!wasRunning) return { unfinished: [] };
    this.#stop.abort(new AbortError("the bots are stopping"));
    for (const slot of this.#slots.values()) slot.wake.abort(WOKEN);
    const unfinished = await runsAfterGrace([...this.#slots.values()], this.#clock, graceMs);
    if (unfinished.length > 0)
      this.#log.warn({ bots: unfinished, graceMs }, "bots still running after grace");
    return { unfinished };
  }

  /** Pauses one bot or "all", persisted so the pause survives a restart. */
  pause(target: string): Promise<void> {
    return this.#setPaused(target, true);
  }

  resume(target: string): Promise<void> {
    return this.#setPaused(target, false);
  }

  /**
   * Brings the named bot's next run forward to now (after its run in progress, if any). Cooldowns, back-off and
   * pauses still hold: they protect the account, the interval only paces the bot. False if no such bot runs.
   */
  runSoon(name: string): boolean {
    const slot = this.#slots.get(name);
    if (!slot) return false;
    slot.soon = true;
    slot.wake.abort(WOKEN);
    return true;
  }

  /** The daily loss limit: buying bots stop, selling bots go on. */
  pauseBuyers(reason: string): void {
    if (this.#riskPause) return;
    this.#riskPause = { reason, since: this.#clock.now() };
    this.#log.warn({ reason, bots: this.#buyers() }, "buying bots paused");
    this.events.emit({ type: "risk-pause", active: true, reason });
    this.#haltPaused();
  }

  resumeBuyers(): void {
    if (!this.#riskPause) return;
    this.#riskPause = null;
    this.#log.info({ bots: this.#buyers() }, "buying bots resumed");
    this.events.emit({ type: "risk-pause", active: false });
    for (const name of this.#buyers()) this.#slots.get(name)?.wake.abort(WOKEN);
  }

  get riskPause(): Readonly<RiskPause> | null {
    return this.#riskPause;
  }

  /** Every bot that runs, then those known only from the store. */
  status(): BotStatus[] {
    const names = new Set([...this.#slots.keys(), ...Object.keys(this.#store.state.bots)]);
    const now = this.#clock.now();
    return [...names].map((name) =>
      describeBot(name, this.#slots.get(name), this.#store.state.bots[name], this.#pausedBy(name), now),
    );
  }

  async #loop(slot: Slot): Promise<void> {
    while (this.#phase === "running") {
      this.#refreshGates();
      const wake = new AbortController();
      slot.wake = wake;
      if (this.#pausedBy(slot.monitor.name).length > 0) {
        await untilAborted(wake.signal);
        continue;
      }
      const wait = dueAt(slot, this.#clock.now()) - this.#clock.now();
      if (wait > 0) {
        await this.#clock.sleep(Math.min(wait, MAX_WAIT_MS), wake.signal).catch(ignoreAbort);
        continue;
      }
      slot.running = this.#runOnce(slot).finally(() => {
        slot.running = null;
        if (!slot.silent) return;
        slot.silent = false;
        const runningMs = this.#clock.now() - (slot.lastRunAt ?? this.#clock.now());
        const { name: bot, intervalMs } = slot.monitor;
        this.events.emit({ type: "bot-silent", bot, active: false, runningMs, intervalMs });
      });
      await slot.running;
    }
  }

  /** Whether the scheduler still turns, for systemd's watchdog (src/watchdog.ts). */
  heartbeat(stuckAfterMs: number): Heartbeat {
    return { tickAt: this.#tickAt, stuck: stuckRuns(this.#slots.values(), this.#clock.now(), stuckAfterMs) };
  }

  async #tick(): Promise<void> {
    while (this.#phase === "running") {
      this.#tickAt = this.#clock.now();
      this.#refreshGates();
      this.#watchRuns();
      await this.#clock.sleep(this.#tickMs, this.#stop.signal).catch(ignoreAbort);
    }
  }

  /**
   * A run that has gone on for SILENT_AFTER_INTERVALS of its interval (a request that never ends, an await that
   * never resolves) means the bot has decided nothing since: the owner hears of it once, and again when it ends.
   */
  #watchRuns(): void {
    for (const { slot, runningMs } of newlySilent(this.#slots.values(), this.#clock.now())) {
      const { name: bot, intervalMs } = slot.monitor;
      this.#log.warn({ bot, runningMs, intervalMs }, "bot has not decided for three of its intervals");
      this.events.emit({ type: "bot-silent", bot, active: true, runningMs, intervalMs });
    }
  }

  /** Looks at the emergency-stop file and the kill switch; wakes every loop when either changed. */
  #refreshGates(): void {
    const emergency = this.#emergency.check();
    if (emergency !== null) {
      const path = this.#emergency.path;
      if (emergency)
        this.#log.warn({ path }, "emergency stop file found: every bot is paused until it is removed");
      else this.#log.info({ path }, "emergency stop file removed: bots resume");
      this.events.emit({ type: "emergency-stop", active: emergency, path });
    }
    const gate = `${this.#store.state.killSwitch.active}|${this.#emergency.active}`;
    if (gate === this.#gate) return;
    this.#gate = gate;
    for (const slot of this.#slots.values()) slot.wake.abort(WOKEN);
    this.#haltPaused();
  }

  /** A pause stops a run in progress too, before its next order (a basket, a retry), within a tick. */
  #haltPaused(): void {
    for (const { halt, monitor } of this.#slots.values()) {
      const why = halt && !halt.signal.aborted ? this.#pausedBy(monitor.name) : [];
      if (why.length > 0) halt?.abort(new AbortError(`paused (${why.join(", ")})`));
    }
  }

  async #runOnce(slot: Slot): Promise<void> {
    const name = slot.monitor.name;
    const startedAt = this.#clock.now();
    slot.soon = false;
    slot.lastRunAt = startedAt;
    // Written with the next durable change, not on its own: a crash that forgets it makes the bot run once at the
    // restart, which any start does (a write per run was most of the state file's writes).
    this.#store.updateLazily((s) => {
      botEntry(s, name).lastRunAt = startedAt;
    });
    /** The cooldown before this run, while the run has committed another one (restored if it sends nothing). */
    let before: { cooldownUntil: number | undefined } | undefined;
    let committed: number | undefined;
    const commitLimits = async (asked?: number): Promise<void> => {
      // A bot counts its cooldown from the run's start (ctx.now), but it holds from the moment it is committed, just
      // before the orders leave: a run that took seconds to decide (a slow book read, a loaded machine) must not
      // bring two purchases closer than the cooldown (npm run chaos found 10.9 s between two with 12 s).
      const cooldownUntil = asked === undefined ? undefined : asked + (this.#clock.now() - startedAt);
      if (cooldownUntil !== undefined) {
        before ??= { cooldownUntil: slot.cooldownUntil };
        slot.cooldownUntil = cooldownUntil;
        committed = cooldownUntil;
      }
      await this.#store.update((s) => {
        const b = botEntry(s, name);
        b.lastRunAt = startedAt;
        if (cooldownUntil !== undefined) b.cooldownUntil = cooldownUntil;
      });
    };
    const halt = new AbortController();
    slot.halt = halt;
    try {
      const decision = await slot.monitor.run({
        now: startedAt,
        signal: AbortSignal.any([this.#stop.signal, halt.signal]),
        emit: (event) => this.events.emit(event),
        commitLimits,
      });
      if (decision.cooldownUntil === undefined && before) this.#restoreCooldown(slot, before.cooldownUntil);
      const kept =
        decision.cooldownUntil !== undefined && committed !== undefined && committed > decision.cooldownUntil
          ? { ...decision, cooldownUntil: committed }
          : decision;
      this.#succeeded(slot, kept, startedAt);
    } catch (err) {
      this.#failed(slot, err, startedAt);
    } finally {
      slot.halt = null;
    }
  }

  #succeeded(slot: Slot, decision: Decision, startedAt: number): void {
    const bot = slot.monitor.name;
    const { acted, summary, reasons, cooldownUntil } = decision;
    const durationMs = this.#clock.now() - startedAt;
    this.#log.info(
      { bot, acted, summary, reasons, durationMs, ...(cooldownUntil !== undefined && { cooldownUntil }) },
      "decision",
    );
    if (slot.alerted) this.events.emit({ type: "bot-recovered", bot, afterErrors: slot.consecutiveErrors });
    slot.consecutiveErrors = 0;
    slot.alerted = false;
    slot.retryAt = undefined;
    slot.lastDecision = { at: startedAt, acted, summary, reasons };
    if (cooldownUntil !== undefined) {
      slot.cooldownUntil = cooldownUntil;
      this.#persist(bot, (b) => {
        b.cooldownUntil = cooldownUntil;
      });
    }
    this.events.emit({ type: "decision", bot, decision });
  }

  /** A committed cooldown whose order never went out (skipped, rejected, refused) is taken back. */
  #restoreCooldown(slot: Slot, cooldownUntil: number | undefined): void {
    slot.cooldownUntil = cooldownUntil;
    this.#persist(slot.monitor.name, (b) => {
      if (cooldownUntil === undefined) delete b.cooldownUntil;
      else b.cooldownUntil = cooldownUntil;
    });
  }

  #failed(slot: Slot, err: unknown, startedAt: number): void {
    const bot = slot.monitor.name;
    if (this.#phase === "stopped" && isAbortLike(err)) {
      this.#log.info({ bot, durationMs: this.#clock.now() - startedAt }, "run ended by stop");
      return;
    }
    slot.errorCount += 1;
    slot.consecutiveErrors += 1;
    const { consecutiveErrors } = slot;
    const retryInMs = backoffMs(slot.monitor.intervalMs, consecutiveErrors);
    slot.retryAt = this.#clock.now() + retryInMs;
    const safe = safeError(err);
    slot.lastError = typeof safe === "string" ? safe : safe.message;
    this.#log.error({ bot, err, consecutiveErrors, retryInMs }, "run failed");
    if (!slot.alerted && consecutiveErrors >= this.#alertAfter) {
      slot.alerted = true;
      this.events.emit({ type: "bot-failing", bot, errors: consecutiveErrors, lastError: slot.lastError });
    }
  }

  #pausedBy(name: string): PauseReason[] {
    const why: PauseReason[] = [];
    if (this.#store.state.killSwitch.active) why.push("kill switch");
    if (this.#emergency.active) why.push("emergency stop file");
    if (this.#store.state.bots[name]?.paused) why.push("paused by owner");
    if (this.#riskPause && this.#slots.get(name)?.monitor.buys) why.push("daily loss limit");
    return why;
  }

  async #setPaused(target: string, paused: boolean): Promise<void> {
    const names = this.#resolve(target);
    const saved = this.#store.update((s) => {
      for (const name of names) botEntry(s, name).paused = paused;
    });
    // A resumed bot runs at once if it is due, not at the next tick.
    for (const name of names) this.#slots.get(name)?.wake.abort(WOKEN);
    if (paused) this.#haltPaused();
    await saved;
    this.#log.info({ bots: names }, paused ? "paused by owner" : "resumed by owner");
  }

  #resolve(target: string): string[] {
    if (target === "all") return [...this.#slots.keys()];
    if (this.#slots.has(target) || target in this.#store.state.bots) return [target];
    throw new Error(
      `no bot is named "${target}"; the bots are: ${[...this.#slots.keys()].join(", ")}, or "all"`,
    );
  }

  #buyers(): string[] {
    return [...this.#slots.values()].filter((s) => s.monitor.buys).map((s) => s.monitor.name);
  }

  /**
   * Not awaited: the schedule must not wait on the disk (a virtual clock would move on meanwhile). A crash before
   * the write forgets at most one run's time, and the bot then runs once more a little early.
   */
  #persist(name: string, change: (bot: BotState) => void): void {
    this.#store
      .update((s) => change(botEntry(s, name)))
      .catch((err: unknown) => this.#log.error({ bot: name, err }, "could not save the bot's schedule"));
  }

  /** The loops catch what they expect; anything else is a bug worth a loud line, not an unhandled rejection. */
  async #guard(what: string, task: Promise<void>): Promise<void> {
    try {
      await task;
    } catch (err) {
      this.#log.fatal({ err, what }, "bot scheduler crashed");
    }
  }
}
