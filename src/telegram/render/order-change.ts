import type { OrderChange } from "../../trading/order-manager.js";
import { bold, code, escapeHtml } from "../format.js";
import type { Notification } from "../notifier.js";

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
