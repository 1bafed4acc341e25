// npm run history -- fetch | import: real candles into data/history/ for the simulator's history market and replays.
// Public market data only: no key, whatever the mode; MEXC_BASE_URL says where from (default the real exchange).
import { RealClock } from "../clock.js";
import { clientLimits } from "../connect.js";
import { loadDotEnv, parseEnv } from "../env.js";
import { historyCommand } from "../history/command.js";
import { loadConfig } from "../settings.js";
import { runCli } from "./run-cli.js";

runCli(async () => {
  loadDotEnv();
  const env = parseEnv();
  // config.ts's rate limits and timeout, so a download shares the limits the user set for the exchange.
  const config = await loadConfig([]);
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  return historyCommand(process.argv.slice(2), {
    env,
    clock: new RealClock(),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: stop.signal,
    client: { limits: clientLimits(config), timeoutMs: config.exchange.timeoutMs },
  });
});
