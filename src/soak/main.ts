import { rmSync } from "node:fs";
import { parseArgs } from "./options.js";
import { failures, formatReport } from "./report.js";
import { runSoak } from "./run.js";

/**
 * npm run soak -- [--days 7] [--fault-rate 0.05] [--seed 42]: the whole suite for a simulated week under faults.
 * Prints the table; exits 1 when a figure that must be zero is not, 2 when the soak could not run (a bad flag, a failure of its own).
 */
async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`soak: ${(e as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `soak: ${opts.days} simulated days, fault rate ${opts.faultRate}, seed ${opts.seed}\n`,
  );
  const started = Date.now();
  let result: Awaited<ReturnType<typeof runSoak>>;
  try {
    result = await runSoak({
      ...opts,
      // One progress line per simulated day, on stderr: the table on stdout stays clean.
      onHour: (h, total) => {
        if (h % 24 === 0 || h === total)
          process.stderr.write(
            `soak: ${h}/${total} h simulated in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
          );
      },
    });
  } catch (e) {
    process.stderr.write(
      `soak: could not finish: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(2);
  }
  process.stdout.write(`${formatReport(result)}\n`);
  const failed = failures(result);
  if (failed.length) {
    process.stdout.write(`\nFAILED: ${failed.join("; ")}\n`);
    process.exit(1);
  }
  // A passing run's state and logs (on tmpfs by default) are not worth the memory; a failing run's are kept.
  if (!opts.dir) rmSync(result.dir, { recursive: true, force: true });
  process.stdout.write(
    `\nOK: every figure that must be zero is zero${opts.dir ? "" : " (state and logs removed)"}\n`,
  );
  process.exit(0);
}

await main();
