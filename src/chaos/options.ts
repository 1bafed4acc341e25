import { parseArgs as nodeParseArgs } from "node:util";

export interface ChaosOptions {
  /** SIGKILL cycles before the final clean run. */
  cycles: number;
  seed: number;
  /** Each run is killed at a moment drawn between these (ms after its spawn): start-up included. */
  minLifeMs: number;
  maxLifeMs: number;
  /** The final clean run waits at least this long for lookups and timeouts to settle, at most settleMaxMs. */
  settleMs: number;
  settleMaxMs: number;
  /** Working directory (data, logs, each run's console); a temporary one by default. */
  dir: string | undefined;
  /** Keep the directory even when every figure is zero. */
  keep: boolean;
}

const USAGE =
  "usage: npm run chaos -- [--cycles 20] [--seed 1] [--min-life-sec 0.3] [--max-life-sec 15] [--settle-sec 10] [--dir D] [--keep]";

function num(name: string, v: string, min: number, integer: boolean): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new Error(
      `--${name} must be ${integer ? "an integer" : "a number"} ≥ ${min}, got "${v}"\n${USAGE}`,
    );
  return n;
}

export function parseArgs(argv: string[]): ChaosOptions {
  const { values } = nodeParseArgs({
    args: argv,
    options: {
      cycles: { type: "string", default: "20" },
      seed: { type: "string", default: "1" },
      "min-life-sec": { type: "string", default: "0.3" },
      "max-life-sec": { type: "string", default: "15" },
      "settle-sec": { type: "string", default: "10" },
      dir: { type: "string" },
      keep: { type: "boolean", default: false },
    },
    strict: true,
  });
  const minLifeMs = num("min-life-sec", values["min-life-sec"], 0, false) * 1000;
  const maxLifeMs = num("max-life-sec", values["max-life-sec"], 0.1, false) * 1000;
  if (maxLifeMs < minLifeMs) throw new Error(`--max-life-sec must not be below --min-life-sec\n${USAGE}`);
  const settleMs = num("settle-sec", values["settle-sec"], 0, false) * 1000;
  return {
    cycles: num("cycles", values.cycles, 0, true),
    seed: num("seed", values.seed, 0, true),
    minLifeMs,
    maxLifeMs,
    settleMs,
    settleMaxMs: Math.max(settleMs, 60_000),
    dir: values.dir,
    keep: values.keep,
  };
}
