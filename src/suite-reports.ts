import type { MexcClient } from "./api/index.js";
import { formatPnlSummary, formatScanReport } from "./bots/bot-reports.js";
import type { ScanReport } from "./bots/market-scanner.js";
import { formatOrdersReport, ordersReport } from "./bots/orders-reporter.js";
import type { Config } from "./config-schema.js";
import { D } from "./decimal.js";
import type { Ledger } from "./portfolio/ledger.js";
import { pnlTable } from "./portfolio/pnl-table.js";
import type { OrderManager } from "./trading/order-manager.js";

/** MEXC's usual spot taker fee, when the rules of an asset's market do not say. */
const DEFAULT_TAKER_FEE = new D("0.0005");

export interface FullReportDeps {
  client: MexcClient;
  orders: OrderManager;
  ledger: Ledger;
  config: Config;
  /** The scanner's last finished scan, when the scanner runs. */
  lastScan: () => ScanReport | undefined;
}

/** What /report sends: the orders of the last reporter interval, the whole PnL and the last market scan. */
export async function fullReport(d: FullReportDeps, now: number): Promise<{ title: string; html: string }[]> {
  const out: { title: string; html: string }[] = [];
  const since = now - d.config.ordersReporter.intervalSec * 1000;
  out.push({
    title: "Orders report",
    html: formatOrdersReport(ordersReport(d.orders.entries(), d.ledger.fills, since, now)),
  });
  const prices = new Map((await d.client.tickerPriceAll()).map((t) => [t.symbol, t.price]));
  const basis = d.ledger.costBasis();
  const fees = new Map<string, D>();
  for (const asset of basis.assets.keys()) {
    const rules =
      (await d.client.symbolRules(`${asset}USDT`)) ?? (await d.client.symbolRules(`${asset}USDC`));
    fees.set(asset, rules?.takerCommission ?? DEFAULT_TAKER_FEE);
  }
  const table = pnlTable(basis, prices, (a) => fees.get(a) ?? DEFAULT_TAKER_FEE, now);
  out.push({ title: "PnL", html: formatPnlSummary(table, "PnL, all positions") });
  const scan = d.lastScan();
  if (scan) out.push({ title: "Market scan", html: formatScanReport(scan) });
  return out;
}
