/**
 * Standalone simulator: `npm run sim -- --port 0 --seed 42 [--alts N] [--fee-asset quote|base|MX] [--control]
 * [--upstream URL] [--no-rate-limit] [--real-variants] [--accept-duplicate-client-ids]`. Prints its URL and test
 * credentials; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
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

const running = await startSim({
  port: int("port", values.port),
  host: values.host,
  seed: int("seed", values.seed),
  generatedAlts: int("alts", values.alts),
  feeAsset: feeAsset as FeeAsset,
  control: values.control,
  upstream: values.upstream,
  rateLimit: { enabled: !values["no-rate-limit"] },
  realVariants: values["real-variants"],
  // For audits (npm run chaos): a resent order shows as a second order instead of a -2010 rejection.
  ...(values["accept-duplicate-client-ids"] ? { rejectDuplicateClientOrderId: false } : {}),
});

process.stdout.write(
  [
    `MEXC simulator listening on ${running.url}`,
    `  market:     ${values.upstream ? `paper, data from ${values.upstream}` : `synthetic, seed ${values.seed}, ${values.alts} generated alts`}`,
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
