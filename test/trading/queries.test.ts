import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { valueAccount } from "../../src/portfolio/account-value.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Proposals } from "../../src/trading/proposals.js";
import { type TradingQueries, tradingQueries } from "../../src/trading/queries.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

/** The read-only facade Telegram reads, over the real order manager, ledger and proposals on the simulator. */

let ex: Awaited<ReturnType<typeof startExchange>>;
let store: Store;
let orders: OrderManager;
let ledger: Ledger;
let proposals: Proposals;
let q: TradingQueries;

beforeEach(async () => {
  ex = await startExchange({
    sim: {
      clock: new VirtualClock(Date.now()),
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000", USDT: "1000" } }],
    },
  });
  store = await tempStore();
  const clock = new RealClock();
  const fills = join(mkdtempSync(join(tmpdir(), "q-fills-")), "fills.jsonl");
  ledger = new Ledger({ client: ex.client, store, fills, clock });
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
  orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 100 });
  proposals = new Proposals({
    store,
    clock,
    client: ex.client,
    orders,
    treasury,
    expiryMs: 600_000,
    maxPriceDriftPct: new D(1),
  });
  q = tradingQueries({ client: ex.client, orders, ledger, proposals });
});
afterEach(async () => {
  await store.close();
  await ex.close();
});

describe("trading queries", () => {
  it("values the account as portfolio/account-value does, free and locked together", async () => {
    const v = await q.valuation();
    expect(v.assets.map((a) => a.asset).sort()).toEqual(["USDC", "USDT"]);
    expect(v.total.toFixed(2)).toBe((await valueAccount(ex.client)).total.toFixed(2));
    await orders.place({
      bot: "scanner",
      reason: "resting",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: new D("0.01"),
      price: new D("2000"),
    });
    // The 20 USDC the order locks are still ours: the total does not drop by them.
    const after = await q.valuation();
    expect(after.total.minus(v.total).abs().lt(1)).toBe(true);
  });

  it("open orders are the resting and the not-yet-known ones, as plain views; any order by client id", async () => {
    expect(q.openOrders()).toEqual([]);
    const resting = await orders.place({
      bot: "scanner",
      reason: "resting <b>",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: new D("0.01"),
      price: new D("2000"),
    });
    const market = await orders.place({
      bot: "pnl",
      reason: "market",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("30"),
    });
    if (resting.kind !== "placed" || market.kind !== "placed") throw new Error("not placed");
    const open = q.openOrders();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      bot: "scanner",
      reason: "resting <b>",
      side: "BUY",
      symbol: "BTCUSDC",
      type: "LIMIT",
      quantity: "0.01",
      price: "2000",
      state: "OPEN",
      executedQty: "0",
    });
    expect(open[0]).not.toHaveProperty("quoteOrderQty");
    const filled = q.order(market.entry.clientOrderId);
    expect(filled).toMatchObject({ state: "FILLED", quoteOrderQty: "30", type: "MARKET" });
    expect(new D(filled?.cummulativeQuoteQty ?? "0").gt(0)).toBe(true);
    expect(q.order("nobody-000")).toBeUndefined();
  });

  it("recent fills come newest first; PnL, proposals and limits read through", async () => {
    for (const quote of ["20", "25"])
      await orders.place({
        bot: "scanner",
        reason: "buy",
        symbol: "BTCUSDC",
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D(quote),
      });
    await ledger.sync("BTCUSDC");
    const all = ledger.fillsSince(0);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(q.recentFills(1)).toEqual([all[all.length - 1]]);
    expect(q.recentFills(100)).toEqual([...all].reverse());
    const pnl = await q.pnl(Date.now());
    expect(pnl.rows.map((r) => r.asset)).toEqual(["BTC"]);
    expect(q.pendingProposals()).toBe(0);
    const limits = q.exchangeLimits();
    expect(Object.keys(limits).sort()).toEqual([
      "bannedUntil",
      "count418",
      "count429",
      "requests",
      "retries",
    ]);
    expect(limits.requests).toBeGreaterThan(0);
  });
});
