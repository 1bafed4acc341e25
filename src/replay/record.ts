import type { ReplayPace } from "./pace.js";

/**
 * What a replay records as it runs, and all the report is computed from: the contract between the replay runner
 * (which fills it in from the suite on the virtual clock) and the report (which only reads it). Amounts are decimal
 * strings, as on the wire and in the files, so a record written to disk and read back gives the same report to the
 * byte; times are epoch milliseconds of the virtual clock.
 */
export interface ReplayRecord {
  /** First and last virtual instant the suite ran (the warm-up candles before `fromMs` are not part of it). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Kline interval of the history the market was built from, e.g. "15m". */
  readonly interval: string;
  /** The account at the start, per asset (e.g. {"USDT": "500", "USDC": "500"}). */
  readonly startBalances: Readonly<Record<string, string>>;
  /** The account valued in USDT at each sample (the suite's own valuation), oldest first; one per step or hour. */
  readonly samples: readonly ReplaySample[];
  /** Every fill of the account, oldest first. */
  readonly fills: readonly ReplayFill[];
  /** Per bot at the end: the suite's own PnL figures (portfolio/queries.ts computePnl), in USDT. */
  readonly bots: readonly ReplayBotResult[];
  /** Every Telegram message the suite would have sent, in order, as plain text with its virtual time. */
  readonly messages: readonly { readonly timeMs: number; readonly text: string }[];
  /** The config overrides this run used (`--set key=value`), for the report's header and sweeps. */
  readonly overrides: Readonly<Record<string, string>>;
  /** How often the suite decided (pace.ts); absent in a record written before the pace existed. */
  readonly pace?: ReplayPace;
}

export interface ReplaySample {
  readonly timeMs: number;
  /** Total account value in USDT. */
  readonly valueUsdt: string;
  /** Account balances (free + locked) per asset at this instant. */
  readonly balances: Readonly<Record<string, string>>;
  /**
   * Last price in USDT of every asset held or benchmarked (at least BTC and ETH; USDT is 1), as the valuation used
   * them: the buy-and-hold and 60/40 benchmarks are computed from these.
   */
  readonly pricesUsdt: Readonly<Record<string, string>>;
}

export interface ReplayFill {
  readonly timeMs: number;
  /** The bot whose order it was ("manual" if none). */
  readonly bot: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly side: "BUY" | "SELL";
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly fee: string;
  readonly feeAsset: string;
  /** The fee valued in USDT at the fill's time. */
  readonly feeUsdt: string;
  readonly orderId: string;
  readonly isMaker: boolean;
}

export interface ReplayBotResult {
  readonly bot: string;
  /** Orders the bot placed (journal entries), and how many of them traded. */
  readonly orders: number;
  readonly fills: number;
  readonly realizedUsdt: string;
  readonly unrealizedUsdt: string;
  /** Sum of the quote value of its fills, in USDT. */
  readonly turnoverUsdt: string;
  readonly feesUsdt: string;
}
