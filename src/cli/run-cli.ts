import { ConfigError } from "../config-schema.js";
import { EnvError } from "../env.js";
import { safeError } from "../redact.js";
import { ConfigFileError, EXIT_FIX_SETUP } from "../settings.js";
import { StoreError } from "../store/index.js";

/** Runs a command-line tool: problems the user must fix exit 2 with their message, anything else exits 1. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (
        err instanceof EnvError ||
        err instanceof ConfigError ||
        err instanceof ConfigFileError ||
        err instanceof StoreError ||
        err instanceof UsageError
      ) {
        process.stderr.write(`${err.message}\n`);
        process.exit(EXIT_FIX_SETUP);
      }
      process.stderr.write(`failed: ${JSON.stringify(safeError(err))}\n`);
      process.exit(1);
    },
  );
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}
