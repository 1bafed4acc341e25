import { createWriteStream, type WriteStream } from "node:fs";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logs } from "../log.js";
import { safeError } from "../redact.js";

/** What the soak counts in the suite's log lines. */
export interface LogCounts {
  /** "bot scheduler crashed" (fatal): a runtime loop died. */
  schedulerCrashes: number;
  /** "run failed": a bot's run threw; the runtime retries it with back-off. */
  failedRuns: number;
  /** Failed runs per bot. */
  failedByBot: Record<string, number>;
  /** Any other fatal line. */
  otherFatal: number;
  warnings: number;
  errors: number;
  /** Decisions per bot: proof every bot kept running. */
  decisions: Record<string, number>;
  /** The first error and fatal lines, for the report. */
  samples: string[];
}

const SAMPLE_LIMIT = 20;
/** A week at 5 % faults warns about once per 20 requests; the file (on tmpfs by default) stops growing here. */
const FILE_LIMIT = 20 * 1024 * 1024;

/**
 * The suite's logs for a soak: nothing on the console. Warnings and worse go whole to `warn.log` in the run's
 * directory, to investigate a failure (its first 20 MB); info lines are only counted. Cheap string tests keep JSON
 * parsing to the few lines that need it (a week writes hundreds of thousands of lines). At `level` "warn" the info
 * lines are not even made (no decisions counted): for a caller that reads only the warnings.
 */
export function soakLogs(
  warnLogPath: string,
  level: "info" | "warn" = "info",
): { logs: Logs; counts: LogCounts } {
  const counts: LogCounts = {
    schedulerCrashes: 0,
    failedRuns: 0,
    failedByBot: {},
    otherFatal: 0,
    warnings: 0,
    errors: 0,
    decisions: {},
    samples: [],
  };
  const file: WriteStream = createWriteStream(warnLogPath, { flags: "a" });
  let written = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) count(line);
      cb();
    },
  });

  function count(line: string): void {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 30);
    if (level < 40) {
      if (line.includes('"msg":"decision"')) {
        const bot = /"bot":"([^"]+)"/.exec(line)?.[1] ?? "?";
        counts.decisions[bot] = (counts.decisions[bot] ?? 0) + 1;
      }
      return;
    }
    if (written < FILE_LIMIT) {
      written += line.length + 1;
      file.write(
        written < FILE_LIMIT ? `${line}\n` : `${line}\n(warn.log stops here: ${FILE_LIMIT} bytes)\n`,
      );
    }
    if (level === 40) {
      counts.warnings++;
      return;
    }
    if (level === 50) counts.errors++;
    const rec = JSON.parse(line) as { msg?: string; bot?: string };
    if (rec.msg === "bot scheduler crashed") counts.schedulerCrashes++;
    else if (rec.msg === "run failed") {
      counts.failedRuns++;
      const bot = rec.bot ?? "?";
      counts.failedByBot[bot] = (counts.failedByBot[bot] ?? 0) + 1;
    } else if (level >= 60) counts.otherFatal++;
    if ((level >= 60 || rec.msg !== "run failed") && counts.samples.length < SAMPLE_LIMIT)
      counts.samples.push(line.slice(0, 600));
  }

  // Errors as the real logs print them (code, kind, endpoint; never a raw AxiosError with its headers).
  const err = (e: unknown) => safeError(e);
  const root = pino({ level, base: undefined, serializers: { err, error: err } }, stream);
  const logs: Logs = {
    root,
    child: (component) => root.child({ component }),
    close: () => new Promise<void>((resolve) => file.end(() => resolve())),
    filePath: warnLogPath,
  };
  return { logs, counts };
}
