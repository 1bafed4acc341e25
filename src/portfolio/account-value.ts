import type { MexcClient } from "../api/index.js";
import type { D } from "../decimal.js";
import { type Valuation, valuePortfolio } from "./valuation.js";

/**
 * The account valued at the exchange's last prices: the one way the suite turns balances into USDT (the daily
 * loss limit, the value history, the 50/50 balancer and Telegram's /portfolio and /chart all come here).
 */

/** Last price per symbol, one request for every pair. */
export async function lastPrices(client: Pick<MexcClient, "tickerPriceAll">): Promise<Map<string, D>> {
  return new Map((await client.tickerPriceAll()).map((t) => [t.symbol, t.price]));
}

/** Every balance, free and locked (an open order's funds are still ours), valued in USDT. */
export function valueBalances(
  balances: readonly { asset: string; free: D; locked: D }[],
  prices: ReadonlyMap<string, D>,
): Valuation {
  const holdings = new Map<string, D>();
  for (const b of balances) holdings.set(b.asset, b.free.plus(b.locked));
  return valuePortfolio(holdings, prices);
}

/** Everything the account holds valued in USDT at last prices: two requests, sent together. */
export async function valueAccount(
  client: Pick<MexcClient, "account" | "tickerPriceAll">,
): Promise<Valuation> {
  const [account, prices] = await Promise.all([client.account(), lastPrices(client)]);
  return valueBalances(account.balances, prices);
}
