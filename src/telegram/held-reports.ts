import { bold, escapeHtml, htmlToPlain, utcTime } from "./format.js";
import type { Notification } from "./notifier.js";

/**
 * The report-level messages (scans, PnL summaries, orders reports) held back since the last daily report: the
 * daily report names each kind once, how often it came and when last, instead of repeating every scan. The full
 * texts are in the log (the notifier logs each one it holds) and /report builds them afresh.
 */

interface Held {
  title: string;
  count: number;
  lastAt: number;
}

/** Bounds the memory: a bot that invents a new report type per run cannot grow it without limit. */
const MAX_KINDS = 200;

export class HeldReports {
  readonly #byType = new Map<string, Held>();
  #total = 0;

  /** How many messages were held since the last `take`. */
  get total(): number {
    return this.#total;
  }

  add(n: Notification, at: number): void {
    // A report's first line is its title (event-messages.ts puts it in bold there, and gives it as n.title).
    const title = n.title ?? (htmlToPlain(n.text).split("\n", 1)[0]?.trim() || n.type);
    const held = this.#byType.get(n.type);
    this.#total++;
    if (held) {
      held.count++;
      held.lastAt = at;
      held.title = title;
      return;
    }
    if (this.#byType.size >= MAX_KINDS) return;
    this.#byType.set(n.type, { title, count: 1, lastAt: at });
  }

  /** The held reports as HTML lines, and forgets them: the next daily report starts afresh. */
  take(): string[] {
    const lines = this.peek();
    this.#byType.clear();
    this.#total = 0;
    return lines;
  }

  /** The held reports as HTML lines, kept. */
  peek(): string[] {
    const lines = [...this.#byType.values()]
      .sort((a, b) => a.title.localeCompare(b.title))
      .map((h) => `• ${escapeHtml(h.title)} ×${h.count} (last ${escapeHtml(utcTime(h.lastAt))})`);
    return lines.length ? [bold("Reports held for this summary"), ...lines, "/report builds them now."] : [];
  }
}
