// npm run pnl: the per-asset PnL table from the ledger this mode keeps, priced at the current market.
// Reads data/<mode>/fills.jsonl (kept up to date by the running suite); needs no keys and no Telegram.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RealClock } from "../clock.js";
import { marketDataClient } from "../connect.js";
import { statePaths } from "../paths.js";
import { type CostBasisOptions, computeCostBasis } from "../portfolio/cost-basis.js";
import { type Fill, parseFillJson } from "../portfolio/fill.js";
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
  // Read only: the suite may be appending to it right now.
  const fills = JsonLinesFile.read<Fill>(file, parseFillJson);
  const clock = new RealClock();
  const client = marketDataClient(env, config, clock);
  try {
    const ledger = { costBasis: (o?: CostBasisOptions) => computeCostBasis(fills, o) };
    const table = await computePnl(client, ledger, clock.now());
    process.stdout.write(`PnL, ${env.mode.toUpperCase()} mode, ${fills.length} fills, values in USDT\n\n`);
    process.stdout.write(`${formatPnlTable(table)}\n`);
  } finally {
    client.close();
  }
  return 0;
});
