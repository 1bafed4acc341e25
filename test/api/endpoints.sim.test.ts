import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, D, type MexcClient, roundPrice, roundQuantity } from "../../src/api/index.js";
import type { RunningSim } from "../../src/sim/index.js";
import { clientFor, rejection, start } from "./sim-helpers.js";

let sim: RunningSim;
let client: MexcClient;

beforeAll(async () => {
  sim = await start();
  client = clientFor(sim);
});
afterAll(async () => {
  client.close();
  await sim.close();
});

describe("every endpoint against the simulator, over HTTP", () => {
  it("market data: ping, time, defaultSymbols, exchangeInfo, depth, klines, tickers", async () => {
    await client.ping();
    expect(Math.abs((await client.time()) - sim.sim.serverTime())).toBeLessThan(1000);
    const defaults = await client.defaultSymbols();
    expect(defaults).toContain("BTCUSDT");
    const info = await client.exchangeInfo(["BTCUSDT", "ETHUSDC"]);
    expect(info.symbols.map((s) => s.symbol).sort()).toEqual(["BTCUSDT", "ETHUSDC"]);
    expect((await client.exchangeInfo("ADAUSDT")).symbols[0]!.baseAssetPrecision).toBeTypeOf("number");
    const book = await client.depth("BTCUSDT", 5);
    expect(book.bids[0]!.price.lt(book.asks[0]!.price)).toBe(true);
    const klines = await client.klines("ETHUSDT", "60m", { limit: 3 });
    expect(klines).toHaveLength(3);
    expect(klines[0]!.high).toBeGreaterThanOrEqual(klines[0]!.low);
    expect(klines[1]!.openTime - klines[0]!.openTime).toBe(3_600_000);
    expect((await client.ticker24hr("BTCUSDT")).lastPrice?.gt(0)).toBe(true);
    expect((await client.ticker24hrAll()).length).toBeGreaterThan(10);
    expect((await client.tickerPrice("USDCUSDT")).price.gt(0)).toBe(true);
    expect((await client.tickerPriceAll()).length).toBeGreaterThan(10);
    expect((await client.bookTicker("LINKUSDC")).symbol).toBe("LINKUSDC");
    expect((await client.bookTickerAll()).length).toBeGreaterThan(10);
  });

  it("trading: test order, place, query, list, cancel, cancel all, fills, fees, account", async () => {
    const rules = (await client.symbolRules("ETHUSDT"))!;
    const last = (await client.tickerPrice("ETHUSDT")).price;
    const price = roundPrice(rules, last.mul("0.8"), "BUY");
    const quantity = roundQuantity(rules, new D(20).div(price));
    const order = { symbol: "ETHUSDT", side: "BUY", type: "LIMIT", quantity, price } as const;

    await client.testOrder({ ...order, clientOrderId: "test.only_1" });
    // Client ids with "-_." and a value sent as 0.00…: the signature covers the exact bytes.
    const ack = await client.newOrder({ ...order, clientOrderId: "bot-01_a.b" });
    expect(ack.clientOrderId).toBe("bot-01_a.b");
    const byClient = await client.getOrder({ symbol: "ETHUSDT", clientOrderId: "bot-01_a.b" });
    const byId = await client.getOrder({ symbol: "ETHUSDT", orderId: ack.orderId });
    expect(byClient).toEqual(byId);
    expect(byClient.status).toBe("NEW");
    expect(byClient.origQty.eq(quantity)).toBe(true);
    expect((await client.openOrders("ETHUSDT")).map((o) => o.orderId)).toContain(ack.orderId);
    const cancelled = await client.cancelOrder({ symbol: "ETHUSDT", clientOrderId: "bot-01_a.b" });
    expect(cancelled.status).toBe("CANCELED");
    const again = await rejection(client.cancelOrder({ symbol: "ETHUSDT", orderId: ack.orderId }));
    expect(again).toMatchObject({ kind: "unknown-order", code: -2011 });

    await client.newOrder({ ...order, clientOrderId: "bot-02" });
    await client.newOrder({ ...order, clientOrderId: "bot-03" });
    expect((await client.cancelAllOpenOrders("ETHUSDT")).map((o) => o.status)).toEqual([
      "CANCELED",
      "CANCELED",
    ]);

    const buy = await client.newOrder({
      symbol: "ETHUSDT",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("15.5"),
      clientOrderId: "bot-mkt",
    });
    const filled = await client.getOrder({ symbol: "ETHUSDT", orderId: buy.orderId });
    expect(filled.status).toBe("FILLED");
    const trades = await client.myTrades("ETHUSDT", { limit: 100 });
    expect(trades.every((t) => t.orderId === buy.orderId)).toBe(true);
    expect(trades.reduce((s, t) => s.plus(t.quoteQty), new D(0)).lte("15.5")).toBe(true);
    expect((await client.allOrders("ETHUSDT")).length).toBe(4);
    const fee = await client.tradeFee("ETHUSDT");
    expect(fee.takerCommission.gte(0)).toBe(true);
    const account = await client.account();
    const eth = account.balances.find((b) => b.asset === "ETH");
    expect(eth?.free.eq(trades.reduce((s, t) => s.plus(t.qty), new D(0)))).toBe(true);
  });

  it("checks the symbol rules before sending, so a wrong order never costs a request", async () => {
    const before = sim.sim.stats.requests["POST /api/v3/order"] ?? 0;
    const tooSmall = await rejection(
      client.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: new D("0.00001"),
        price: new D("1000"),
        clientOrderId: "small-1",
      }),
    );
    expect(tooSmall).toBeInstanceOf(ApiError);
    expect(tooSmall).toMatchObject({ kind: "invalid-order", clientOrderId: "small-1" });
    expect((tooSmall as Error).message).toContain("below BTCUSDT's minimum 1");
    const offGrid = await rejection(
      client.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: new D("0.0012345678"),
        price: new D("50000"),
        clientOrderId: "grid-1",
      }),
    );
    expect((offGrid as Error).message).toContain("not a multiple of the step 0.000001");
    const unknown = await rejection(
      client.newOrder({
        symbol: "NOPEUSDT",
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D(10),
        clientOrderId: "nope-1",
      }),
    );
    expect(unknown).toMatchObject({ kind: "bad-symbol" });
    const badId = await rejection(
      client.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D(10),
        clientOrderId: "has space",
      }),
    );
    expect(badId).toMatchObject({ kind: "invalid-order" });
    expect(sim.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(before);
  });

  it("maps the simulator's refusals to kinds: funds, bad symbol, unknown order", async () => {
    const rules = (await client.symbolRules("BTCUSDT"))!;
    const price = roundPrice(rules, (await client.tickerPrice("BTCUSDT")).price.mul("0.5"), "BUY");
    const broke = await rejection(
      client.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: roundQuantity(rules, new D(5000).div(price)),
        price,
        clientOrderId: "broke-1",
      }),
    );
    expect(broke).toMatchObject({ kind: "insufficient-funds", code: 30004 });
    expect(await rejection(client.depth("NOPEUSDT"))).toMatchObject({ kind: "bad-symbol", code: -1121 });
    expect(
      await rejection(client.getOrder({ symbol: "BTCUSDT", clientOrderId: "never-sent" })),
    ).toMatchObject({
      kind: "unknown-order",
      code: -2013,
    });
  });
});
