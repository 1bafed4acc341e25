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
