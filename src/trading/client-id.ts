import { randomBytes } from "node:crypto";
import { BOT_ID, botOfClientOrderId } from "../portfolio/attribution.js";

/**
 * Client order ids are `<bot>-<time><random>`: the prefix tells at restart which orders are ours and which bot
 * placed them (per-bot PnL), the time part sorts them, the random part makes two ids in one millisecond differ.
 * MEXC accepts letters, digits, `-` and `_`, at most 32 characters. The one parser of the format lives with the
 * ledger's attribution (portfolio/attribution.ts: portfolio may not import trading); it is re-exported here.
 */
export { BOT_ID, botOfClientOrderId };

export function newClientOrderId(bot: string, now: number): string {
  if (!BOT_ID.test(bot)) throw new RangeError(`bot id "${bot}" must be 2-15 lower-case letters/digits`);
  const time = Math.max(0, Math.floor(now)).toString(36).padStart(9, "0").slice(-9);
  const rand = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join("");
  return `${bot}-${time}${rand}`;
}

export function isOurClientOrderId(id: string | null | undefined): boolean {
  return botOfClientOrderId(id) !== undefined;
}
