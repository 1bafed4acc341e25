import { afterEach, describe, expect, it } from "vitest";
import type { SimAccountSpec } from "../../src/sim/index.js";
import { type Env, KEY, SECRET, tradesOf, tradingSim } from "./helpers.js";

let e: Env;
afterEach(() => e.running.close());

async function start(stpGroup: boolean): Promise<Env> {
  const account: SimAccountSpec = {
    apiKey: KEY,
    apiSecret: SECRET,
    balances: { USDT: "1000000", BTC: "10" },
    stpGroup,
  };
  return tradingSim({ accounts: [account] });
}

const asks = async (env: Env): Promise<[string, string][]> =>
  (await env.c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 })).json.asks;

/** A resting sell of ours just inside the spread (below the market's best ask), so our buys meet it first. */
async function restingSell(env: Env, id: string, qty = "0.01"): Promise<string> {
  const best = Number((await asks(env))[0]?.[0]);
  const r = await env.c.order({
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    quantity: qty,
    price: (best - 0.01).toFixed(2),
    newClientOrderId: id,
  });
  expect(r.status).toBe(200);
  return r.json.orderId;
}

const buy = (env: Env, id: string, stpMode?: string, quantity = "0.05") =>
  env.c.order({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity, newClientOrderId: id, stpMode });

const order = async (env: Env, id: string) =>
  (await env.c.signed("GET", "/api/v3/order", { symbol: "BTCUSDT", origClientOrderId: id })).json;

describe("self-trade prevention (stpMode)", () => {
  it("without stpMode our own orders trade with each other: both fill, trades say isSelfTrade", async () => {
    e = await start(true);
    const maker = await restingSell(e, "own-sell");
    const taker = await buy(e, "own-buy");
    expect(taker.status).toBe(200);
    expect(await order(e, "own-sell")).toMatchObject({ status: "FILLED", executedQty: "0.01", stpMode: "" });
    expect((await order(e, "own-buy")).status).toBe("FILLED");
    const [makerTrade] = await tradesOf(e.c, "BTCUSDT", maker);
    expect(makerTrade).toMatchObject({ isMaker: true, isSelfTrade: true, qty: "0.01" });
    const takerTrades = await tradesOf(e.c, "BTCUSDT", taker.json.orderId);
    expect(takerTrades[0]).toMatchObject({ isMaker: false, isSelfTrade: true, price: makerTrade?.price });
    expect(takerTrades.slice(1).every((t) => t.isSelfTrade === (false as unknown as string))).toBe(true);
  });

  it("an account outside any STP group self-trades whatever stpMode says (docs: a group is required)", async () => {
    e = await start(false);
    await restingSell(e, "own-sell");
    expect((await buy(e, "own-buy", "cancel_taker")).status).toBe(200);
    expect((await order(e, "own-sell")).status).toBe("FILLED");
    expect(await order(e, "own-buy")).toMatchObject({ status: "FILLED", stpMode: "cancel_taker" });
  });

  it("cancel_maker: our resting order ends CANCELED (stp_cancel), the incoming one fills from the market", async () => {
    e = await start(true);
    const maker = await restingSell(e, "own-sell");
    await buy(e, "own-buy", "cancel_maker");
    expect(await order(e, "own-sell")).toMatchObject({
      status: "CANCELED",
      executedQty: "0",
      cancelReason: "stp_cancel",
    });
    expect(await order(e, "own-buy")).toMatchObject({ status: "FILLED", executedQty: "0.05" });
    expect(await tradesOf(e.c, "BTCUSDT", maker)).toEqual([]);
    expect(e.running.sim.account().balances.BTC).toEqual({ free: "10.05", locked: "0" });
  });

  it("cancel_taker: the incoming order stops at our own order; what it filled before stays filled", async () => {
    e = await start(true);
    const book = await asks(e);
    const third = book[2] as [string, string];
    const above = (Number(third[0]) + 0.01).toFixed(2);
    const r = await e.c.order({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      quantity: "0.01",
      price: above,
      newClientOrderId: "own-sell",
    });
    expect(r.status).toBe(200);
    const before = book.slice(0, 3).reduce((s, [, q]) => s + Number(q), 0);
    // A limit buy (a market one this large would pass maxQuoteAmountMarket) reaching past our own sell.
    const taken = await e.c.order({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: (before + 1).toFixed(6),
      price: (Number(above) + 5).toFixed(2),
      newClientOrderId: "own-buy",
      stpMode: "cancel_taker",
    });
    expect(taken.status).toBe(200);
    const taker = await order(e, "own-buy");
    expect(taker).toMatchObject({ status: "PARTIALLY_CANCELED", cancelReason: "stp_cancel" });
    expect(Number(taker.executedQty)).toBeCloseTo(before, 6);
    expect(await order(e, "own-sell")).toMatchObject({ status: "NEW", executedQty: "0" });
    expect(e.running.sim.account().balances.USDT?.locked).toBe("0");
  });

  it("cancel_both: both end CANCELED with stp_cancel", async () => {
    e = await start(true);
    await restingSell(e, "own-sell");
    await buy(e, "own-buy", "cancel_both");
    expect(await order(e, "own-sell")).toMatchObject({ status: "CANCELED", cancelReason: "stp_cancel" });
    expect(await order(e, "own-buy")).toMatchObject({
      status: "CANCELED",
      executedQty: "0",
      cancelReason: "stp_cancel",
    });
    expect(e.running.sim.account().balances).toMatchObject({
      BTC: { free: "10", locked: "0" },
      USDT: { free: "1000000", locked: "0" },
    });
  });

  it("accepts only the documented values, on /order and /order/test", async () => {
    e = await start(true);
    for (const path of ["/api/v3/order", "/api/v3/order/test"]) {
      const bad = await e.c.signed("POST", path, {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "MARKET",
        quantity: "0.001",
        stpMode: "EXPIRE_MAKER",
      });
      expect(bad.status).toBe(400);
      expect(bad.json.code).toBe(700008);
    }
    for (const stpMode of ["", "cancel_maker", "cancel_taker", "cancel_both"]) {
      const ok = await e.c.signed("POST", "/api/v3/order/test", {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "MARKET",
        quantity: "0.001",
        stpMode,
      });
      expect(ok.status).toBe(200);
    }
  });
});
