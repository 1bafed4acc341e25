import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface Spawned {
  child: ChildProcess;
  /** Grows while the process runs. */
  out: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Children still running: killed when the test process exits, so a failed test never leaves a suite running. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Runs one of the project's TypeScript entry points as a separate process with only the given environment. */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (c: Buffer) => (out.stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return { child, out, exited };
}

/** The environment a spawned tool gets: its own data and log folders, and no .env of the developer's. */
export function isolatedEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ENV_FILE: join(dir, "no.env"), DATA_DIR: join(dir, "data"), LOG_DIR: join(dir, "logs"), ...extra };
}
