import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RealClock } from "../../src/clock.js";
import { historyCommand } from "../../src/history/command.js";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mpb-history-"));
}

/** `npm run history -- …` in this process, against `baseUrl`, with its output captured. */
export async function runHistory(
  argv: string[],
  opts: { baseUrl?: string; dataDir?: string; signal?: AbortSignal } = {},
): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const code = await historyCommand(argv, {
    env: { mexcBaseUrl: opts.baseUrl ?? "http://127.0.0.1:9", dataDir: opts.dataDir ?? tempDir() },
    clock: new RealClock(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    signal: opts.signal,
    client: { timeoutMs: 2_000, retry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 20 } },
  });
  return { code, stdout, stderr };
}
