import type { MexcClient } from "../api/index.js";
import { D } from "../decimal.js";
import { type CostBasisSnapshot, unrealizedPnl } from "./cost-basis.js";
import { usdtPrice } from "./valuation.js";

/** Used when the exchange does not say: MEXC's usual spot taker fee. */
export const DEFAULT_TAKER_FEE = new D("0.0005");

/** The taker fee an exit of each asset would pay, from its USDT (else USDC) market's rules. */
export async function takerFeesOf(
  client: MexcClient,
  assets: Iterable<string>,
): Promise<(asset: string) => D> {
  const fees = new Map<string, D>();
  for (const asset of assets) {
    const rules = (await client.symbolRules(`${asset}USDT`)) ?? (await client.symbolRules(`${asset}USDC`));
    fees.set(asset, rules?.takerCommission ?? DEFAULT_TAKER_FEE);
  }
  return (asset) => fees.get(asset) ?? DEFAULT_TAKER_FEE;
}

export interface PnlRow {
  asset: string;
  quantity: D;
  avgCost: D;
  price: D | undefined;
  value: D | undefined;
  /** Net of the taker fee an exit would pay. */
  unrealized: D | undefined;
  realized: D;
}

export interface PnlTable {
  rows: PnlRow[];
  totals: { value: D; unrealized: D; realized: D };
  /** Realized PnL of the current UTC day. */
  today: D;
  warnings: number;
}

/** Per asset: quantity, average cost, price, value, unrealized (after exit fee) and realized PnL. */
export function pnlTable(
  basis: CostBasisSnapshot,
  prices: ReadonlyMap<string, D>,
  takerFee: (asset: string) => D,
  now: number,
): PnlTable {
  const rows: PnlRow[] = [];
  let value = new D(0);
  let unrealized = new D(0);
  for (const p of basis.assets.values()) {
    const price = usdtPrice(p.asset, prices);
    const v = price ? p.quantity.mul(price) : undefined;
    const u = price ? unrealizedPnl(p, price, takerFee(p.asset)) : undefined;
    if (v) value = value.plus(v);
    if (u) unrealized = unrealized.plus(u);
    rows.push({
      asset: p.asset,
      quantity: p.quantity,
      avgCost: p.avgCost,
      price,
      value: v,
      unrealized: u,
      realized: p.realizedPnl,
    });
  }
  rows.sort(
    (a, b) => (b.value ?? new D(0)).comparedTo(a.value ?? new D(0)) || a.asset.localeCompare(b.asset),
  );
  const day = new Date(now).toISOString().slice(0, 10);
  return {
    rows,
    totals: { value, unrealized, realized: basis.realizedPnl },
    today: basis.byDay.get(day) ?? new D(0),
    warnings: basis.warnings.length,
  };
}

/** A plain-text table for the console. */
export function formatPnlTable(t: PnlTable): string {
  const f = (d: D | undefined, dp = 2) => (d === undefined ? "—" : d.toFixed(dp));
  const head = ["asset", "quantity", "avg cost", "price", "value", "unrealized", "realized"];
  const body = t.rows.map((r) => [
    r.asset,
    r.quantity.toSignificantDigits(10).toFixed(),
    r.avgCost.toSignificantDigits(8).toFixed(),
    r.price ? r.price.toSignificantDigits(8).toFixed() : "—",
    f(r.value),
    f(r.unrealized),
    f(r.realized),
  ]);
  body.push(["total", "", "", "", f(t.totals.value), f(t.totals.unrealized), f(t.totals.realized)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const out = [line(head), ...body.map(line), "", `realized today (UTC): ${t.today.toFixed(2)} USDT`];
  if (t.warnings)
    out.push(`${t.warnings} warning(s) in the cost basis (oversold positions or estimated fee prices)`);
  return out.join("\n");
}
