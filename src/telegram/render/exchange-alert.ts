import type { ExchangeAlert } from "../../bots/events.js";
import { bold, escapeHtml } from "../format.js";
import type { Notification } from "../notifier.js";

/** What MEXC's refusals mean for the owner: a ban or a refused key stops everything, a rate limit only slows. */
export function apiAlertMessage(a: ExchangeAlert): Notification {
  const title =
    a.kind === "banned"
      ? "MEXC banned this IP for a while"
      : a.kind === "auth"
        ? "MEXC refused the API key"
        : a.kind === "client-bug"
          ? "MEXC refused how a request was built (a bug: nothing of that kind can succeed)"
          : "MEXC rate limit";
  return {
    type: `api-${a.kind}`,
    severity: a.kind === "rate-limited" ? "info" : "alert",
    text: `⚠️ ${bold(title)}: ${escapeHtml(a.message)}`,
  };
}
