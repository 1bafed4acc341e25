import type { ProposalNotice } from "../../bots/events.js";
import { bold, escapeHtml } from "../format.js";
import type { Notification } from "../notifier.js";

/** Without the Telegram bot there are no buttons: the console says what waits and how long. */
export function proposalMessage(p: ProposalNotice): Notification | undefined {
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
