import type { MexcClientOptions } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Env } from "../env.js";
import type { Output } from "./progress.js";

/** What the history commands get from their caller (the CLI, or a test in the same process). */
export interface HistoryIo {
  env: Pick<Env, "mexcBaseUrl" | "dataDir">;
  clock: Clock;
  stdout: Output;
  /** Progress and problems; a terminal here gets the redrawn progress bar. */
  stderr: Output;
  /** Stops a fetch between two requests (Ctrl-C); what was written stays and the next fetch continues it. */
  signal?: AbortSignal | undefined;
  /** The client's limits, timeouts and retries (config.ts's rateLimits in the CLI). */
  client?: Partial<Omit<MexcClientOptions, "baseUrl" | "clock">>;
}
