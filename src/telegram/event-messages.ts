import type { Alert } from "../api/alerts.js";
import type { RuntimeEvent } from "../bots/events.js";
import type { ProposalJson } from "../store/index.js";
import type { OrderChange } from "../trading/order-manager.js";
import { bold, code, escapeHtml } from "./format.js";
import type { Notification } from "./notifier.js";

/**
 * What people hear about, as notifications: reports, alerts, and every order that filled or failed. Decisions are
 * not messages (one a minute per bot would drown the rest): they are in the log and in /status.
 */
export function eventMessage(e: RuntimeEvent): Notification | undefined {
  switch (e.type) {
    case "report":
      return { type: `report:${e.bot}`, severity: "info", text: `${bold(e.title)}\n${e.html}` };
    case "bot-failing":
      return {
        type: "bot-failing",
        key: e.bot,
        severity: "alert",
        text: `⚠️ ${bold(`bot ${e.bot} is failing`)}: ${e.errors} runs in a row. Last error: ${escapeHtml(e.lastError)}`,
      };
    case "bot-recovered":
      return {
        type: "bot-recovered",
        key: e.bot,
        severity: "info",
        text: `✅ bot ${escapeHtml(e.bot)} works again after ${e.afterErrors} failed runs`,
      };
    case "emergency-stop":
      return {
        type: "emergency-stop",
        severity: "alert",
        text: e.active
          ? `🛑 ${bold("Emergency stop")}: ${code(e.path)} exists. Every bot is paused until it is removed.`
          : `▶️ Emergency stop file removed: the bots resume.`,
      };
    case "risk-pause":
      return {
        type: "risk-pause",
        severity: "alert",
        text: e.active
          ? `🛑 ${bold("Buying bots paused")}: ${escapeHtml(e.reason)}. They resume tomorrow (UTC) or with /resume all.`
          : "▶️ Buying bots resumed (daily loss limit lifted).",
      };
    case "funds-freed":
    case "rebalance-requested":
    case "decision":
      return undefined;
  }
}

/** An order that reached a final state, or was found to be unknown/lost, is worth a message. */
export function orderMessage({ entry, from }: OrderChange): Notification | undefined {
  const { intent, state } = entry;
  const what = `${entry.bot}: ${intent.side} ${intent.symbol}`;
  const filled = `${entry.executedQty} for ${entry.cummulativeQuoteQty}`;
  switch (state) {
    case "FILLED":
      return {
        type: "trade",
        key: entry.clientOrderId,
        severity: "info",
        text: `✅ ${bold(what)} filled: ${escapeHtml(filled)}`,
      };
    case "PARTIALLY_CANCELED":
      return {
        type: "trade",
        key: entry.clientOrderId,
        severity: "info",
        text: `☑️ ${bold(what)} partly filled, rest cancelled: ${escapeHtml(filled)}`,
      };
    case "REJECTED":
      return {
        type: "trade-failed",
        key: entry.clientOrderId,
        severity: "alert",
        text: `❌ ${bold(what)} rejected: ${escapeHtml(entry.rejection?.message ?? "no reason given")}`,
      };
    case "LOST":
      return {
        type: "trade-failed",
        key: entry.clientOrderId,
        severity: "alert",
        text: `❓ ${bold(what)} (${code(entry.clientOrderId)}) was sent but the exchange does not know it; still looked up for late fills.`,
      };
    case "CANCELED":
      return from === "PENDING" || from === "UNKNOWN"
        ? undefined
        : {
            type: "trade",
            key: entry.clientOrderId,
            severity: "info",
            text: `↩️ ${bold(what)} cancelled unfilled`,
          };
    default:
      return undefined;
  }
}

export function apiAlertMessage(a: Alert): Notification {
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

/** Without the Telegram bot there are no buttons: the console says what waits and how long. */
export function proposalMessage(p: ProposalJson): Notification | undefined {
  if (p.end || p.executingSince !== undefined) return undefined;
  const { intent } = p;
  const size = intent.quantity ? `${intent.quantity}` : `for ${intent.quoteOrderQty} (quote)`;
  return {
    type: "proposal",
    key: p.id,
    severity: "info",
    text: `📝 ${bold(`${p.bot} proposes ${intent.side} ${size} ${intent.symbol}`)} at ~${escapeHtml(p.referencePrice)}: ${escapeHtml(p.reason)}. Approve it in Telegram before ${new Date(p.expiresAt).toISOString()}.`,
  };
}
