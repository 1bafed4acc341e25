import { ApiError } from "../api/index.js";
import { AbortError } from "../clock.js";
import { HistoryUsageError, parseArgs, USAGE } from "./args.js";
import { FETCH_FLAGS, historyFetch } from "./fetch-command.js";
import { HistoryFileError } from "./history-file.js";
import { historyImport, IMPORT_FLAGS } from "./import-command.js";
import type { HistoryIo } from "./io.js";

export type { HistoryIo } from "./io.js";

/** Exit codes: 0 done, 1 failed (the message says what to do), 2 a wrong argument (the message names it). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** `npm run history -- fetch … | import …`, callable in process (tests) as the CLI calls it. */
export async function historyCommand(argv: readonly string[], io: HistoryIo): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  try {
    const args = parseArgs(argv, { fetch: FETCH_FLAGS, import: IMPORT_FLAGS });
    return args.command === "fetch" ? await historyFetch(args, io) : await historyImport(args, io);
  } catch (e) {
    if (e instanceof HistoryUsageError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof AbortError) {
      io.stderr.write("Interrupted. What was written is kept: run the same command again to continue.\n");
      return EXIT_FAILED;
    }
    if (e instanceof ApiError) {
      io.stderr.write(
        `${io.env.mexcBaseUrl} answered: ${e.message}. Check MEXC_BASE_URL and the connection, then run it again.\n`,
      );
      return EXIT_FAILED;
    }
    if (e instanceof HistoryFileError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT_FAILED;
    }
    throw e;
  }
}
