import { readFileSync } from "node:fs";
import { banner } from "./banner.js";
import { RealClock } from "./clock.js";
import { type Config, ConfigError } from "./config-schema.js";
import { connectExchange, type Exchange, marketDataClient } from "./connect.js";
import { type Env, EnvError } from "./env.js";
import { createLogs, type Logger, type Logs } from "./log.js";
import { startFreshSimSession, statePaths } from "./paths.js";
import { runPreflightOrExplain } from "./preflight.js";
import { safeError } from "./redact.js";
import { ConfigFileError, EXIT_FIX_SETUP, loadSettings } from "./settings.js";
import type { StopSignals } from "./signals.js";
import { writeErr, writeOut } from "./stdio.js";
import { Store, StoreError } from "./store/index.js";
import { type Suite, startSuite } from "./suite.js";
import { Supervisor, schedulerLiveness } from "./watchdog.js";

/**
 * The program after main.ts has its signal handlers in place: settings, logs, state, pre-flight, the suite, and
 * the clean stop. A signal at any moment of start-up stops it at the next step, exit 0; what was opened is closed.
 */

function safeMessage(err: unknown): string {
  const safe = safeError(err);
  return typeof safe === "string" ? safe : safe.message;
}

/** The project's version: package.json is one folder up from src/ and dist/, two from dist/bundle/. */
function version(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "mexc-portfolio-bots") return pkg.version ?? "?";
    } catch {}
  }
  return "?";
}

/** Resolves with `p`'s value, or with STOPPED when the stop is asked for first (`p` is then left to itself). */
const STOPPED = Symbol("stopped");
function unlessStopped<T>(p: Promise<T>, signals: StopSignals): Promise<T | typeof STOPPED> {
  p.catch(() => {}); // an abandoned step's failure is no crash
  return Promise.race([p, signals.stopped.then((): typeof STOPPED => STOPPED)]);
}

/** Waits for `p` at most `ms`: the last flush of a log must not hold the exit. */
function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    p.catch(() => {}).finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * The stop must end within shutdown.graceSec of the signal whatever hangs (a dead network in the pre-flight or the
 * reconciliation, a Telegram that does not answer): shortly before, the process closes the state file (its lock)
 * and the log and exits 0 anyway. Nothing is lost: every order is in the journal before it is sent, and the next
 * start reconciles.
 */
function armGraceDeadline(
  signals: StopSignals,
  graceMs: number,
  log: Logger,
  closeAll: () => Promise<void>,
): void {
  signals.onStop((signal) => {
    // A second before the grace ends (half of it for a very short one), for the closing itself.
    const deadline = graceMs - Math.min(1_000, graceMs / 2);
    const left = Math.max(0, deadline - (Date.now() - (signals.requestedAt ?? Date.now())));
    setTimeout(() => {
      log.warn(
        { signal, graceMs },
        "the clean stop did not end within shutdown.graceSec: exiting now; the next start reconciles the journal",
      );
      void closeAll().then(() => process.exit(0));
    }, left);
  });
}

/** How long the bots' runs may take to end: the grace minus a reserve for cancelling, flushing and the last messages. */
function runsGraceMs(graceMs: number, signals: StopSignals): number {
  const spent = Date.now() - (signals.requestedAt ?? Date.now());
  return Math.max(0, graceMs - Math.min(5_000, graceMs / 4) - spent);
}

/** What the signal handlers and the crash handler reach once they exist: filled in as the start-up goes on. */
interface Running {
  log?: Logger;
  refuseOrders?: (reason: string) => void;
  crashAlert?: (text: string) => void;
  openStore?: Store;
  exiting: boolean;
}

