import type { EventOf } from "../../bots/events.js";
import { bold, code, escapeHtml } from "../format.js";
import type { Notification } from "../notifier.js";

/** The emergency-stop file appeared or went: every bot pauses or resumes, so the owner hears of it at once. */
export function emergencyStopMessage(e: EventOf<"emergency-stop">): Notification {
  return {
    type: "emergency-stop",
    severity: "alert",
    text: e.active
      ? `🛑 ${bold("Emergency stop")}: ${code(e.path)} exists. Every bot is paused until it is removed.`
      : `▶️ Emergency stop file removed: the bots resume.`,
  };
}

/** The daily loss limit paused the buying bots, or let them go again. */
export function riskPauseMessage(e: EventOf<"risk-pause">): Notification {
  return {
    type: "risk-pause",
    severity: "alert",
    text: e.active
      ? `🛑 ${bold("Buying bots paused")}: ${escapeHtml(e.reason)}. They resume tomorrow (UTC) or with /resume all.`
      : "▶️ Buying bots resumed (daily loss limit lifted).",
  };
}
