import type { D } from "../../decimal.js";
import type { PnlTable } from "../../portfolio/pnl-table.js";
import { amount, bold, escapeHtml, italic, price, table, usd } from "../format.js";

/**
 * A PnL summary: one table row per asset (value, unrealized after the exit fee, realized), the totals, and the
 * quantity and average cost of each held asset. `title` heads the table (e.g. "BTC/ETH positions").
 */
export function formatPnlSummary(t: PnlTable, title: string): string {
  const money = (d: D | undefined) => (d === undefined ? "—" : usd(d, { signed: true }));
  const lines = [bold(title)];
  if (t.rows.length === 0) {
    lines.push("No positions.");
    return lines.join("\n");
  }
  lines.push(
    table(
      t.rows.map((r) => [
        r.asset,
        r.value === undefined ? "—" : usd(r.value),
        money(r.unrealized),
        money(r.realized),
      ]),
      { header: ["asset", "value", "unrealized", "realized"], align: ["left", "right", "right", "right"] },
    ),
  );
  const total = t.totals.unrealized.plus(t.totals.realized);
  lines.push(
    `${bold("Total")}: value ${usd(t.totals.value)}, unrealized ${money(t.totals.unrealized)}, ` +
      `realized ${money(t.totals.realized)}, PnL ${bold(money(total))}`,
  );
  for (const r of t.rows) {
    if (r.quantity.isZero()) continue;
    const now = r.price === undefined ? "no price" : `now ${price(r.price)}`;
    lines.push(`• ${escapeHtml(amount(r.quantity, r.asset))} at avg ${escapeHtml(price(r.avgCost))}, ${now}`);
  }
  if (t.warnings) {
    lines.push(
      italic(`${t.warnings} warning(s) in the cost basis: oversold positions or estimated fee prices.`),
    );
  }
  return lines.join("\n");
}
