import type { BotOrderStats, OrdersReport } from "../../bots/events.js";
import type { D } from "../../decimal.js";
import { amount, bold, code, escapeHtml, table } from "../format.js";

/** "12.5 USDT + 3 USDC", or "0" when the map is empty. */
function amounts(map: ReadonlyMap<string, D>): string {
  if (map.size === 0) return "0";
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, v]) => amount(v, asset))
    .join(" + ");
}

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** At most this many failed orders are listed one by one; the rest are counted. */
const MAX_FAILURES_LISTED = 5;

/** Telegram HTML (the event's title is added by the notifier). Every outside string is escaped. */
export function formatOrdersReport(r: OrdersReport): string {
  const period = `${escapeHtml(utc(r.since))} → ${escapeHtml(utc(r.until))} UTC`;
  if (r.bots.length === 0) return `${period}\nNo orders and no fills in this period.`;
  const row = (s: BotOrderStats) => [
    s.bot,
    String(s.placed),
    String(s.filled),
    String(s.open),
    String(s.failed),
    String(s.unknown),
  ];
  const lines = [
    period,
    table([...r.bots.map(row), row(r.totals)], {
      header: ["bot", "placed", "filled", "open", "failed", "unknown"],
      align: ["left", "right", "right", "right", "right", "right"],
    }),
  ];
  if (r.totals.partial) lines.push(`${r.totals.partial} of the filled orders are only partly filled.`);
  for (const s of [...r.bots, r.totals]) {
    if (s.fills === 0) continue;
    lines.push(
      `${bold(s.bot)}: ${s.fills} fill${s.fills === 1 ? "" : "s"}, volume ${escapeHtml(amounts(s.volume))}, fees ${escapeHtml(amounts(s.fees))}`,
    );
  }
  if (r.failures.length) {
    const t = r.totals;
    lines.push(`${bold("Failed")}: ${t.rejected} rejected, ${t.canceled} cancelled unfilled, ${t.lost} lost`);
    for (const f of r.failures.slice(0, MAX_FAILURES_LISTED)) {
      lines.push(
        `• ${escapeHtml(f.bot)} ${escapeHtml(f.side)} ${code(f.symbol)} ${escapeHtml(f.state.toLowerCase())}: ${escapeHtml(f.why)}`,
      );
    }
    const more = r.failures.length - MAX_FAILURES_LISTED;
    if (more > 0) lines.push(`… and ${more} more`);
  }
  if (r.totals.unknown) {
    lines.push(`${r.totals.unknown} order(s) with an unknown outcome are being looked up by client id.`);
  }
  return lines.join("\n");
}
