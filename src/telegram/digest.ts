import { bold, duration, escapeHtml } from "./format.js";
import { TELEGRAM_MAX_CHARS } from "./split.js";

/**
 * The trade digest's words: every fill and cancel of one period in one message. A busy period is cut at one
 * Telegram message rather than split over several: the point of the digest is one buzz per period, and /orders
 * lists the rest.
 */

/** Room kept for the "… and N more" line. */
const TAIL_ROOM = 120;

export function digestText(lines: readonly string[], periodSec: number): string {
  const n = lines.length;
  const period = periodSec % 60 === 0 ? `${periodSec / 60} min` : duration(periodSec * 1000);
  const head = `🧾 ${bold(`${n} trade${n === 1 ? "" : "s"}`)} in the last ${escapeHtml(period)}`;
  const kept: string[] = [head];
  let size = head.length;
  for (const line of lines) {
    if (size + 1 + line.length > TELEGRAM_MAX_CHARS - TAIL_ROOM) break;
    kept.push(line);
    size += 1 + line.length;
  }
  const left = n - (kept.length - 1);
  if (left > 0) kept.push(`… and ${left} more: /orders lists the last fills`);
  return kept.join("\n");
}
