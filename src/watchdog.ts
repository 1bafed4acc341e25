import { execFile } from "node:child_process";
import type { Heartbeat } from "./bots/runtime.js";
import type { Logger } from "./log.js";

/**
 * Tells systemd how the process is doing (sd_notify(3)): READY=1 once the pre-flight passed and the bots run
 * (`Type=notify`), WATCHDOG=1 while the scheduler is alive (`WatchdogSec=`: a hung process is restarted), and
 * STOPPING=1 when a clean stop begins. Outside systemd (no NOTIFY_SOCKET) every call does nothing.
 *
 * Node.js has no AF_UNIX datagram sockets (nodejs/node#29339, #61933: removed in 0.5 and never brought back), and
 * the native addons that add them (unix-dgram, sd-notify) need a compiler and install scripts at `npm ci`. So the
 * datagram is sent by systemd's own `systemd-notify`, which every systemd machine has. Since systemd 246 it waits
 * until the manager has read the message (a BARRIER=1 round trip; `--no-block` turns that off), so a message from
 * this short-lived child is not lost to the race systemd-notify(1) describes. The sender is a child process, so
 * the unit needs `NotifyAccess=all` (deploy/mexc-portfolio-bots.service).
 */
export interface SystemdTarget {
  /** NOTIFY_SOCKET: a path, or "@name" for an abstract socket. */
  readonly socket: string;
  /** WATCHDOG_USEC in ms, when the watchdog is on for this very process. */
  readonly watchdogMs: number | undefined;
}

/** The target systemd gave this process, or undefined when not started by systemd with Type=notify. */
export function systemdTarget(env: NodeJS.ProcessEnv, pid: number): SystemdTarget | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return undefined;
  const usec = Number(env.WATCHDOG_USEC);
  // sd_watchdog_enabled(3): WATCHDOG_PID, when set, names the process the watchdog is for; anyone else ignores it.
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid;
  const watchdogMs =
    Number.isFinite(usec) && usec > 0 && forUs ? Math.max(1, Math.floor(usec / 1000)) : undefined;
  return { socket, watchdogMs };
}

/** Sends one notification (newline-separated KEY=VALUE fields); rejects with what went wrong. */
export type NotifySend = (fields: readonly string[]) => Promise<void>;

/** `systemd-notify FIELD...` with nothing of our environment but the socket and PATH: no secret leaves with it. */
export function systemdNotifyCommand(socket: string, command = "systemd-notify"): NotifySend {
  return (fields) =>
    new Promise((resolve, reject) => {
      execFile(
        command,
        [...fields],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NOTIFY_SOCKET: socket }, timeout: 10_000 },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const why = String(stderr).trim() || err.message;
          reject(new Error(`${command} ${fields.join(" ")} failed: ${why}`));
        },
      );
    });
}

/** Why the process must not say it is alive, or undefined when it is. */
export type Liveness = () => string | undefined;

export class Supervisor {
  #timer: NodeJS.Timeout | undefined;
  #withheld: string | undefined;

  constructor(
    private readonly target: SystemdTarget | undefined,
    private readonly send: NotifySend,
    private readonly log: Logger,
  ) {}

  static fromEnv(log: Logger, env: NodeJS.ProcessEnv = process.env): Supervisor {
    const target = systemdTarget(env, process.pid);
    return new Supervisor(target, target ? systemdNotifyCommand(target.socket) : async () => {}, log);
  }

  /** Started under systemd with a notify socket. */
  get active(): boolean {
    return this.target !== undefined;
  }

  /** The pre-flight passed and the bots are scheduled. */
  ready(status: string): Promise<void> {
    return this.#notify(["READY=1", `STATUS=${status}`]);
  }

  stopping(status: string): Promise<void> {
    this.close();
    return this.#notify(["STOPPING=1", `STATUS=${status}`]);
  }

  /**
   * Pings the watchdog every half of WatchdogSec (sd_watchdog_enabled(3) advises "about half") while `alive` says
   * so. A blocked event loop sends nothing by itself; a scheduler that stopped ticking or a bot run hung far past
   * its interval is reported by `alive`: the pings stop, the reason goes to the log and to `systemctl status`,
   * and systemd restarts the process, which resumes from its journal.
   */
  startWatchdog(alive: Liveness): void {
    const ms = this.target?.watchdogMs;
    if (ms === undefined || this.#timer) return;
    const beat = () => {
      const problem = alive();
      if (problem === undefined) {
        if (this.#withheld !== undefined) this.log.info({ was: this.#withheld }, "watchdog: alive again");
        this.#withheld = undefined;
        void this.#notify(["WATCHDOG=1"]);
        return;
      }
      if (this.#withheld === problem) return;
      this.#withheld = problem;
      this.log.error(
        { problem, watchdogMs: ms },
        "watchdog: not alive, pings withheld; systemd will restart us",
      );
      void this.#notify([`STATUS=not alive: ${problem}`]);
    };
    beat();
    this.#timer = setInterval(beat, Math.max(1, Math.floor(ms / 2)));
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #notify(fields: string[]): Promise<void> {
    if (!this.target) return;
    try {
      await this.send(fields);
    } catch (err) {
      // No notification means systemd times the start out or kills us on the watchdog: say so where it shows.
      this.log.error(
        { err, fields },
        "cannot notify systemd: is systemd-notify installed and NotifyAccess=all in the unit?",
      );
    }
  }
}

/** A bot run that has not ended after this long (or three of its intervals, if longer) counts as hung. */
export const STUCK_RUN_MS = 3_600_000;

/**
 * The scheduler is alive while its tick (every second) turns and no bot's run hangs past STUCK_RUN_MS: a run
 * waiting on a request that never returns would otherwise leave a process that looks up but trades nothing.
 */
export function schedulerLiveness(
  heartbeat: (stuckAfterMs: number) => Heartbeat,
  now: () => number,
  maxTickAgeMs: number,
): Liveness {
  return () => {
    const { tickAt, stuck } = heartbeat(STUCK_RUN_MS);
    if (tickAt === undefined) return "the scheduler has not started";
    const age = now() - tickAt;
    if (age > maxTickAgeMs) return `the scheduler has not ticked for ${Math.round(age / 1000)} s`;
    const hung = stuck.map((s) => `${s.bot} (${Math.round(s.runningMs / 60_000)} min)`);
    return hung.length > 0 ? `bot run hung: ${hung.join(", ")}` : undefined;
  };
}
