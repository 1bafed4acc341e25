import { readFileSync } from "node:fs";
import { banner } from "./banner.js";
import { RealClock } from "./clock.js";
import { type Config, ConfigError } from "./config-schema.js";
import { connectExchange } from "./connect.js";
import { type Env, EnvError } from "./env.js";
import { createLogs, type Logger } from "./log.js";
import { startFreshSimSession, statePaths } from "./paths.js";
import { runPreflightOrExplain } from "./preflight.js";
import { safeError } from "./redact.js";
import { EXIT_FIX_SETUP, loadSettings } from "./settings.js";
import { Store, StoreError } from "./store/index.js";
import { type Suite, startSuite } from "./suite.js";

function safeMessage(err: unknown): string {
  const safe = safeError(err);
  return typeof safe === "string" ? safe : safe.message;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

/**
 * Listens for SIGINT/SIGTERM from the first moment, so a signal during start-up also stops cleanly; the first one
 * asks for a clean stop, a second one exits at once.
 */
function watchSignals(onFirst: (sig: NodeJS.Signals) => void) {
  // Signal listeners do not keep Node's event loop alive; this timer does until the stop is asked for.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let resolveStop: (sig: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((r) => (resolveStop = r));
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`\n${sig} again: exiting now without a clean shutdown.\n`);
      process.exit(130);
    }
    stopping = true;
    clearInterval(keepAlive);
    onFirst(sig);
    resolveStop(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { stopped, release: () => clearInterval(keepAlive) };
}

async function main(argv: string[]): Promise<number> {
  let log: Logger | undefined;
  const signals = watchSignals((signal) => log?.info({ signal }, "stopping: finishing running work"));
  let env: Env;
  let config: Config;
  try {
    ({ env, config } = await loadSettings(argv));
  } catch (e) {
    if (e instanceof EnvError || e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      signals.release();
      return EXIT_FIX_SETUP;
    }
    throw e;
  }

  const clock = new RealClock();
  const paths = statePaths(env);
  const logs = createLogs({
    dir: paths.logDir,
    level: env.logLevel,
    console: process.stdout.isTTY ? "pretty" : "json",
    interval: "1d",
  });
  log = logs.child("main");
  let crashAlert: ((text: string) => void) | undefined;
  const crash = (err: unknown, what: string) => {
    log?.fatal(
      { err, what },
      "crashed: a supervisor should restart the process; the journal resumes from here",
    );
    try {
      crashAlert?.(`💥 Crashed (${what}): ${safeMessage(err)}. Restart expected from the supervisor.`);
    } catch {}
    // A moment for the alert and the log to leave; then a non-zero exit so systemd/pm2 restarts us.
    setTimeout(() => void logs.close().finally(() => process.exit(1)), 1_500).unref();
  };
  process.on("uncaughtException", (err) => crash(err, "uncaught exception"));
  process.on("unhandledRejection", (err) => crash(err, "unhandled rejection"));

  let store: Store;
  try {
    if (env.mode !== "live") {
      const previous = startFreshSimSession(paths.dataDir);
      if (previous)
        log.info({ previous }, "the simulated account starts anew: the last session's state was moved aside");
    }
    store = await Store.open({ path: paths.stateFile, mode: env.mode, now: clock.now() });
  } catch (e) {
    if (e instanceof StoreError) {
      log.error({ err: e }, "cannot open the state file");
      process.stderr.write(`${e.message}\n`);
      await logs.close();
      return EXIT_FIX_SETUP;
    }
    throw e;
  }

  process.stdout.write(
    `${banner({ mode: env.mode, version: version(), dataDir: paths.dataDir, logFile: logs.filePath })}\n`,
  );
  // Pre-flight before anything signed runs: a wrong key or a skewed clock is a setup error (exit 2), not a crash.
  const exchange = await connectExchange(env, config, clock, logs.child("api"));
  const failed = await runPreflightOrExplain({ client: exchange.client, config, mode: env.mode, clock, log });
  if (failed !== undefined) {
    await exchange.close();
    await store.close();
    await logs.close();
    signals.release();
    return failed;
  }
  let suite: Suite;
  try {
    suite = await startSuite({ env, config, clock, logs, store, dataDir: paths.dataDir, exchange });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    // A damaged fills.jsonl (or another data file) is for the operator to fix, like a damaged state.json: exit 2,
    // so a supervisor does not restart-loop on it (issue 13).
    log.error({ err: e }, "cannot open a data file");
    process.stderr.write(`${e.message}\n`);
    await exchange.close();
    await store.close();
    await logs.close();
    signals.release();
    return EXIT_FIX_SETUP;
  }
  crashAlert = (text) => suite.notifier.notify({ type: "lifecycle", severity: "alert", text });
  suite.start();
  suite.notifier.notify({
    type: "lifecycle",
    severity: "alert",
    text: startMessage(
      env.mode,
      suite.monitors.map((m) => m.name),
    ),
  });
  log.info(
    {
      mode: env.mode,
      dataDir: paths.dataDir,
      logFile: logs.filePath,
      bots: suite.monitors.map((m) => m.name),
    },
    "started; stop with Ctrl-C (SIGINT) or SIGTERM",
  );

  const signal = await signals.stopped;
  suite.notifier.notify({
    type: "lifecycle",
    severity: "alert",
    text: `⏹ Stopping (${signal}): ${config.shutdown.cancelOpenOrders ? "open orders will be cancelled" : "open orders stay on the book and are followed again at the next start"}.`,
  });
  const { unfinished } = await suite.stop({
    graceMs: config.shutdown.graceSec * 1000,
    cancelOpenOrders: config.shutdown.cancelOpenOrders,
  });
  await store.close();
  log.info({ unfinished }, "stopped cleanly");
  await logs.close();
  return 0;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fatal: ${JSON.stringify(safeError(err))}\n`);
    process.exit(1);
  },
);
