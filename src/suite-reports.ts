import type { MexcClient } from "./api/index.js";
import { formatPnlSummary, formatScanReport } from "./bots/bot-reports.js";
import type { ScanReport } from "./bots/market-scanner.js";
import { formatOrdersReport, ordersReport } from "./bots/orders-reporter.js";
import type { Config } from "./config-schema.js";
import type { Ledger } from "./portfolio/ledger.js";
import { computePnl } from "./portfolio/queries.js";
import type { OrderManager } from "./trading/order-manager.js";

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
  const table = await computePnl(d.client, d.ledger, now);
  out.push({ title: "PnL", html: formatPnlSummary(table, "PnL, all positions") });
  const scan = d.lastScan();
  if (scan) out.push({ title: "Market scan", html: formatScanReport(scan) });
  return out;
}
