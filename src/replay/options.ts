import { PACES, type Pace } from "./pace.js";

/** What `npm run replay` was asked to do, read from its flags; every field has the CLI's default. */
export interface ReplayArgs {
  fromMs: number;
  /** The end of the `--to` day (that day is included). */
  toMs: number;
  configFile: string | undefined;
  /** Balances the simulator's account starts with; the config's `sim.startingBalances` when absent. */
  startBalances: Record<string, string> | undefined;
  /** `--set key=value`, one or more values each (commas make a sweep over the cartesian product). */
  sets: Record<string, string[]>;
  /** Folder of history files; the synthetic market when absent. */
  history: string | undefined;
  interval: string;
  /** How often the bots decide: once a candle (the default), or each at its own period. */
  pace: Pace;
  out: string | undefined;
  seed: number;
  workers: number | undefined;
  rank: RankBy;
}

export type RankBy = "return" | "drawdown" | "return-per-drawdown";
const RANKS: readonly RankBy[] = ["return", "drawdown", "return-per-drawdown"];

/** MEXC's kline intervals (spot v3 /api/v3/klines: 1m 5m 15m 30m 60m 4h 1d 1W 1M); a month has no fixed length. */
const INTERVAL_MS: Record<string, number> = {
  "1m": 60_000,
  "5m": 5 * 60_000,
  "15m": 15 * 60_000,
  "30m": 30 * 60_000,
  "60m": 3_600_000,
  "4h": 4 * 3_600_000,
  "1d": 86_400_000,
  "1W": 7 * 86_400_000,
};

export function intervalMs(interval: string): number {
  const ms = INTERVAL_MS[interval];
  if (ms === undefined)
    throw new Error(`--interval ${interval} is not one of ${Object.keys(INTERVAL_MS).join(" ")}`);
  return ms;
}

/** A flag the user got wrong: the CLI exits 2 with its message. */
export class ReplayArgsError extends Error {
  override readonly name = "ReplayArgsError";
}

const USAGE =
  "npm run replay -- --from 2025-01-01 --to 2025-12-31 [--config file] [--start-balances USDT=500,USDC=500] " +
  "[--set key=value ...] [--history DIR] [--interval 15m] [--pace candle|bot] [--out DIR] [--seed 42] [--workers N] " +
  "[--rank return|drawdown|return-per-drawdown]";

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const a: Partial<ReplayArgs> & { sets: Record<string, string[]> } = { sets: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    const [name, inline] = flag.includes("=") && flag.startsWith("--") ? splitOnce(flag) : [flag, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ReplayArgsError(`${name} needs a value; usage: ${USAGE}`);
    readFlag(a, name, value);
  }
  if (a.fromMs === undefined || a.toMs === undefined)
    throw new ReplayArgsError(`--from and --to are required; usage: ${USAGE}`);
  if (a.toMs <= a.fromMs) throw new ReplayArgsError("--to must be on or after --from");
  const interval = a.interval ?? "15m";
  intervalOrThrow(interval);
  return {
    fromMs: a.fromMs,
    toMs: a.toMs,
    configFile: a.configFile,
    startBalances: a.startBalances,
    sets: a.sets,
    history: a.history,
    interval,
    pace: a.pace ?? "candle",
    out: a.out,
    seed: a.seed ?? 42,
    workers: a.workers,
    rank: a.rank ?? "return",
  };
}

function readFlag(a: Partial<ReplayArgs> & { sets: Record<string, string[]> }, name: string, value: string) {
  switch (name) {
    case "--from":
      a.fromMs = day(name, value);
      return;
    case "--to":
      a.toMs = day(name, value) + 86_400_000;
      return;
    case "--config":
      a.configFile = value;
      return;
    case "--start-balances":
      a.startBalances = balances(value);
      return;
    case "--set": {
      const [key, v] = value.includes("=") ? splitOnce(value) : [value, undefined];
      if (!key || v === undefined)
        throw new ReplayArgsError(
          `--set ${value}: expected key=value, e.g. pnlSeller.profitThresholdUsd=0.5`,
        );
      // A JSON array is one value (its commas are not a sweep).
      a.sets[key] = v.trim().startsWith("[") ? [v] : v.split(",");
      return;
    }
    case "--history":
      a.history = value;
      return;
    case "--interval":
      a.interval = value;
      return;
    case "--pace":
      if (!PACES.includes(value as Pace))
        throw new ReplayArgsError(
          `--pace ${value}: must be candle (a decision per candle, at its close) or bot (each bot at its own period)`,
        );
      a.pace = value as Pace;
      return;
    case "--out":
      a.out = value;
      return;
    case "--seed":
      a.seed = whole(name, value, 0);
      return;
    case "--workers":
      a.workers = whole(name, value, 1);
      return;
    case "--rank":
      if (!RANKS.includes(value as RankBy))
        throw new ReplayArgsError(`--rank ${value}: must be one of ${RANKS.join(", ")}`);
      a.rank = value as RankBy;
      return;
    default:
      throw new ReplayArgsError(`unknown flag ${name}; usage: ${USAGE}`);
  }
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf("=");
  return [s.slice(0, i), s.slice(i + 1)];
}

function day(flag: string, value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
    throw new ReplayArgsError(`${flag} ${value}: expected a date as YYYY-MM-DD (UTC), e.g. 2025-01-01`);
  return ms;
}

function balances(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(",")) {
    const m = /^([A-Z0-9]{2,20})=(\d+(\.\d+)?)$/.exec(part.trim());
    if (!m?.[1] || !m[2])
      throw new ReplayArgsError(
        `--start-balances ${value}: expected ASSET=amount,... e.g. USDT=500,USDC=500`,
      );
    out[m[1]] = m[2];
  }
  return out;
}

function whole(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new ReplayArgsError(`${flag} ${value}: must be a whole number of at least ${min}`);
  return n;
}

function intervalOrThrow(interval: string): void {
  try {
    intervalMs(interval);
  } catch (e) {
    throw new ReplayArgsError((e as Error).message);
  }
}

/** The sweep's points: the cartesian product of every `--set` key's values, in flag order (one point without commas). */
export function gridOf(sets: Readonly<Record<string, readonly string[]>>): Record<string, string>[] {
  let points: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(sets))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}
