// npm run check:live: before the first live start (and after any MEXC change), with the keys of .env, check that
// MEXC accepts what the suite will send. Read-only calls and POST /api/v3/order/test only: it places no order.
import { MexcClient } from "../api/index.js";
import { LimiterFile } from "../api/limiter-file.js";
import { RealClock } from "../clock.js";
import { loadDotEnv, parseEnv } from "../env.js";
import { runLiveCheck } from "../live-check.js";
import { failures, formatLiveCheck, NO_ORDER_NOTICE, NO_ORDER_PLACED } from "../live-check-report.js";
import { silentLogger } from "../log.js";
import { statePaths } from "../paths.js";
import { EXIT_FIX_SETUP, loadConfig, registerSecrets } from "../settings.js";
import { runCli } from "./run-cli.js";

runCli(async () => {
  loadDotEnv();
  // The same variables as `npm start`, but the run mode does not matter here: a check that places no order needs
  // neither MODE=live nor LIVE_TRADING=yes (it is what you run before setting them).
  const env = parseEnv({ ...process.env, MODE: undefined, LIVE_TRADING: undefined });
  registerSecrets(env);
  const config = await loadConfig(process.argv.slice(2));
  if (!env.mexcKeys) {
    process.stderr.write(
      "check:live needs your MEXC API key: set MEXC_API_KEY and MEXC_API_SECRET in .env (a key with spot trading " +
        "and read, never withdrawal; see .env.example), then run `npm run check:live` again.\n",
    );
    return EXIT_FIX_SETUP;
  }
  const out = (t: string) => process.stdout.write(`${t}\n`);
  out(`check:live against ${env.mexcBaseUrl}`);
  for (const line of NO_ORDER_NOTICE) out(line);
  out("");
  const clock = new RealClock();
  // The live suite's limiter state: MEXC counts this check's requests and back-offs together with the suite's.
  const limiterFile = new LimiterFile({
    path: statePaths({ ...env, mode: "live" }).limiterFile,
    clock,
    logger: silentLogger(),
  });
  const client = new MexcClient({
    limiterFile,
    baseUrl: env.mexcBaseUrl,
    apiKey: env.mexcKeys.apiKey,
    apiSecret: env.mexcKeys.apiSecret,
    clock,
    timeoutMs: config.exchange.timeoutMs,
    recvWindow: config.exchange.recvWindowMs,
  });
  try {
    const report = await runLiveCheck({ client, config, clock, log: silentLogger() });
    out(formatLiveCheck(report));
    out("");
    out(NO_ORDER_PLACED);
    const problems = failures(report);
    if (problems.length === 0) {
      out("check:live: everything MEXC was asked accepted; you may start the suite.");
      return 0;
    }
    process.stderr.write(
      `check:live found ${problems.length} problem${problems.length === 1 ? "" : "s"}; do not go live until fixed:\n` +
        `${problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    return EXIT_FIX_SETUP;
  } finally {
    client.close();
    limiterFile.close();
  }
});
