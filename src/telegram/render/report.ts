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
  return { title: reportTitle(bot, report), html: reportHtml(report) };
}

/** A report's title alone: what the daily report names a held report by, without rendering its table. */
export function reportTitle(bot: string, report: BotReport): string {
  switch (report.kind) {
    case "scan":
      return "Market scan";
    case "pnl":
      // The whole portfolio's table is /report's, not one bot's summary.
      return report.scope === "all" ? "PnL" : `PnL summary (${bot})`;
    case "orders":
      return "Orders report";
    case "rebalance-skipped":
      return "Rebalance skipped";
  }
}

/** A report's HTML body alone, below its title. */
export function reportHtml(report: BotReport): string {
  switch (report.kind) {
    case "scan":
      return formatScanReport(report.scan);
    case "pnl":
      return formatPnlSummary(report.table, PNL_HEADING[report.scope]);
    case "orders": {
      const html = formatOrdersReport(report.orders);
      return report.problem ? `${html}\n⚠️ ${escapeHtml(report.problem)}` : html;
    }
    case "rebalance-skipped":
      return escapeHtml(report.why);
  }
}
