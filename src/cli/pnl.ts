// npm run pnl: the per-asset PnL table from the ledger this mode keeps, priced at the current market.
// Reads data/<mode>/fills.jsonl (kept up to date by the running suite); needs no keys and no Telegram.
// The cost basis comes from the suite's checkpoint plus the fills written since; `--replay` replays every fill
// instead (the two agree to the last digit: test/portfolio/kept-cost-basis.test.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RealClock } from "../clock.js";
import { marketDataClient } from "../connect.js";
import { statePaths } from "../paths.js";
import { computeCostBasis } from "../portfolio/cost-basis.js";
import { type Fill, parseFillJson } from "../portfolio/fill.js";
import { KeptCostBasis } from "../portfolio/kept-cost-basis.js";
import { formatPnlTable, pnlTable, takerFeesOf } from "../portfolio/pnl-table.js";
import { usdtPrice } from "../portfolio/valuation.js";
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
  const fills = JsonLinesFile.openReadOnly<Fill>(file, parseFillJson);
  const replay = process.argv.includes("--replay");
  const clock = new RealClock();
  const client = marketDataClient(env, config, clock);
  try {
    const prices = new Map((await client.tickerPriceAll()).map((t) => [t.symbol, t.price]));
    const options = { currentPrice: (asset: string) => usdtPrice(asset, prices) };
    const kept = replay ? undefined : new KeptCostBasis(fills, { readOnly: true });
    const fromKept = kept?.snapshotFor(options);
    const basis = fromKept ?? computeCostBasis(fills.items, options);
    const table = pnlTable(basis, prices, await takerFeesOf(client, basis.assets.keys()), clock.now());
    const how = fromKept ? kept?.origin : "every fill replayed";
    process.stdout.write(
      `PnL, ${env.mode.toUpperCase()} mode, ${fills.items.length} fills, values in USDT (cost basis: ${how})\n\n`,
    );
    process.stdout.write(`${formatPnlTable(table)}\n`);
  } finally {
    client.close();
  }
  return 0;
});
