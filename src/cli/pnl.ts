// npm run pnl: the per-asset PnL table from the ledger this mode keeps, priced at the current market.
// Reads data/<mode>/fills.jsonl (kept up to date by the running suite); needs no keys and no Telegram.
// The cost basis comes from the suite's checkpoint plus the fills written since; `--replay` replays every fill
// instead, streamed from the file (the two agree to the last digit: test/portfolio/kept-cost-basis.test.ts and
// test/portfolio/fast-replay.test.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RealClock } from "../clock.js";
import { marketDataClient } from "../connect.js";
import { statePaths } from "../paths.js";
import { CostBasisBook, type CostBasisOptions } from "../portfolio/cost-basis.js";
import { checkFillJson } from "../portfolio/fill.js";
import { replayFillsFile } from "../portfolio/fills-replay.js";
import { KeptCostBasis } from "../portfolio/kept-cost-basis.js";
import { formatPnlTable } from "../portfolio/pnl-table.js";
import { computePnl } from "../portfolio/queries.js";
import { loadSettings } from "../settings.js";
import { JsonLinesFile } from "../store/index.js";
import { runCli } from "./run-cli.js";

runCli(async () => {
  const { env, config } = await loadSettings(process.argv.slice(2));
  const paths = statePaths(env);
  const file = join(paths.dataDir, "fills.jsonl");
  if (!existsSync(file)) {
    process.stdout.write(
      `No ledger yet for ${env.mode} mode (${file}): the suite has not traded or synced.\n`,
    );
    return 0;
  }
  // Read only: the suite may be appending to it right now. Every line validated, none kept.
  const fills = JsonLinesFile.openReadOnly(file, checkFillJson, { keep: false });
  const replay = process.argv.includes("--replay");
  const clock = new RealClock();
  const client = marketDataClient(env, config, clock);
  try {
    // The same pricing as /pnl and /report (portfolio/queries.ts); the basis from the suite's checkpoint when it
    // covers the file, else (or with --replay) every fill replayed.
    const kept = replay ? undefined : new KeptCostBasis(fills, { readOnly: true });
    let how = "every fill replayed";
    const ledger = {
      costBasis: (o: CostBasisOptions = {}) => {
        const fromKept = kept?.snapshotFor(o);
        if (fromKept && kept) how = kept.origin;
        if (fromKept) return fromKept;
        // Up to the bytes validated above: lines the suite appends meanwhile wait for the next run.
        return CostBasisBook.withoutHistory(o, replayFillsFile(file, o, fills.bytes).state).snapshot();
      },
    };
    const table = await computePnl(client, ledger, clock.now());
    process.stdout.write(
      `PnL, ${env.mode.toUpperCase()} mode, ${fills.records} fills, values in USDT (cost basis: ${how})\n\n`,
    );
    process.stdout.write(`${formatPnlTable(table)}\n`);
  } finally {
    client.close();
  }
  return 0;
});
