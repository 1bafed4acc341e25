import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Env, tradingSim as env, N, T0, TestClient, tradesOf as trades } from "./helpers.js";

describe("orders, fills and fees (fees in quote)", () => {
  let e: Env;
  beforeAll(async () => {
    e = await env();
  });
  afterAll(() => e.running.close());

  it("MARKET buy by quoteOrderQty: ack only, then a FILLED order, taker trades, exact balances", async () => {
    const r = await e.c.order({
      symbol: "ETHUSDT",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: "50",
      newClientOrderId: "mkt-1",
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual([
      "symbol",
      "orderId",
      "orderListId",
      "price",
      "origQty",
      "type",
      "side",
      "transactTime",
    ]);
    expect(r.json).toMatchObject({
      symbol: "ETHUSDT",
      orderListId: -1,
      type: "MARKET",
      side: "BUY",
      transactTime: T0,
    });
    const o = (await e.c.getOrder("ETHUSDT", r.json.orderId)).json;
    expect(o).toMatchObject({
      status: "FILLED",
      clientOrderId: "mkt-1",
      origQuoteOrderQty: "50",
      timeInForce: null,
    });
    const ts = await trades(e.c, "ETHUSDT", r.json.orderId);
    expect(ts.length).toBeGreaterThan(0);
    const fee = ts.reduce((s, t) => s + N(t.commission as string), 0);
    const spent = N(o.cummulativeQuoteQty) + fee;
    expect(spent).toBeLessThanOrEqual(50);
    expect(spent).toBeGreaterThan(49.9);
    for (const t of ts) {
      expect(t).toMatchObject({
        commissionAsset: "USDT",
        isBuyer: true,
        isMaker: false,
        clientOrderId: "mkt-1",
      });
      expect(Math.abs(N(t.commission as string) - N(t.quoteQty as string) * 0.0005)).toBeLessThan(1e-8);
    }
    const acc = e.running.sim.account();
    expect(acc.balances.ETH).toEqual({ free: o.executedQty, locked: "0" });
    expect(N(acc.balances.USDT?.free as string)).toBeCloseTo(1_000_000 - spent, 8);
    expect(acc.feesPaid.USDT).toBe(String(fee.toFixed(8)).replace(/\.?0+$/, ""));
  });

  it("MARKET buy by quantity walks the book and slips; MARKET sell by quantity returns the proceeds", async () => {
    const book = (await e.c.get("/api/v3/depth", { symbol: "ETHUSDT", limit: 20 })).json;
    const top = N(book.asks[0][0]);
    const qty = (N(book.asks[0][1]) + N(book.asks[1][1]) / 2).toFixed(5);
    const buy = await e.c.order({ symbol: "ETHUSDT", side: "BUY", type: "MARKET", quantity: qty });
    const o = (await e.c.getOrder("ETHUSDT", buy.json.orderId)).json;
    expect(o).toMatchObject({ status: "FILLED", executedQty: N(qty).toString(), origQty: N(qty).toString() });
    const ts = await trades(e.c, "ETHUSDT", buy.json.orderId);
    expect(ts.map((t) => t.price)).toEqual([book.asks[0][0], book.asks[1][0]]);
    expect(N(o.cummulativeQuoteQty) / N(qty)).toBeGreaterThan(top);
    const held = e.running.sim.account().balances.ETH?.free as string;
    const sell = await e.c.order({ symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: held });
    const s = (await e.c.getOrder("ETHUSDT", sell.json.orderId)).json;
    expect(s).toMatchObject({ status: "FILLED", executedQty: held });
    expect(e.running.sim.account().balances.ETH?.free).toBe("0");
  });

  it("a marketable LIMIT takes at once; LIMIT_MAKER that would take is rejected", async () => {
    const ask = N((await e.c.get("/api/v3/ticker/bookTicker", { symbol: "ADAUSDT" })).json.askPrice);
    const lim = await e.c.order({
      symbol: "ADAUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "100",
      price: (ask * 1.01).toFixed(4),
    });
    const o = (await e.c.getOrder("ADAUSDT", lim.json.orderId)).json;
    expect(o.status).toBe("FILLED");
    expect((await trades(e.c, "ADAUSDT", lim.json.orderId))[0]?.isMaker).toBe(false);
    const maker = await e.c.order({
      symbol: "ADAUSDT",
      side: "BUY",
      type: "LIMIT_MAKER",
      quantity: "100",
      price: ask.toFixed(4),
    });
    expect(maker.status).toBe(400);
    expect(maker.json.code).toBe(-2010);
    const resting = await e.c.order({
      symbol: "ADAUSDT",
      side: "BUY",
      type: "LIMIT_MAKER",
      quantity: "100",
      price: (ask * 0.9).toFixed(4),
    });
    expect((await e.c.getOrder("ADAUSDT", resting.json.orderId)).json.status).toBe("NEW");
  });

  it("IMMEDIATE_OR_CANCEL and FILL_OR_KILL", async () => {
    const book = (await e.c.get("/api/v3/depth", { symbol: "LINKUSDT", limit: 3 })).json;
    const p2 = book.asks[1][0];
    const upTo2 = N(book.asks[0][1]) + N(book.asks[1][1]);
    const tooMuch = (upTo2 + 50).toFixed(2);
    const ioc = await e.c.order({
      symbol: "LINKUSDT",
      side: "BUY",
      type: "IMMEDIATE_OR_CANCEL",
      quantity: tooMuch,
      price: p2,
    });
    const io = (await e.c.getOrder("LINKUSDT", ioc.json.orderId)).json;
    expect(io.status).toBe("PARTIALLY_CANCELED");
    expect(N(io.executedQty)).toBeCloseTo(upTo2, 6);
    const fok = await e.c.order({
      symbol: "LINKUSDT",
      side: "BUY",
      type: "FILL_OR_KILL",
      quantity: tooMuch,
      price: p2,
    });
    expect((await e.c.getOrder("LINKUSDT", fok.json.orderId)).json).toMatchObject({
      status: "CANCELED",
      executedQty: "0",
    });
    const fok2 = await e.c.order({
      symbol: "LINKUSDT",
      side: "BUY",
      type: "FILL_OR_KILL",
      quantity: "1",
      price: p2,
    });
    expect((await e.c.getOrder("LINKUSDT", fok2.json.orderId)).json.status).toBe("FILLED");
  });

  it("a resting LIMIT locks funds, fills as maker in chunks when the market crosses it, cancel keeps the fill", async () => {
    const price = N(e.running.sim.market.price("ETHUSDC"));
    const limit = (price * 0.97).toFixed(2);
    const before = e.running.sim.account();
    const r = await e.c.order({
      symbol: "ETHUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: "40",
      price: limit,
      newClientOrderId: "rest-1",
    });
    expect(r.status).toBe(200);
    const lock = 40 * N(limit) * 1.0004; // price plus the larger of the maker/taker fees
    const after = e.running.sim.account();
    expect(N(after.balances.USDC?.locked as string)).toBeCloseTo(lock, 6);
    expect(N(after.balances.USDC?.free as string)).toBeCloseTo(
      N(before.balances.USDC?.free as string) - lock,
      6,
    );
    const open = (await e.c.signed("GET", "/api/v3/openOrders", { symbol: "ETHUSDC" })).json;
    expect(open.map((o: { orderId: string }) => o.orderId)).toEqual([r.json.orderId]);

    e.running.sim.market.regime("ETHUSDC", { kind: "dip", startMs: e.clock.now(), durationMs: 20 * 60_000 });
    const seen: string[] = [];
    let last = 0;
    for (let i = 0; i < 60; i++) {
      await e.clock.advance(60_000);
      await e.running.sim.market.tick();
      const o = (await e.c.signed("GET", "/api/v3/order", { symbol: "ETHUSDC", origClientOrderId: "rest-1" }))
        .json;
      seen.push(o.status);
      expect(N(o.executedQty)).toBeGreaterThanOrEqual(last);
      last = N(o.executedQty);
      if (o.status === "PARTIALLY_FILLED" && seen.filter((s) => s === "PARTIALLY_FILLED").length >= 2) break;
    }
    expect(seen).toContain("PARTIALLY_FILLED");
    const ts = await trades(e.c, "ETHUSDC", r.json.orderId);
    expect(ts.length).toBeGreaterThanOrEqual(2);
    for (const t of ts) {
      expect(t).toMatchObject({ isMaker: true, commissionAsset: "USDC" });
      expect(N(t.price)).toBe(N(limit));
      expect(Math.abs(N(t.commission) - N(t.quoteQty) * 0.0002)).toBeLessThan(1e-8);
      expect(N(t.qty)).toBeLessThan(40);
    }
    const cancel = await e.c.signed("DELETE", "/api/v3/order", {
      symbol: "ETHUSDC",
      orderId: r.json.orderId,
    });
    expect(cancel.json).toMatchObject({
      status: "PARTIALLY_CANCELED",
      origClientOrderId: "rest-1",
      orderId: r.json.orderId,
    });
    expect(N(cancel.json.executedQty)).toBeGreaterThan(0);
    expect(e.running.sim.account().balances.USDC?.locked).toBe("0");
    const again = await e.c.signed("DELETE", "/api/v3/order", { symbol: "ETHUSDC", orderId: r.json.orderId });
    expect(again.json).toEqual({ code: -2011, msg: "Unknown order sent." });
  });

  it("enforces symbol rules with MEXC's codes", async () => {
    const info = (await e.c.get("/api/v3/exchangeInfo")).json.symbols as Record<string, unknown>[];
    const defaults = new Set((await e.c.get("/api/v3/defaultSymbols")).json.data as string[]);
    const find = (f: (s: Record<string, unknown>) => boolean): string => String(info.find(f)?.symbol);
    const paused = find((s) => s.status === "2");
    const sellOnly = find(
      (s) => s.tradeSideType === "3" && s.status === "1" && defaults.has(String(s.symbol)),
    );
    const notApi = find((s) => !defaults.has(String(s.symbol)));
    const noMarket = find(
      (s) => !(s.orderTypes as string[]).includes("MARKET") && defaults.has(String(s.symbol)),
    );
    const o = (p: Record<string, string>) => e.c.order({ side: "BUY", type: "LIMIT", ...p });
    const code = async (p: Record<string, string>): Promise<number> => (await o(p)).json.code;

    expect((await o({ symbol: "BTCUSDT", quantity: "0.0000001", price: "60000" })).json).toEqual({
      code: 400,
      msg: " quantity scale is invalid",
    });
    expect((await o({ symbol: "BTCUSDT", quantity: "0.001", price: "60000.001" })).json.msg).toBe(
      " price scale is invalid",
    );
    expect(
      (await e.c.order({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quoteOrderQty: "10.001" })).json.msg,
    ).toBe(" amount scale is invalid");
    expect((await o({ symbol: "BTCUSDT", quantity: "0.000001", price: "60000" })).json).toEqual({
      code: 30002,
      msg: "The minimum transaction volume cannot be less than:1USDT",
    });
    expect(await code({ symbol: "ETHUSDC", quantity: "0.001", price: "3000" })).toBe(30002);
    expect(await code({ symbol: "BTCUSDT", quantity: "40", price: "60000" })).toBe(30003);
    expect(await code({ symbol: paused, quantity: "1", price: "1" })).toBe(30000);
    expect(await code({ symbol: sellOnly, quantity: "1", price: "1" })).toBe(30001);
    expect(await code({ symbol: notApi, quantity: "1", price: "1" })).toBe(10007);
    expect(
      (await e.c.order({ symbol: noMarket, side: "BUY", type: "MARKET", quoteOrderQty: "10" })).json.code,
    ).toBe(30018);
    expect(await code({ symbol: "NOSUCHUSDT", quantity: "1", price: "1" })).toBe(-1121);
    expect((await o({ symbol: "BTCUSDT", quantity: "0.001" })).json.code).toBe(700004);
    expect(
      (await e.c.order({ symbol: "BTCUSDT", side: "HOLD", type: "LIMIT", quantity: "1", price: "1" })).json
        .code,
    ).toBe(700008);
    expect(
      (await e.c.order({ symbol: "BTCUSDT", side: "BUY", type: "STOP", quantity: "1", price: "1" })).json
        .code,
    ).toBe(700008);
    const poor = new TestClient({ url: e.running.url }, () => e.clock.now(), {
      apiKey: "poor",
      secret: "poor-secret",
    });
    const broke = await poor.order({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.001",
      price: "60000",
    });
    expect(broke.json).toEqual({ code: 30004, msg: "Insufficient position" });
    const oversold = await poor.order({ symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.001" });
    expect(oversold.json).toEqual({ code: 30005, msg: "Oversold" });
  });

  it("client ids: lookup by origClientOrderId, duplicates rejected, unknown orders", async () => {
    const p = {
      symbol: "DOTUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "1",
      price: "1",
      newClientOrderId: "dup-1",
    };
    expect((await e.c.order(p)).status).toBe(200);
    const dup = await e.c.order(p);
    expect(dup.status).toBe(400);
    expect(dup.json.code).toBe(-2010);
    expect(e.running.sim.stats.ordersByClientId["dup-1"]).toBe(1);
    const byCid = await e.c.signed("GET", "/api/v3/order", { symbol: "DOTUSDT", origClientOrderId: "dup-1" });
    expect(byCid.json).toMatchObject({ clientOrderId: "dup-1", status: "NEW", price: "1", origQty: "1" });
    expect((await e.c.signed("GET", "/api/v3/order", { symbol: "DOTUSDT", orderId: "C02__1" })).json).toEqual(
      {
        code: -2013,
        msg: "Order does not exist.",
      },
    );
    expect((await e.c.signed("GET", "/api/v3/order", { symbol: "DOTUSDT" })).json.code).toBe(700004);
    expect(
      (await e.c.signed("DELETE", "/api/v3/order", { symbol: "DOTUSDT", orderId: "C02__1" })).json.code,
    ).toBe(-2011);
    const all = (await e.c.signed("DELETE", "/api/v3/openOrders", { symbol: "DOTUSDT" })).json;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: "CANCELED", orderListId: -1, origClientOrderId: "dup-1" });
  });

  it("order/test validates without placing; tradeFee and account have MEXC's shape", async () => {
    const created = e.running.sim.stats.ordersCreated;
    const t = await e.c.signed("POST", "/api/v3/order/test", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.001",
      price: "50000",
    });
    expect(t.json).toEqual({});
    expect(e.running.sim.stats.ordersCreated).toBe(created);
    expect(
      (
        await e.c.signed("POST", "/api/v3/order/test", {
          symbol: "BTCUSDT",
          side: "BUY",
          type: "LIMIT",
          quantity: "0.5",
          price: "1",
        })
      ).json.code,
    ).toBe(30002);
    const fee = await e.c.signed("GET", "/api/v3/tradeFee", { symbol: "ETHUSDC" });
    expect(fee.text).toMatch(
      /^\{"data":\{"makerCommission":0\.0002,"takerCommission":0\.0004\},"code":0,"msg":"success"/,
    );
    const acc = (await e.c.signed("GET", "/api/v3/account")).json;
    expect(acc).toMatchObject({
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      accountType: "SPOT",
      permissions: ["SPOT"],
    });
    expect(acc).toHaveProperty("updateTime");
    for (const b of acc.balances) {
      expect(Object.keys(b)).toEqual(["asset", "free", "locked"]);
      expect(b.free).toMatch(/^\d+(\.\d+)?$/);
    }
  });
});
