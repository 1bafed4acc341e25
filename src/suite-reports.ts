import type { MexcClient } from "./api/index.js";
import type { ScanReport } from "./bots/events.js";
import { ordersReport } from "./bots/orders-reporter.js";
import type { Config } from "./config-schema.js";
import type { Ledger } from "./portfolio/ledger.js";
import { computePnl } from "./portfolio/queries.js";
import { renderReport } from "./telegram/render/report.js";
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
  const since = now - d.config.ordersReporter.intervalSec * 1000;
  const orders = ordersReport(d.orders.entries(), d.ledger.fillsSince(since), since, now);
  const table = await computePnl(d.client, d.ledger, now);
  const scan = d.lastScan();
  // The periodic reports' own renderers: /report shows what the bots send, worded the same way.
  return [
    renderReport("reporter", { kind: "orders", orders }),
    renderReport("suite", { kind: "pnl", scope: "all", table }),
    ...(scan ? [renderReport("scanner", { kind: "scan", scan })] : []),
  ];
}
