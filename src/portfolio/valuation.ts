import { D } from "../decimal.js";

/** How the 50/50 balancer and the reports split a portfolio. */
export type AssetGroup = "stable" | "core" | "alt";

export const STABLES: ReadonlySet<string> = new Set(["USDT", "USDC", "FDUSD", "TUSD", "DAI", "USDE"]);
export const CORE: ReadonlySet<string> = new Set(["BTC", "ETH"]);

export function groupOf(asset: string): AssetGroup {
  if (STABLES.has(asset)) return "stable";
  if (CORE.has(asset)) return "core";
  return "alt";
}

export interface AssetValue {
  asset: string;
  group: AssetGroup;
  quantity: D;
  /** USDT per unit; undefined when no market prices it (then its value counts as 0 and it is listed unpriced). */
  price: D | undefined;
  value: D;
}

export interface Valuation {
  assets: AssetValue[];
  byGroup: Record<AssetGroup, D>;
  total: D;
  /** Percent of the total per group (0 when the total is 0). */
  pct: Record<AssetGroup, D>;
  /** Alts vs BTC/ETH, stables left out: what the 50/50 balancer steers. */
  altShareOfInvested: D | undefined;
  unpriced: string[];
}

/**
 * USDT price of an asset from last prices by symbol: direct ASSETUSDT, else ASSETUSDC × USDCUSDT. USDC itself goes
 * through USDCUSDT, so a depeg shows instead of being assumed away.
 */
export function usdtPrice(asset: string, prices: ReadonlyMap<string, D>): D | undefined {
  if (asset === "USDT") return new D(1);
  const direct = prices.get(`${asset}USDT`);
  if (direct) return direct;
  const usdc = prices.get("USDCUSDT");
  if (asset === "USDC") return usdc;
  const viaUsdc = prices.get(`${asset}USDC`);
  return viaUsdc && usdc ? viaUsdc.mul(usdc) : undefined;
}

/** Values every balance in USDT and splits the total into stables, BTC/ETH and alts. */
export function valuePortfolio(holdings: ReadonlyMap<string, D>, prices: ReadonlyMap<string, D>): Valuation {
  const byGroup: Record<AssetGroup, D> = { stable: new D(0), core: new D(0), alt: new D(0) };
  const assets: AssetValue[] = [];
  const unpriced: string[] = [];
  for (const [asset, quantity] of holdings) {
    if (quantity.isZero()) continue;
    const price = usdtPrice(asset, prices);
    if (!price) unpriced.push(asset);
    const value = price ? quantity.mul(price) : new D(0);
    const group = groupOf(asset);
    byGroup[group] = byGroup[group].plus(value);
    assets.push({ asset, group, quantity, price, value });
  }
  assets.sort((a, b) => b.value.comparedTo(a.value) || a.asset.localeCompare(b.asset));
  const total = byGroup.stable.plus(byGroup.core).plus(byGroup.alt);
  const pctOf = (v: D) => (total.isZero() ? new D(0) : v.div(total).mul(100));
  const invested = byGroup.core.plus(byGroup.alt);
  return {
    assets,
    byGroup,
    total,
    pct: { stable: pctOf(byGroup.stable), core: pctOf(byGroup.core), alt: pctOf(byGroup.alt) },
    altShareOfInvested: invested.isZero() ? undefined : byGroup.alt.div(invested).mul(100),
    unpriced,
  };
}
