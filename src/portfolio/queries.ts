import type { MexcClient } from "../api/index.js";
import { lastPrices } from "./account-value.js";
import type { Ledger } from "./ledger.js";
import { type PnlTable, pnlTable, takerFeesOf } from "./pnl-table.js";
import { usdtPrice } from "./valuation.js";

/** The ledger's positions at the exchange's last prices, each valued with its pair's taker fee for the exit. */
export async function computePnl(
  client: MexcClient,
  ledger: Pick<Ledger, "costBasis">,
  now: number,
): Promise<PnlTable> {
  const prices = await lastPrices(client);
  const basis = ledger.costBasis({ currentPrice: (asset) => usdtPrice(asset, prices) });
  return pnlTable(basis, prices, await takerFeesOf(client, basis.assets.keys()), now);
}
