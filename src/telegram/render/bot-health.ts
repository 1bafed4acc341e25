import type { EventOf } from "../../bots/events.js";
import { bold, escapeHtml } from "../format.js";
import type { Notification } from "../notifier.js";

/** A bot whose runs keep failing, and the same bot working again: one message each, keyed by the bot. */
export function botFailingMessage(e: EventOf<"bot-failing">): Notification {
  return {
    type: "bot-failing",
    key: e.bot,
    severity: "alert",
    text: `⚠️ ${bold(`bot ${e.bot} is failing`)}: ${e.errors} runs in a row. Last error: ${escapeHtml(e.lastError)}`,
  };
}

export function botRecoveredMessage(e: EventOf<"bot-recovered">): Notification {
  return {
    type: "bot-recovered",
    key: e.bot,
    severity: "info",
    text: `✅ bot ${escapeHtml(e.bot)} works again after ${e.afterErrors} failed runs`,
  };
}

/** A run that has gone on for three of its bot's intervals, and the same run ending: one message each. */
export function botSilentMessage(e: EventOf<"bot-silent">): Notification {
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  if (!e.active)
    return {
      type: "bot-silent-ended",
      key: e.bot,
      severity: "info",
      text: `✅ bot ${escapeHtml(e.bot)} decided again: its run took ${minutes(e.runningMs)}`,
    };
  return {
    type: "bot-silent",
    key: e.bot,
    severity: "alert",
    text:
      `⏳ ${bold(`bot ${e.bot} has not decided`)} for ${minutes(e.runningMs)} (three of its ` +
      `${minutes(e.intervalMs)} intervals): its run has not ended. The log shows where it waits; ` +
      "under systemd the watchdog restarts the process if this lasts.",
  };
}
