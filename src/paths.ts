import { existsSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Env } from "./env.js";
import { lockHolder, StoreError } from "./store/index.js";

/** Where this mode keeps its state: apart per mode, so paper runs never mix with live history. */
export function statePaths(env: Pick<Env, "dataDir" | "mode" | "logDir">) {
  const dataDir = resolve(env.dataDir, env.mode);
  return {
    dataDir,
    stateFile: resolve(dataDir, "state.json"),
    /** The rate limiter's state for the next process (api/limiter-file.ts); live mode only. */
    limiterFile: resolve(dataDir, "limiter.json"),
    logDir: resolve(env.logDir),
  };
}

/**
 * The built-in simulator keeps its account in memory, so each start of sim or paper mode is a new account: the
 * previous session's journal and ledger would describe orders this account never had. They are moved to
 * `<dataDir>.previous` (one generation kept) instead of being deleted. Returns where they went, if anywhere.
 */
export function startFreshSimSession(dataDir: string): string | undefined {
  if (!existsSync(dataDir)) return undefined;
  const pid = lockHolder(resolve(dataDir, "state.json"));
  if (pid !== undefined) {
    throw new StoreError(
      `${dataDir} is in use by another running instance (pid ${pid}). Stop it first.`,
      resolve(dataDir, "state.json"),
    );
  }
  const previous = `${dataDir}.previous`;
  rmSync(previous, { recursive: true, force: true });
  renameSync(dataDir, previous);
  return previous;
}
