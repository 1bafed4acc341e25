/**
 * How loud each kind of message is: the one place that decides whether the owner's phone rings. Every renderer
 * names its message's type (render/*, the kill switch in features/, the lifecycle in program.ts); the config
 * (telegram.levels in src/config.ts) gives each type one of three levels, and the notifier acts on it:
 *
 * - `alert`: sent at once, on its own, never folded into another message (money or the program is at stake).
 * - `trade`: fills and cancels, gathered into one digest message per `telegram.tradeDigestSec`.
 * - `report`: scans, PnL and orders reports, kept for the daily report; /report and the other commands still
 *   show them whenever the owner asks.
 *
 * 630 messages a simulated day (issue 17) is a bot an owner mutes, and then misses the alert that matters.
 */

export const LEVELS = ["alert", "trade", "report"] as const;
export type Level = (typeof LEVELS)[number];

/** Every message type the suite sends, as named in a Notification's `type` (before any ":<bot>"). */
export const MESSAGE_TYPES = [
  "trade",
  "trade-failed",
  "report",
  "proposal",
  "bot-failing",
  "bot-recovered",
  "bot-silent",
  "bot-silent-ended",
  "emergency-stop",
  "risk-pause",
  "kill-switch",
  "api-banned",
  "api-auth",
  "api-client-bug",
  "api-rate-limited",
  "lifecycle",
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type Levels = Readonly<Partial<Record<MessageType, Level>>>;

/** The daily report itself: always sent, never held (holding it would hold it for itself), counted on its own. */
export const DAILY_TYPE = "daily";

/** "report:scanner" is a "report": the bot's name only keeps one bot's reports apart from another's. */
export const baseType = (type: string): string => type.split(":", 1)[0] ?? type;

/**
 * The level of a message type. A type the table does not name is an alert: a message someone added without
 * giving it a level is heard rather than silently held back.
 */
export function levelOf(type: string, levels: Levels): Level {
  return levels[baseType(type) as MessageType] ?? "alert";
}