export async function runProgram(argv: string[], signals: StopSignals): Promise<number> {
  const running: Running = { exiting: false };
  signals.onStop((signal) => {
    running.log?.info({ signal }, "stopping: finishing running work");
    running.refuseOrders?.(`the program is stopping (${signal}): no new orders are sent`);
  });

  const settings = await settingsOrExit(argv, signals);
  if (typeof settings === "number") return settings;
  const { env, config } = settings;

  const clock = new RealClock();
  const paths = statePaths(env);
  const { logs, mainLog } = openLogs(env, config, paths.logDir, running, signals);
  const supervisor = Supervisor.fromEnv(mainLog);

  /** A stop asked for during start-up: close what is open, exit 0. */
  const stoppedDuringStart = async (parts: { exchange?: Exchange; store?: Store }, step: string) => {
    mainLog.info({ signal: signals.requested, step }, "stopped during start-up; no bot was started");
    await parts.exchange?.close().catch(() => {});
    await parts.store?.close().catch(() => {});
    await bounded(logs.close(), 1_000);
    return 0;
  };
  /** A setup error the operator must fix: close what is open, exit 2 so a supervisor does not restart-loop. */
  const setupError = async (parts: { exchange?: Exchange; store?: Store }, exit = EXIT_FIX_SETUP) => {
    await parts.exchange?.close();
    await parts.store?.close();
    await logs.close();
    signals.release();
    return exit;
  };

  const store = await openStoreOrExplain(env, paths, clock, mainLog);
  if (store === undefined) return setupError({});
  running.openStore = store;
  if (signals.requested) return stoppedDuringStart({ store }, "state file");

  writeOut(
    `${banner({ mode: env.mode, version: version(), dataDir: paths.dataDir, logFile: logs.filePath })}\n`,
  );
  for (const note of env.ignored ?? []) {
    mainLog.warn({ note }, "environment variable without effect");
    writeErr(`Note: ${note}.\n`);
  }
  // Pre-flight before anything signed runs: a wrong key or a skewed clock is a setup error (exit 2), not a crash.
  const exchange = await connectExchange(env, config, clock, logs.child("api"));
  if (signals.requested) return stoppedDuringStart({ exchange, store }, "exchange");
  const failed = await preflight(env, config, clock, exchange, mainLog, signals);
  // The exchange stays open for the abandoned pre-flight's last requests; the exit ends them.
  if (failed === STOPPED) return stoppedDuringStart({ store }, "pre-flight");
  if (failed !== undefined) return setupError({ exchange, store }, failed);

  let suite: Suite;
  try {
    suite = await startSuite({ env, config, clock, logs, store, dataDir: paths.dataDir, exchange });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    // A damaged fills.jsonl (or another data file) is for the operator to fix, like a damaged state.json: exit 2,
    // so a supervisor does not restart-loop on it (issue 13).
    mainLog.error({ err: e }, "cannot open a data file");
    writeErr(`${e.message}\n`);
    return setupError({ exchange, store });
  }
  const started = suite;
  running.refuseOrders = (reason) => started.trading.orders.refuseNewOrders(reason);
  if (signals.requested) {
    // The trading core is up (it follows orders) but no bot has started: stop it the same clean way.
    running.refuseOrders(`the program is stopping (${signals.requested}): no new orders are sent`);
    mainLog.info({ signal: signals.requested, step: "suite" }, "stopped during start-up; no bot was started");
  } else {
    running.crashAlert = (text) => started.notifier.notify({ type: "lifecycle", severity: "alert", text });
    startBots(suite, env, paths.dataDir, logs.filePath, mainLog, supervisor);
  }
  const { unfinished } = await stopWhenAsked(suite, config, signals, supervisor);
  await store.close();
  mainLog.info({ unfinished }, "stopped cleanly");
  await bounded(logs.close(), 2_000);
  return 0;
}

/** The logs, the deadline of the clean stop and the crash handler: everything after this may log. */
function openLogs(env: Env, config: Config, dir: string, running: Running, signals: StopSignals) {
  const logs = createLogs({
    dir,
    level: env.logLevel,
    console: process.stdout.isTTY ? "pretty" : "json",
    interval: "1d",
  });
  const mainLog = logs.child("main");
  running.log = mainLog;
  armGraceDeadline(signals, config.shutdown.graceSec * 1000, mainLog, async () => {
    // What still runs may fail on the closed state file now: that is the forced exit, not a crash.
    running.exiting = true;
    if (running.openStore) await bounded(running.openStore.close(), 400);
    await bounded(logs.close(), 400);
  });
  handleCrashes(running, logs, mainLog);
  return { logs, mainLog };
}

/** The settings, or the exit code of a setup error (2) or of a stop asked for before anything started (0). */
async function settingsOrExit(
  argv: string[],
  signals: StopSignals,
): Promise<{ env: Env; config: Config } | number> {
  let settings: { env: Env; config: Config };
  try {
    settings = await loadSettings(argv);
  } catch (e) {
    if (e instanceof EnvError || e instanceof ConfigError || e instanceof ConfigFileError) {
      writeErr(`${e.message}\n`);
      signals.release();
      return EXIT_FIX_SETUP;
    }
    throw e;
  }
  if (signals.requested) {
    writeErr(`${signals.requested}: stopped before the start; nothing was started.\n`);
    return 0;
  }
  return settings;
}

