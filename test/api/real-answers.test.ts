import { describe, expect, it } from "vitest";
import { D, MexcClient, type MexcClientOptions } from "../../src/api/index.js";
import { type Canned, cannedTransport, timeAsString } from "./canned-transport.js";
import { captureLogger, rejection } from "./sim-helpers.js";

/**
 * The answers the real exchange sends that the docs' examples hide (reference page "What the real exchange
 * sends"): short acknowledgements, strings for numbers, null and "" where values are unknown, hex ids, extra
 * fields. Each goes through the whole client (request runner, error detection, schema) from a canned transport.
 */

function clientWith(table: Record<string, Canned>, opts: Partial<MexcClientOptions> = {}) {
  const transport = cannedTransport({ "GET /api/v3/time": timeAsString(), ...table });
  const client = new MexcClient({
    baseUrl: "http://canned.mexc",
    apiKey: "canned-api-key",
    apiSecret: "canned-api-secret",
    checkRules: false,
    transport,
    retry: { retries: 0 },
    ...opts,
  });
  return { client, transport };
}

const HEX_ORDER = "C02__443776347957968896";
const HEX_TRADE = "fad2af9e942049b6adbda1a271f990c6";

describe("answers as MEXC really sends them", () => {
  it("the short new-order acknowledgement {symbol, orderId, orderListId} is an acknowledgement", async () => {
    const { client } = clientWith({
      "POST /api/v3/order": { body: `{"symbol":"BTCUSDT","orderId":"${HEX_ORDER}","orderListId":-1}` },
    });
    const ack = await client.newOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("10"),
      clientOrderId: "scanner-01",
    });
    expect(ack).toEqual({
      symbol: "BTCUSDT",
      orderId: HEX_ORDER,
      clientOrderId: "scanner-01",
      price: null,
      origQty: null,
      type: null,
      side: null,
      transactTime: null,
    });
  });

  it("an acknowledgement is read for its id alone: odd extra values never make it an unknown outcome", async () => {
    const { client } = clientWith({
      "POST /api/v3/order": {
        body: `{"symbol":"BTCUSDT","orderId":"${HEX_ORDER}","orderListId":-1,"type":"LIMIT_ORDER","price":"","origQty":null,"transactTime":"soon"}`,
      },
      "DELETE /api/v3/order": { body: "{}" },
    });
    const ack = await client.newOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: new D("1"),
      clientOrderId: "alts-01",
    });
    expect([ack.orderId, ack.type, ack.price, ack.origQty, ack.transactTime]).toEqual([
      HEX_ORDER,
      null,
      null,
      null,
      null,
    ]);
    // A 200 to a cancel means taken, even with nothing in the body.
    const c = await client.cancelOrder({ symbol: "BTCUSDT", orderId: HEX_ORDER });
    expect([c.symbol, c.orderId, c.status]).toEqual([null, null, null]);
  });

  it("a short cancel answer (no executedQty, no status) means the cancel was taken", async () => {
    const { client } = clientWith({
      "DELETE /api/v3/order": {
        body: `{"symbol":"BTCUSDT","orderId":"${HEX_ORDER}","origClientOrderId":"scanner-01","clientOrderId":""}`,
      },
      "DELETE /api/v3/openOrders": { body: `[{"symbol":"BTCUSDT","orderId":"${HEX_ORDER}"}]` },
    });
    const c = await client.cancelOrder({ symbol: "BTCUSDT", clientOrderId: "scanner-01" });
    expect(c).toMatchObject({ orderId: HEX_ORDER, origClientOrderId: "scanner-01", clientOrderId: null });
    expect([c.status, c.executedQty]).toEqual([null, null]);
    expect((await client.cancelAllOpenOrders("BTCUSDT")).map((x) => x.orderId)).toEqual([HEX_ORDER]);
  });

  it("serverTime as a string", async () => {
    const { client } = clientWith({});
    const t = await client.time();
    expect(typeof t).toBe("number");
    expect(Math.abs(t - Date.now())).toBeLessThan(60_000);
  });

  it("24 h tickers with null and empty numbers: unknown, never a failure of the whole market", async () => {
    const { client } = clientWith({
      "GET /api/v3/ticker/24hr": {
        body: JSON.stringify([
          {
            symbol: "AAAUSDT",
            priceChange: "0.1",
            priceChangePercent: "0.01",
            prevClosePrice: "10",
            lastPrice: "10.1",
            bidPrice: "10",
            bidQty: "",
            askPrice: "10.2",
            askQty: "",
            openPrice: "10",
            highPrice: "11",
            lowPrice: "9",
            volume: "100",
            quoteVolume: null,
            openTime: 1,
            closeTime: 2,
            count: null,
          },
          { symbol: "BBBUSDT", lastPrice: "", volume: null, quoteVolume: "", priceChangePercent: null },
          { symbol: "CCCUSDT", lastPrice: "1", volume: "5", quoteVolume: "5", openTime: "", closeTime: null },
        ]),
      },
    });
    const all = await client.ticker24hrAll();
    expect(all.map((t) => [t.symbol, t.quoteVolume?.toFixed() ?? null])).toEqual([
      ["AAAUSDT", null],
      ["BBBUSDT", null],
      ["CCCUSDT", "5"],
    ]);
    expect([all[1]!.lastPrice, all[1]!.volume, all[0]!.bidQty, all[2]!.openTime]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("one unreadable 24 h ticker is left out and logged; only an all-unreadable answer is an error", async () => {
    const { logger, lines } = captureLogger();
    const good = { symbol: "AAAUSDT", lastPrice: "1", quoteVolume: "100" };
    const odd = { symbol: "BBBUSDT", lastPrice: "1", quoteVolume: "n/a" };
    const { client } = clientWith(
      { "GET /api/v3/ticker/24hr": { body: JSON.stringify([good, odd, { ...good, symbol: "CCCUSDT" }]) } },
      { logger },
    );
    expect((await client.ticker24hrAll()).map((t) => t.symbol)).toEqual(["AAAUSDT", "CCCUSDT"]);
    const warned = lines.filter((l) => l.includes("entries unreadable"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain("BBBUSDT");
    expect(warned[0]).toContain('quoteVolume: expected a decimal, got \\"n/a\\"');

    const { client: broken } = clientWith({
      "GET /api/v3/ticker/24hr": { body: JSON.stringify([odd, odd]) },
    });
    expect(await rejection(broken.ticker24hrAll())).toMatchObject({ kind: "bad-response" });
  });

  it("orders: updateTime null, clientOrderId '' and null (none), hex ids, extra fields ignored", async () => {
    const order = (over: Record<string, unknown>) => ({
      symbol: "BTCUSDT",
      orderId: HEX_ORDER,
      orderListId: -1,
      clientOrderId: "buyer-01",
      price: "50000",
      origQty: "0.001",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      status: "NEW",
      timeInForce: null,
      type: "LIMIT",
      side: "BUY",
      stopPrice: "0",
      time: 1700000000000,
      updateTime: null,
      isWorking: true,
      stpMode: "",
      cancelReason: null,
      origQuoteOrderQty: "50",
      ...over,
    });
    const { client } = clientWith({
      "GET /api/v3/order": { body: JSON.stringify(order({ Qty: "0.001", cancelReason: "stp_cancel" })) },
      "GET /api/v3/openOrders": {
        body: JSON.stringify([order({ clientOrderId: "" }), order({ clientOrderId: null, orderId: 12345 })]),
      },
    });
    const one = await client.getOrder({ symbol: "BTCUSDT", orderId: HEX_ORDER });
    expect([one.orderId, one.clientOrderId, one.updateTime, one.origQty.toFixed()]).toEqual([
      HEX_ORDER,
      "buyer-01",
      null,
      "0.001",
    ]);
    expect(one).not.toHaveProperty("stpMode");
    const open = await client.openOrders("BTCUSDT");
    expect(open.map((o) => [o.orderId, o.clientOrderId])).toEqual([
      [HEX_ORDER, null],
      ["12345", null],
    ]);
  });

  it("trades with hex ids and clientOrderId ''; account with `available` and commissions", async () => {
    const { client } = clientWith({
      "GET /api/v3/myTrades": {
        body: JSON.stringify([
          {
            symbol: "BTCUSDT",
            id: HEX_TRADE,
            orderId: HEX_ORDER,
            orderListId: -1,
            price: "50000",
            qty: "0.001",
            quoteQty: "50",
            commission: "0.05",
            commissionAsset: "USDT",
            time: "1700000000000",
            isBuyer: true,
            isMaker: false,
            isBestMatch: true,
            isSelfTrade: false,
            clientOrderId: "",
          },
        ]),
      },
      "GET /api/v3/account": {
        body: JSON.stringify({
          makerCommission: null,
          takerCommission: null,
          buyerCommission: null,
          sellerCommission: null,
          canTrade: true,
          canWithdraw: true,
          canDeposit: true,
          updateTime: null,
          accountType: "SPOT",
          balances: [{ asset: "USDT", free: "100.5", locked: "0", available: "100.5" }],
          permissions: ["SPOT"],
        }),
      },
    });
    const [t] = await client.myTrades("BTCUSDT");
    expect([t!.id, t!.orderId, t!.clientOrderId, t!.time]).toEqual([
      HEX_TRADE,
      HEX_ORDER,
      null,
      1700000000000,
    ]);
    const acc = await client.account();
    expect(acc.balances).toEqual([{ asset: "USDT", free: new D("100.5"), locked: new D("0") }]);
  });
});
