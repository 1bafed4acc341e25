import type { BotReport, PnlScope } from "../../bots/events.js";
import { escapeHtml } from "../format.js";
import { formatOrdersReport } from "./orders-report.js";
import { formatPnlSummary } from "./pnl-summary.js";
import { formatScanReport } from "./scan-report.js";

/**
 * A bot's report as a title and Telegram HTML. The console gets the very same words through htmlToPlain (the
 * notifier's fallback and log do that to every message): one wording per report, so Telegram and the console can
 * never tell two stories, and a <pre> table reads as the same aligned table once its tags are gone.
 */
export interface RenderedReport {
  title: string;
  html: string;
}

const PNL_HEADING: Record<PnlScope, string> = {
  core: "BTC/ETH positions",
  alt: "Alt positions",
  all: "PnL, all positions",
};

export function renderReport(bot: string, report: BotReport): RenderedReport {
  switch (report.kind) {
    case "scan":
      return { title: "Market scan", html: formatScanReport(report.scan) };
    case "pnl":
      return {
        // The whole portfolio's table is /report's, not one bot's summary.
        title: report.scope === "all" ? "PnL" : `PnL summary (${bot})`,
        html: formatPnlSummary(report.table, PNL_HEADING[report.scope]),
      };
    case "orders": {
      const html = formatOrdersReport(report.orders);
      return {
        title: "Orders report",
        html: report.problem ? `${html}\n⚠️ ${escapeHtml(report.problem)}` : html,
      };
    }
    case "rebalance-skipped":
      return { title: "Rebalance skipped", html: escapeHtml(report.why) };
  }
}
