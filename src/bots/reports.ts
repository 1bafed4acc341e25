import type { D } from "../decimal.js";
import type { AntiHypeVerdict, ScanClass } from "../filters/index.js";
import type { PnlTable } from "../portfolio/pnl-table.js";

/**
 * What the bots report to people, as data: the Telegram room renders each kind (telegram/render/), the console
 * prints the same rendering as plain text. Nothing here is formatted for a reader.
 */

export interface ScannedPair {
  readonly symbol: string;
  readonly kind: ScanClass;
  /** The score, or −10 when the anti-hype filter blocked the pair. */
  readonly score: number;
  /** The score's reasons, then the filter's. */
  readonly reasons: readonly string[];
  /** Only the score's reasons (what made it attractive). */
  readonly scoreReasons: readonly string[];
  readonly quoteVolume: number;
  /** 24 h change in percent (5.2 for +5.2 %). */
  readonly change24hPct: number;
  readonly verdict: AntiHypeVerdict["verdict"];
  /** The anti-hype size multiplier (0 when blocked). */
  readonly multiplier: number;
}

export interface ScanReport {
  readonly at: number;
  /** USDT pairs in the 24 h ticker. */
  readonly usdtPairs: number;
  /** Pairs that passed volume, exclusion and tradability and were chosen for scanning. */
  readonly selected: number;
  /** Pairs whose candles were read and judged. */
  readonly scanned: number;
  /** Sorted by score, best first (ties: higher 24 h quote volume first). */
  readonly opportunities: readonly ScannedPair[];
  readonly neutral: readonly ScannedPair[];
  readonly blocked: readonly ScannedPair[];
  /** Pairs skipped because their candles could not be fetched. */
  readonly failed: readonly { readonly symbol: string; readonly error: string }[];
  readonly best: ScannedPair | undefined;
  /** True when the runtime stopped the scan before it finished. */
  readonly aborted: boolean;
}

export interface BotOrderStats {
  bot: string;
  placed: number;
  filled: number;
  /** Of `filled`: not wholly filled at the end of the period. */
  partial: number;
  open: number;
  failed: number;
  rejected: number;
  canceled: number;
  lost: number;
  unknown: number;
  /** Ledger fills in the period. */
  fills: number;
  /** Quote traded by quote asset (USDT, USDC, …), from the fills. */
  volume: Map<string, D>;
  /** Fees paid by asset (the quote, the base, or MX), from the fills. */
  fees: Map<string, D>;
}

/** One failed order, for the report's detail lines. */
export interface FailedOrder {
  bot: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  state: "REJECTED" | "CANCELED" | "LOST";
  why: string;
}

export interface OrdersReport {
  since: number;
  until: number;
  /** Bots with any activity in the period (or orders still open or unresolved), by name. */
  bots: BotOrderStats[];
  totals: BotOrderStats;
  failures: FailedOrder[];
}

/** Which positions a PnL table covers. */
export type PnlScope = "core" | "alt" | "all";

export type BotReport =
  | { readonly kind: "scan"; readonly scan: ScanReport }
  | { readonly kind: "pnl"; readonly scope: PnlScope; readonly table: PnlTable }
  /** `problem`: why volume and fees may be incomplete (the fills could not be synced). */
  | { readonly kind: "orders"; readonly orders: OrdersReport; readonly problem?: string }
  | { readonly kind: "rebalance-skipped"; readonly why: string };