/** An uncaught error ends the process with exit 1 after one alert, so a supervisor restarts it. */
function handleCrashes(running: Running, logs: Logs, mainLog: Logger): void {
  let crashed = false;
  const crash = (err: unknown, what: string) => {
    // Once only: an error while going down (say, in the crash report itself) must not start another round.
    if (crashed || running.exiting) return;
    crashed = true;
    try {
      mainLog.fatal(
        { err, what },
        "crashed: a supervisor should restart the process; the journal resumes from here",
      );
    } catch {}
    try {
      running.crashAlert?.(
        `💥 Crashed (${what}): ${safeMessage(err)}. Restart expected from the supervisor.`,
      );
    } catch {}
    // A moment for the alert and the log to leave; then a non-zero exit so systemd/pm2 restarts us.
    setTimeout(() => void bounded(logs.close(), 1_000).then(() => process.exit(1)), 1_500);
  };
  process.on("uncaughtException", (err) => crash(err, "uncaught exception"));
  process.on("unhandledRejection", (err) => crash(err, "unhandled rejection"));
}

/** The state file, opened (a simulated account starts anew each session); undefined after explaining why not. */
async function openStoreOrExplain(
  env: Env,
  paths: ReturnType<typeof statePaths>,
  clock: RealClock,
  mainLog: Logger,
): Promise<Store | undefined> {
  try {
    if (env.mode !== "live") {
      const previous = startFreshSimSession(paths.dataDir);
      if (previous)
        mainLog.info(
          { previous },
          "the simulated account starts anew: the last session's state was moved aside",
        );
    }
    return await Store.open({ path: paths.stateFile, mode: env.mode, now: clock.now() });
  } catch (e) {
    if (e instanceof StoreError) {
      mainLog.error({ err: e }, "cannot open the state file");
      writeErr(`${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}

/** The pre-flight's exit code when it failed, undefined when it passed, STOPPED when a stop came first. */
async function preflight(
  env: Env,
  config: Config,
  clock: RealClock,
  exchange: Exchange,
  mainLog: Logger,
  signals: StopSignals,
): Promise<number | undefined | typeof STOPPED> {
  // Paper mode: the simulator answers locally, the market data comes from MEXC_BASE_URL; both are checked.
  const upstream =
    env.mode === "paper" ? { client: marketDataClient(env, config, clock), url: env.mexcBaseUrl } : undefined;
  const failed = await unlessStopped(
    runPreflightOrExplain({
      client: exchange.client,
      config,
      mode: env.mode,
      clock,
      log: mainLog,
      telegram: env.telegram !== undefined,
      ...(upstream ? { upstream } : {}),
      // A pre-flight left behind by a stop must not print a report of checks it could no longer finish.
      out: (t) => void (signals.requested ? undefined : writeOut(t)),
      err: (t) => void (signals.requested ? undefined : writeErr(t)),
    }),
    signals,
  );
  upstream?.client.close();
  return failed;
}

function startBots(
  suite: Suite,
  env: Env,
  dataDir: string,
  logFile: string,
  mainLog: Logger,
  supervisor: Supervisor,
): void {
  suite.start();
  void supervisor.ready(`${env.mode}: bots ${suite.monitors.map((m) => m.name).join(", ")}`);
  // The tick turns every second; ten seconds without one is a stalled event loop or scheduler, not a slow turn.
  const clock = new RealClock();
  supervisor.startWatchdog(
    schedulerLiveness(
      (ms) => suite.runtime.heartbeat(ms),
      () => clock.now(),
      10_000,
    ),
  );
  suite.notifier.notify({
    type: "lifecycle",
    severity: "alert",
    text: startMessage(
      env.mode,
      suite.monitors.map((m) => m.name),
    ),
  });
  mainLog.info(
    { mode: env.mode, dataDir, logFile, bots: suite.monitors.map((m) => m.name) },
    "started; stop with Ctrl-C (SIGINT) or SIGTERM",
  );
}

/** Waits for SIGINT/SIGTERM, then stops the suite within the grace. */
async function stopWhenAsked(
  suite: Suite,
  config: Config,
  signals: StopSignals,
  supervisor: Supervisor,
): Promise<{ unfinished: string[] }> {
  const signal = await signals.stopped;
  void supervisor.stopping(`stopping (${signal})`);
  suite.notifier.notify({
    type: "lifecycle",
    severity: "alert",
    text: `⏹ Stopping (${signal}): ${config.shutdown.cancelOpenOrders ? "open orders will be cancelled" : "open orders stay on the book and are followed again at the next start"}.`,
  });
  return suite.stop({
    graceMs: runsGraceMs(config.shutdown.graceSec * 1000, signals),
    cancelOpenOrders: config.shutdown.cancelOpenOrders,
  });
}

function startMessage(mode: Env["mode"], bots: string[]): string {
  const what =
    mode === "live"
      ? "🔴 <b>LIVE</b>: trading with REAL money"
      : mode === "paper"
        ? "🟡 PAPER: real prices, fake money"
        : "🟢 SIMULATED exchange, fake money";
  return `▶️ mexc-portfolio-bots started. ${what}. Bots: ${bots.join(", ") || "none"}.`;
}
