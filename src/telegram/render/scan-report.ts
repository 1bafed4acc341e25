import type { ScannedPair, ScanReport } from "../../bots/events.js";
import { D } from "../../decimal.js";
import { bold, code, escapeHtml, italic, percent, table, usd } from "../format.js";

/**
 * The scanner's report as Telegram HTML (the event's title is added by the caller). Pure: the periodic report and
 * /report show the same text. Everything that came from outside (symbols, filter reasons, exchange errors) goes
 * through the escaping helpers.
 */

export interface ScanReportOptions {
  /** Opportunities listed with their reasons (default 5). */
  top?: number;
  /** Blocked pairs listed with why (default 5). */
  blocked?: number;
}

/** 24 h change as "+5.20%"; unknown (NaN) as "—". The scanner keeps it as a number: it is a score input. */
function change(p: ScannedPair): string {
  return Number.isFinite(p.change24hPct) ? percent(new D(p.change24hPct)) : "—";
}

function volume(p: ScannedPair): string {
  return Number.isFinite(p.quoteVolume) ? usd(new D(p.quoteVolume), { dp: 0 }) : "—";
}

export function formatScanReport(report: ScanReport, opts: ScanReportOptions = {}): string {
  const top = opts.top ?? 5;
  const maxBlocked = opts.blocked ?? 5;
  const failed = report.failed.length ? `, ${report.failed.length} failed` : "";
  const lines = [
    `Scanned ${bold(String(report.scanned))} of ${report.selected} pairs (${report.usdtPairs} USDT pairs): ` +
      `${report.opportunities.length} opportunities, ${report.neutral.length} neutral, ` +
      `${report.blocked.length} blocked${failed}`,
  ];
  if (report.aborted) lines.push(italic("The scan was stopped before it finished: the figures are partial."));

  const best = report.best;
  lines.push(
    best
      ? `${bold("Best")}: ${code(best.symbol)} score ${best.score}${best.multiplier !== 1 ? ` (size ×${best.multiplier})` : ""}`
      : `${bold("Best")}: no opportunity`,
  );

  const shown = report.opportunities.slice(0, top);
  if (shown.length) {
    lines.push(bold("Top opportunities"));
    lines.push(
      table(
        shown.map((p) => [p.symbol, String(p.score), change(p), volume(p)]),
        { header: ["pair", "score", "24h", "volume"], align: ["left", "right", "right", "right"] },
      ),
    );
    for (const p of shown) {
      lines.push(`• ${code(p.symbol)}: ${escapeHtml(p.reasons.join(", ") || "no reasons given")}`);
    }
  }

  if (report.blocked.length) {
    lines.push(bold(`Blocked (${report.blocked.length})`));
    for (const p of report.blocked.slice(0, maxBlocked)) {
      lines.push(`• ${code(p.symbol)} ${escapeHtml(change(p))}: ${escapeHtml(blockReasons(p))}`);
    }
    const more = report.blocked.length - maxBlocked;
    if (more > 0) lines.push(`… and ${more} more`);
  }

  if (report.failed.length) {
    lines.push(
      `${bold("Candles failed")}: ${report.failed.map((f) => `${code(f.symbol)} (${escapeHtml(f.error)})`).join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** Why a pair was blocked: the filter's reasons come after the score's in `reasons`. */
function blockReasons(p: ScannedPair): string {
  const filter = p.reasons.slice(p.scoreReasons.length);
  return (filter.length ? filter : p.reasons).join(", ") || "blocked by the anti-hype filter";
}
