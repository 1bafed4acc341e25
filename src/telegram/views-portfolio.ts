import type { D } from "../decimal.js";
import type { PnlTable, Valuation } from "../trading/queries.js";
import type { AllocationSlice } from "./chart.js";
import { amount, bold, escapeHtml, percent, price, table, usd } from "./format.js";

/** Portfolio views: what the account holds and what it earned, at the exchange's last prices. */

const GROUP_LABEL = { stable: "stables", core: "BTC/ETH", alt: "alts" } as const;

export function portfolioView(v: Valuation): string {
  if (v.assets.length === 0) return "The account holds nothing yet.";
  const pct = (x: D) => (v.total.isZero() ? "—" : percent(x.div(v.total).mul(100), 1, false));
  const rows = v.assets.map((a) => [
    a.asset,
    amount(a.quantity),
    a.price ? price(a.price) : "—",
    a.price ? usd(a.value) : "unpriced",
    a.price ? pct(a.value) : "",
  ]);
  const out = [
    bold("Portfolio"),
    table(rows, { header: ["asset", "quantity", "price", "value", "share"] }),
    `${bold("Total")}: ${usd(v.total)} (USDT)`,
    `Allocation: ${(["alt", "core", "stable"] as const)
      .map((g) => `${GROUP_LABEL[g]} ${percent(v.pct[g], 1, false)} (${usd(v.byGroup[g])})`)
      .join(" · ")}`,
  ];
  if (v.altShareOfInvested !== undefined)
    out.push(`Alts vs BTC/ETH (stables left out): ${percent(v.altShareOfInvested, 1, false)} alts`);
  if (v.unpriced.length) out.push(`⚠️ No USDT price for ${escapeHtml(v.unpriced.join(", "))}: counted as 0.`);
  return out.join("\n");
}

/** The chart's allocation bar: one slice per asset (the chart folds the smallest into "others"). */
export function allocationSlices(v: Valuation): AllocationSlice[] {
  return v.assets.filter((a) => a.value.gt(0)).map((a) => ({ label: a.asset, valueUsd: a.value.toFixed(2) }));
}

export function pnlView(t: PnlTable): string {
  if (t.rows.length === 0) return "No positions in the ledger yet: nothing has been bought or imported.";
  const opt = (d: D | undefined, signed = false) => (d === undefined ? "—" : usd(d, { signed }));
  const rows = t.rows.map((r) => [
    r.asset,
    amount(r.quantity),
    price(r.avgCost),
    r.price ? price(r.price) : "—",
    opt(r.unrealized, true),
    usd(r.realized, { signed: true }),
  ]);
  rows.push([
    "total",
    "",
    "",
    "",
    usd(t.totals.unrealized, { signed: true }),
    usd(t.totals.realized, { signed: true }),
  ]);
  const out = [
    bold("PnL (USDT)"),
    table(rows, { header: ["asset", "qty", "avg cost", "price", "unrealized", "realized"] }),
    `Value of the positions: ${usd(t.totals.value)}`,
    `Realized today (UTC): ${usd(t.today, { signed: true })}`,
    "Unrealized is net of the fee a sale would pay.",
  ];
  if (t.warnings)
    out.push(`⚠️ ${t.warnings} warning(s) in the cost basis (oversold positions or estimated fee prices).`);
  return out.join("\n");
}
