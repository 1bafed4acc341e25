import { rmSync } from "node:fs";
import { parseArgs } from "./options.js";
import { formatChaos } from "./report.js";
import { runChaos } from "./run.js";

/**
 * npm run chaos -- [--cycles 20] [--seed 1]: SIGKILLs the live suite at random moments against the standalone
 * simulator, restarts it, and audits the exchange against the journal, the archive and fills.jsonl.
 * Exit 0 when every figure is zero, 1 when one is not, 2 when chaos itself could not run.
 */
async function main(): Promise<number> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`chaos: ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`chaos: ${opts.cycles} SIGKILL cycles, seed ${opts.seed}\n`);
  let result: Awaited<ReturnType<typeof runChaos>>;
  try {
    result = await runChaos(opts, (i, n) => process.stderr.write(`chaos: cycle ${i}/${n}\n`));
  } catch (e) {
    process.stderr.write(
      `chaos: could not run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 2;
  }
  process.stdout.write(`${formatChaos(result)}\n`);
  const failed = Object.values(result.figures).some((v) => v !== 0);
  if (!failed && !opts.keep) rmSync(result.dir, { recursive: true, force: true });
  else process.stderr.write(`chaos: data, logs and each run's console kept in ${result.dir}\n`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
