import type { MexcClient } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { BalanceSource } from "./treasury.js";

/** Free balances read from the account endpoint; `at` is when the read began, so later settlements count. */
export function accountBalanceSource(client: MexcClient, clock: Clock): BalanceSource {
  return {
    async fetch() {
      const at = clock.now();
      const account = await client.account();
      return { at, free: new Map(account.balances.map((b) => [b.asset, b.free])) };
    },
  };
}
