import type { D } from "../decimal.js";

/**
 * The profit sellers' threshold rule (seed: PnLMonitor / AltsMonitor): a position is sold only when its
 * unrealized profit, net of the exit fee, is strictly above the threshold, and only when selling by itself is on.
 */
export type TakeProfitCall = "hold" | "sell" | "auto-sell-off";

export function takeProfit(unrealized: D, threshold: D, autoSell: boolean): TakeProfitCall {
  if (!unrealized.gt(threshold)) return "hold";
  return autoSell ? "sell" : "auto-sell-off";
}
