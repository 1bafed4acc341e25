import { resolve } from "node:path";
import type { Env } from "./env.js";

/** Where this mode keeps its state: apart per mode, so paper runs never mix with live history. */
export function statePaths(env: Pick<Env, "dataDir" | "mode" | "logDir">) {
  const dataDir = resolve(env.dataDir, env.mode);
  return {
    dataDir,
    stateFile: resolve(dataDir, "state.json"),
    logDir: resolve(env.logDir),
  };
}
