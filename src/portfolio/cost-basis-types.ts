import type { D } from "../decimal.js";

/** The cost basis's shapes: its options, warnings, positions and snapshots (the book is cost-basis.ts). */
export interface CostBasisOptions {
  /** USD value of one unit of a quote asset at a time; consulted first for every quote amount. */
  readonly quoteToUsd?: (quoteAsset: string, time: number) => D | undefined;
  /** Historical USD price of an asset (e.g. MX) at a time; undefined when unknown. */
  readonly priceAt?: (asset: string, time: number) => D | undefined;
  /** Today's USD price, the flagged fallback when history has no price. */
  readonly currentPrice?: (asset: string) => D | undefined;
  /** Assets worth exactly one dollar. Default USDT, USDC. */
  readonly usdAssets?: readonly string[];
}

export type PriceRole = "fee" | "quote";

interface WarningBase {
  readonly fillId: string;
  /** The base asset whose figures the warning qualifies. */
  readonly asset: string;
  readonly time: number;
}

export type CostBasisWarning = WarningBase &
  (
    | { readonly kind: "unmatched-sell"; readonly qty: D; readonly proceeds: D }
    | {
        readonly kind: "price-fallback";
        readonly role: PriceRole;
        readonly valuedAsset: string;
        readonly price: D;
      }
    | { readonly kind: "price-missing"; readonly role: PriceRole; readonly valuedAsset: string }
  );

export interface AssetPosition {
  readonly asset: string;
  readonly quantity: D;
  /** totalCost / quantity; 0 when nothing is held. */
  readonly avgCost: D;
  readonly totalCost: D;
  readonly realizedPnl: D;
  readonly feesUsd: D;
  readonly fills: number;
  readonly unmatchedQty: D;
  readonly unmatchedProceeds: D;
  readonly warnings: readonly CostBasisWarning[];
}

export interface CostBasisSnapshot {
  readonly assets: ReadonlyMap<string, AssetPosition>;
  readonly realizedPnl: D;
  readonly unmatchedProceeds: D;
  readonly feesUsd: D;
  /** Realized PnL by UTC day, "YYYY-MM-DD". */
  readonly byDay: ReadonlyMap<string, D>;
  /** Realized PnL by bot (see botOf). */
  readonly byBot: ReadonlyMap<string, D>;
  readonly warnings: readonly CostBasisWarning[];
}

/** A position as the book keeps it while it applies fills (exported for the checkpoint, cost-book-checkpoint.ts). */
export interface MutablePosition {
  quantity: D;
  totalCost: D;
  /** totalCost / quantity, computed at the first sell after a buy: a run of sells then costs no division. */
  avgCost: D | undefined;
  realizedPnl: D;
  feesUsd: D;
  fills: number;
  unmatchedQty: D;
  unmatchedProceeds: D;
  warnings: CostBasisWarning[];
}

/** Everything a book has derived from the fills it applied: what a checkpoint keeps (cost-book-checkpoint.ts). */
export interface BookState {
  positions: Map<string, MutablePosition>;
  byDay: Map<string, D>;
  byBot: Map<string, D>;
  warnings: CostBasisWarning[];
  /** The last fill applied, in processing order; a fill must come after it. */
  last: { time: number; id: string } | undefined;
}
