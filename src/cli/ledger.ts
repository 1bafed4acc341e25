// npm run ledger -- import <file.csv>: adds older trade history to the ledger (see README, "Importing history").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RealClock } from "../clock.js";
import { statePaths } from "../paths.js";
import { importFillsCsv } from "../portfolio/csv-import.js";
import { FillsDigest, mergeImportedFills } from "../portfolio/fills-digest.js";
import { loadSettings } from "../settings.js";
import { Store } from "../store/index.js";
import { runCli, UsageError } from "./run-cli.js";

const USAGE = "usage: npm run ledger -- import <file.csv>";

runCli(async () => {
  const [command, file] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (command !== "import" || !file) throw new UsageError(USAGE);
  const { env } = await loadSettings(process.argv.slice(2));
  const paths = statePaths(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}\n${USAGE}`);
  }
  const parsed = importFillsCsv(text);
  if (!parsed.ok) {
    process.stderr.write(`${file}: nothing imported, ${parsed.errors.length} bad row(s):\n`);
    for (const e of parsed.errors) process.stderr.write(`  line ${e.line}: ${e.message}\n`);
    return 2;
  }
  // Taking the state lock proves the suite is not running and appending to the same file.
  const store = await Store.open({ path: paths.stateFile, mode: env.mode, now: new RealClock().now() });
  try {
    // The digest only (ids, first exchange fill of each symbol): the file is never held in memory.
    const fills = FillsDigest.open(join(paths.dataDir, "fills.jsonl"));
    const { added, skipped } = mergeImportedFills(fills, parsed.fills);
    process.stdout.write(
      `${file}: ${parsed.fills.length} row(s) read, ${added} added, ${skipped} already known or covered by the ` +
        `exchange's own history (${env.mode} ledger: ${join(paths.dataDir, "fills.jsonl")})\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
});
