/**
 * Standalone simulator: `npm run sim -- --port 0 --seed 42 [--alts N] [--fee-asset quote|base|MX] [--control]
 * [--upstream URL | --history DIR --interval 15m [--symbols A,B]] [--no-rate-limit] [--real-variants]
 * [--accept-duplicate-client-ids]`. Prints its URL and test credentials; stops on SIGINT/SIGTERM.
 * With --history the market replays recorded candles on a clock that starts at the history's first common candle
 * and runs `--speed` times real time (signed requests then need a client that follows the server's time, as the
 * project's does); `npm run replay` drives the same market on a virtual clock instead.
 */
import { parseArgs } from "node:util";
import { type Clock, RealClock } from "../clock.js";
import { DEFAULT_ACCOUNT, type FeeAsset, startSim } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "42" },
    alts: { type: "string", default: "300" },
    "fee-asset": { type: "string", default: "quote" },
    control: { type: "boolean", default: false },
    upstream: { type: "string" },
    history: { type: "string" },
    interval: { type: "string", default: "15m" },
    symbols: { type: "string" },
    speed: { type: "string", default: "1" },
    "no-rate-limit": { type: "boolean", default: false },
    "real-variants": { type: "boolean", default: false },
    "accept-duplicate-client-ids": { type: "boolean", default: false },
  },
  strict: true,
});

function int(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${v}\n`);
    process.exit(2);
  }
  return n;
}

const feeAsset = values["fee-asset"];
if (feeAsset !== "quote" && feeAsset !== "base" && feeAsset !== "MX") {
  process.stderr.write(`--fee-asset must be quote, base or MX, got ${feeAsset}\n`);
  process.exit(2);
}

if (values.history && values.upstream) {
  process.stderr.write("--history and --upstream are two markets: give one\n");
  process.exit(2);
}
const history = values.history
  ? {
      dir: values.history,
      interval: values.interval,
      ...(values.symbols ? { symbols: values.symbols.split(",").map((s) => s.trim()) } : {}),
    }
  : undefined;

const speed = Number(values.speed);
if (!(speed > 0)) {
  process.stderr.write(`--speed must be a positive number, got ${values.speed}\n`);
  process.exit(2);
}
// History time: starts where the history does once the simulator knows its span, then runs `speed` times real time.
const real = new RealClock();
const startedAt = real.now();
let historyStart: number | undefined;
const historyClock: Clock = {
  now: () => (historyStart ?? startedAt) + Math.floor((real.now() - startedAt) * speed),
  sleep: (ms, signal) => real.sleep(ms / speed, signal),
};

const running = await startSim({
  ...(history ? { clock: historyClock } : {}),
  port: int("port", values.port),
  host: values.host,
  seed: int("seed", values.seed),
  generatedAlts: int("alts", values.alts),
  feeAsset: feeAsset as FeeAsset,
  control: values.control,
  upstream: values.upstream,
  history,
  rateLimit: { enabled: !values["no-rate-limit"] },
  realVariants: values["real-variants"],
  // For audits (npm run chaos): a resent order shows as a second order instead of a -2010 rejection.
  ...(values["accept-duplicate-client-ids"] ? { rejectDuplicateClientOrderId: false } : {}),
});

historyStart = running.sim.historyRange()?.fromMs;

process.stdout.write(
  [
    `MEXC simulator listening on ${running.url}`,
    `  market:     ${marketLine()}`,
    `  apiKey:     ${DEFAULT_ACCOUNT.apiKey}`,
    `  apiSecret:  ${DEFAULT_ACCOUNT.apiSecret}`,
    `  balances:   ${Object.entries(DEFAULT_ACCOUNT.balances)
      .map(([a, v]) => `${v} ${a}`)
      .join(", ")}`,
    `  fees in:    ${feeAsset}`,
    `  control:    ${values.control ? `${running.url}/__sim/…` : "off (--control to enable)"}`,
    "",
  ].join("\n"),
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void running.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

function marketLine(): string {
  if (values.upstream) return `paper, data from ${values.upstream}`;
  if (!history) return `synthetic, seed ${values.seed}, ${values.alts} generated alts`;
  const r = running.sim.historyRange();
  const span = r
    ? `${new Date(r.fromMs).toISOString()} .. ${new Date(r.toMs).toISOString()}`
    : "no common span";
  return `history, ${history.interval} candles from ${history.dir} (${span})`;
}
