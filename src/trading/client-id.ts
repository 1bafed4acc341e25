import { randomBytes } from "node:crypto";

/**
 * Client order ids are `<bot>-<time><random>`: the prefix tells at restart which orders are ours and which bot
 * placed them (per-bot PnL), the time part sorts them, the random part makes two ids in one millisecond differ.
 * MEXC accepts letters, digits, `-` and `_`, at most 32 characters.
 */
export const BOT_ID = /^[a-z][a-z0-9]{1,14}$/;
const ID = /^([a-z][a-z0-9]{1,14})-([0-9a-z]{9})([0-9a-z]{6})$/;

export function newClientOrderId(bot: string, now: number): string {
  if (!BOT_ID.test(bot)) throw new RangeError(`bot id "${bot}" must be 2-15 lower-case letters/digits`);
  const time = Math.max(0, Math.floor(now)).toString(36).padStart(9, "0").slice(-9);
  const rand = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join("");
  return `${bot}-${time}${rand}`;
}

/** The bot that placed an order of ours, or undefined when the id is not one of ours. */
export function botOfClientOrderId(id: string | null | undefined): string | undefined {
  return id ? ID.exec(id)?.[1] : undefined;
}

export function isOurClientOrderId(id: string | null | undefined): boolean {
  return botOfClientOrderId(id) !== undefined;
}
