import { readFileSync } from "node:fs";
import { startTrading } from "./app.js";
import { banner } from "./banner.js";
import { RealClock } from "./clock.js";
import { type Config, ConfigError } from "./config-schema.js";
import { type Env, EnvError } from "./env.js";
import { createLogs, type Logger } from "./log.js";
import { startFreshSimSession, statePaths } from "./paths.js";
import { safeError } from "./redact.js";
import { EXIT_FIX_SETUP, loadSettings } from "./settings.js";
import { Store, StoreError } from "./store/index.js";

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
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "crashed: uncaught error; a supervisor should restart the process");
    void logs.close().finally(() => process.exit(1));
  });

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
  const trading = await startTrading({ env, config, clock, logs, store, dataDir: paths.dataDir });
  log.info(
    {
      mode: env.mode,
      dataDir: paths.dataDir,
      logFile: logs.filePath,
      botsEnabledInConfig: enabledBots(config),
    },
    "started; waiting for SIGINT/SIGTERM (the trading core runs; the bots themselves are not in this build yet)",
  );

  await signals.stopped;
  await trading.stop();
  await store.close();
  log.info("stopped cleanly");
  await logs.close();
  return 0;
}

function enabledBots(config: Config): string[] {
  const bots = [
    "scanner",
    "balanceBuyer",
    "pnlSeller",
    "altsSeller",
    "balancer5050",
    "ordersReporter",
  ] as const;
  return bots.filter((b) => config[b].enabled);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fatal: ${JSON.stringify(safeError(err))}\n`);
    process.exit(1);
  },
);
