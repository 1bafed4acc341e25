import type { RuntimeEvent } from "../bots/events.js";
import { bold } from "./format.js";
import type { Notification } from "./notifier.js";
import { botFailingMessage, botRecoveredMessage, botSilentMessage } from "./render/bot-health.js";
import { emergencyStopMessage, riskPauseMessage } from "./render/pauses.js";
import { reportHtml, reportTitle } from "./render/report.js";

export { apiAlertMessage } from "./render/exchange-alert.js";
export { orderMessage } from "./render/order-change.js";
export { proposalMessage } from "./render/proposal.js";

/**
 * What people hear about, as notifications: reports, alerts, and every order that filled or failed. Decisions are
 * not messages (one a minute per bot would drown the rest): they are in the log and in /status. Each kind is
 * worded by its renderer in render/; this only picks it.
 */
export function eventMessage(e: RuntimeEvent): Notification | undefined {
  switch (e.type) {
    case "report": {
      // Rendered when first read: at the default levels a report is held for the daily report, which needs only
      // its title, and rendering every PnL table and scan nobody reads was 4 % of a replay's CPU. The report is
      // a snapshot made for this event, so a later rendering reads what an immediate one would have.
      const { bot, report } = e;
      const title = reportTitle(bot, report);
      let text: string | undefined;
      return {
        type: `report:${bot}`,
        severity: "info",
        title,
        get text() {
          text ??= `${bold(title)}\n${reportHtml(report)}`;
          return text;
        },
      };
    }
    case "bot-failing":
      return botFailingMessage(e);
    case "bot-recovered":
      return botRecoveredMessage(e);
    case "bot-silent":
      return botSilentMessage(e);
    case "emergency-stop":
      return emergencyStopMessage(e);
    case "risk-pause":
      return riskPauseMessage(e);
    case "funds-freed":
    case "rebalance-requested":
    case "decision":
      return undefined;
  }
}
