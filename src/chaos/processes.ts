import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** A child process of ours: its console goes to a file, and the last few KiB stay in memory for waiting on. */
export interface Child {
  readonly child: ChildProcess;
  /** The tail of stdout + stderr (bounded). */
  tail(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitedAlready(): boolean;
}

const TAIL_BYTES = 64 * 1024;
/** Children still running: killed when chaos itself exits, so an aborted run never leaves a suite trading. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

function start(script: string, args: string[], env: Record<string, string>, logFile: string): Child {
  const out: WriteStream = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let tail = "";
  let done = false;
  const keep = (c: Buffer) => {
    out.write(c);
    tail = (tail + c.toString()).slice(-TAIL_BYTES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      done = true;
      running.delete(child);
      out.end();
      resolve({ code, signal });
    }),
  );
  return { child, tail: () => tail, exited, exitedAlready: () => done };
}

export interface SimProcess extends Child {
  readonly url: string;
}

/**
 * The standalone simulator (`npm run sim`), as a separate process that outlives every suite we kill. It accepts a
 * repeated client order id, so a resend would show as a second order instead of hiding behind a rejection.
 */
export async function startSimulator(dir: string, seed: number): Promise<SimProcess> {
  const c = start(
    "src/sim/cli.ts",
    ["--port", "0", "--seed", String(seed), "--alts", "12", "--accept-duplicate-client-ids"],
    {},
    join(dir, "simulator.log"),
  );
  const url = await waitFor(c, /listening on (http:\/\/\S+)/, 30_000);
  return { ...c, url };
}

export const SIM_KEYS = { apiKey: "sim-api-key", apiSecret: "sim-api-secret" } as const;

/** `npm start` in live mode against the simulator, with the chaos config and one data folder for every run. */
export function startSuite(dir: string, simUrl: string, run: number): Child {
  return start(
    "src/main.ts",
    ["--config", "src/chaos/config.ts"],
    {
      MODE: "live",
      LIVE_TRADING: "yes",
      MEXC_API_KEY: SIM_KEYS.apiKey,
      MEXC_API_SECRET: SIM_KEYS.apiSecret,
      MEXC_BASE_URL: simUrl,
      ENV_FILE: join(dir, "no.env"),
      DATA_DIR: join(dir, "data"),
      LOG_DIR: join(dir, "logs"),
    },
    join(dir, `run-${String(run).padStart(3, "0")}.log`),
  );
}

/** Resolves with the first capture group once the child's output matches; rejects if it exits or time runs out. */
export async function waitFor(c: Child, pattern: RegExp, ms: number): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(c.tail());
    if (m) return m[1] ?? m[0];
    if (c.exitedAlready()) throw new Error(`exited before printing ${pattern}:\n${c.tail().slice(-2000)}`);
    if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms:\n${c.tail().slice(-2000)}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
