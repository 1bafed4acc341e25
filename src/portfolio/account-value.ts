import type { MexcClient } from "../api/index.js";
import type { D } from "../decimal.js";
import { type Valuation, valuePortfolio } from "./valuation.js";

/** Everything the account holds (free and locked) valued in USDT at last prices: two requests. */
export async function valueAccount(client: MexcClient): Promise<Valuation> {
  const [account, tickers] = await Promise.all([client.account(), client.tickerPriceAll()]);
  const holdings = new Map<string, D>();
  for (const b of account.balances) holdings.set(b.asset, b.free.plus(b.locked));
  const prices = new Map<string, D>(tickers.map((t) => [t.symbol, t.price]));
  return valuePortfolio(holdings, prices);
}
