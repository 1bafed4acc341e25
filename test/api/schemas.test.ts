import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  accountSchema,
  bookTickerSchema,
  defaultSymbolsSchema,
  depthSchema,
  describeIssues,
  exchangeInfoSchema,
  klinesSchema,
  orderAckSchema,
  orderSchema,
  parseJson,
  ticker24hSchema,
  tradeFeeSchema,
  tradeSchema,
} from "../../src/api/schemas.js";

/** Samples as MEXC's documentation shows them (spot v3), nulls and "" included. */
const samples = {
  exchangeInfo: `{"timezone":"CST","serverTime":1645539742000,"rateLimits":[],"exchangeFilters":[],"symbols":[{
    "symbol":"TOMO3LUSDT","status":"ENABLED","baseAsset":"TOMO3L","baseAssetPrecision":2,"quoteAsset":"USDT",
    "quotePrecision":3,"quoteAssetPrecision":3,"baseCommissionPrecision":2,"quoteCommissionPrecision":3,
    "orderTypes":["LIMIT","LIMIT_MAKER"],"quoteOrderQtyMarketAllowed":false,"isSpotTradingAllowed":false,
    "isMarginTradingAllowed":false,"quoteAmountPrecision":"5","baseSizePrecision":"0.0001",
    "permissions":["SPOT","LIMIT"],"filters":[],"maxQuoteAmount":"5000000","makerCommission":"0.002",
    "takerCommission":"0.002","tradeSideType":"1"}]}`,
  depth: `{"lastUpdateId":1112416,"bids":[["15.00000","49999.00000"]],"asks":[["14.0000","1.0000"]]}`,
  klines: `[[1640804880000,"47482.36","47482.36","47416.57","47436.1","3.550717",1640804940000,"168387.3"]]`,
  ticker24h: `{"symbol":"BTCUSDT","priceChange":"184.34","priceChangePercent":"0.00400048","prevClosePrice":"46079.37",
    "lastPrice":"46263.71","bidPrice":"46260.38","bidQty":"","askPrice":"46260.41","askQty":"","openPrice":"46079.37",
    "highPrice":"47550.01","lowPrice":"45555.5","volume":"1732.461487","quoteVolume":null,"openTime":1641349500000,
    "closeTime":1641349582808,"count":null}`,
  bookTicker: `{"symbol":"AEUSDT","bidPrice":"0.11001","bidQty":"115.59","askPrice":"0.11127","askQty":"215.48"}`,
  defaultSymbols: `{"code":200,"data":["GENE1USDT","SNTUSDT"],"msg":null}`,
  orderAck: `{"symbol":"MXUSDT","orderId":"06a480e69e604477bfb48dddd5f0b750","orderListId":-1,"price":"0.1",
    "origQty":"50","type":"LIMIT","side":"BUY","transactTime":1666676533741}`,
  queryOrder: `{"symbol":"LTCBTC","orderId":1,"orderListId":-1,"clientOrderId":"myOrder1","price":"0.1","Qty":"1.0",
    "executedQty":"0.0","cummulativeQuoteQty":"0.0","status":"NEW","timeInForce":"GTC","type":"LIMIT","side":"BUY",
    "stopPrice":"0.0","time":1499827319559,"updateTime":1499827319559,"isWorking":true,"origQuoteOrderQty":"0.000000"}`,
  cancel: `{"symbol":"LTCBTC","origClientOrderId":"myOrder1","orderId":4,"clientOrderId":"cancelMyOrder1",
    "price":"2.00000000","origQty":"1.00000000","executedQty":"0.00000000","cummulativeQuoteQty":"0.00000000",
    "status":"CANCELED","timeInForce":"GTC","type":"LIMIT","side":"BUY"}`,
  account: `{"canTrade":true,"canWithdraw":true,"canDeposit":true,"updateTime":null,"accountType":"SPOT",
    "balances":[{"asset":"NBNTEST","free":"1111078","locked":"33"}],"permissions":["SPOT"]}`,
  myTrades: `[{"symbol":"BNBBTC","id":"fad2af9e942049b6adbda1a271f990c6","orderId":"bb41e5663e124046bd9497a3f5692f39",
    "orderListId":-1,"price":"4.00000100","qty":"12.00000000","quoteQty":"48.000012","commission":"10.10000000",
    "commissionAsset":"BNB","time":1499865549590,"isBuyer":true,"isMaker":false,"isBestMatch":true,
    "isSelfTrade":true,"clientOrderId":null}]`,
  tradeFee: `{"data":{"makerCommission":0.003000000000000000,"takerCommission":0.003000000000000000},"code":0,
    "msg":"success","timestamp":1669109672717}`,
};

function parse<T>(schema: z.ZodType<T>, text: string): T {
  const r = schema.safeParse(parseJson(text));
  if (!r.success) throw new Error(describeIssues(r.error));
  return r.data;
}

describe("parsing MEXC's documented answers", () => {
  it("exchangeInfo", () => {
    const info = parse(exchangeInfoSchema, samples.exchangeInfo);
    const s = info.symbols[0]!;
    expect(s.baseSizePrecision.toFixed()).toBe("0.0001");
    expect(s.quoteAmountPrecision.toFixed()).toBe("5");
    expect(s.maxQuoteAmountMarket).toBeNull();
    expect(s.quoteAssetPrecision).toBe(3);
    expect(info.serverTime).toBe(1645539742000);
  });

  it("depth, klines, tickers, defaultSymbols", () => {
    expect(parse(depthSchema, samples.depth).bids[0]!.qty.toFixed()).toBe("49999");
    expect(parse(klinesSchema, samples.klines)).toEqual([
      {
        openTime: 1640804880000,
        open: 47482.36,
        high: 47482.36,
        low: 47416.57,
        close: 47436.1,
        volume: 3.550717,
        closeTime: 1640804940000,
        quoteVolume: 168387.3,
      },
    ]);
    const t = parse(ticker24hSchema, samples.ticker24h);
    expect([t.bidQty, t.quoteVolume, t.count, t.priceChangePercent?.toFixed()]).toEqual([
      null,
      null,
      null,
      "0.00400048",
    ]);
    expect(parse(bookTickerSchema, samples.bookTicker).askQty?.toFixed()).toBe("215.48");
    expect(parse(defaultSymbolsSchema, samples.defaultSymbols).data).toEqual(["GENE1USDT", "SNTUSDT"]);
  });

  it("orders: ack, query (with its `Qty` spelling), cancel", () => {
    expect(parse(orderAckSchema, samples.orderAck).orderId).toBe("06a480e69e604477bfb48dddd5f0b750");
    const o = parse(orderSchema, samples.queryOrder);
    expect([o.orderId, o.origQty.toFixed(), o.status, o.origQuoteOrderQty?.toFixed()]).toEqual([
      "1",
      "1",
      "NEW",
      "0",
    ]);
    const c = parse(orderSchema, samples.cancel);
    expect([c.origClientOrderId, c.status, c.time]).toEqual(["myOrder1", "CANCELED", null]);
  });

  it("account, myTrades, tradeFee", () => {
    expect(parse(accountSchema, samples.account).balances[0]!.locked.toFixed()).toBe("33");
    const tr = parse(tradeSchema.array(), samples.myTrades)[0]!;
    expect([tr.commission.toFixed(), tr.clientOrderId, tr.isBuyer]).toEqual(["10.1", null, true]);
    expect(parse(tradeFeeSchema, samples.tradeFee).takerCommission.toFixed()).toBe("0.003");
  });

  it("keeps order ids too long for a JS number intact", () => {
    const text = samples.cancel.replace('"orderId":4', '"orderId":1196315350023612316');
    expect(parse(orderSchema, text).orderId).toBe("1196315350023612316");
  });

  it("names the field of a malformed answer instead of producing NaN", () => {
    const bad = samples.exchangeInfo.replace('"baseSizePrecision":"0.0001"', '"baseSizePrecision":"abc"');
    expect(() => parse(exchangeInfoSchema, bad)).toThrow(
      'symbols[0].baseSizePrecision: expected a decimal, got "abc"',
    );
    const noStatus = samples.queryOrder.replace('"status":"NEW"', '"status":"WEIRD"');
    expect(() => parse(orderSchema, noStatus)).toThrow(/^status: expected an order status .* got "WEIRD"/);
    const missing = samples.account.replace('"free":"1111078",', "");
    expect(() => parse(accountSchema, missing)).toThrow(
      "balances[0].free: expected a decimal, got nothing (missing)",
    );
  });
});

describe("klines, read straight into indicator numbers", () => {
  const row = (cells: unknown[]): string =>
    JSON.stringify([[1, "1", "2", "0.5", "1.5", "10", 60_000, "15"], cells]);

  it("takes numbers as well as strings, and a blank quote volume as unknown", () => {
    const [, k] = parse(klinesSchema, row([60_000, 1, 2, 0.5, 1.5, 10, 120_000, ""]));
    expect(k).toMatchObject({
      openTime: 60_000,
      open: 1,
      close: 1.5,
      closeTime: 120_000,
      quoteVolume: undefined,
    });
    expect(
      parse(klinesSchema, row([60_000, "1", "2", "0.5", "1.5", "10", 120_000]))[1]!.quoteVolume,
    ).toBeUndefined();
    expect(parse(klinesSchema, "[]")).toEqual([]);
  });

  it("names the row and the column of the first bad cell", () => {
    const bad = (cells: unknown[]): string => {
      const r = klinesSchema.safeParse(parseJson(row(cells)));
      return r.success ? "parsed" : describeIssues(r.error);
    };
    expect(bad([60_000, "1", "2", "0.5", "NaN", "10", 120_000, "15"])).toBe(
      '[1][4]: close: expected a finite number, got "NaN"',
    );
    expect(bad([60_000, "1", "1e999", "0.5", "1", "10", 120_000, "15"])).toBe(
      '[1][2]: high: expected a finite number, got "1e999"',
    );
    expect(bad([60_000, "1", "2", "0.5", "1", "", 120_000, "15"])).toBe(
      '[1][5]: volume: expected a finite number, got ""',
    );
    expect(bad([60_000, "1", "2", "0.5", "1", "1", 120_000, "Infinity"])).toBe(
      '[1][7]: quote volume: expected a finite number, got "Infinity"',
    );
    expect(bad(["soon", "1", "2", "0.5", "1", "1", 120_000, "1"])).toBe(
      '[1][0]: open time: expected a time in ms (an integer), got "soon"',
    );
    expect(bad([60_000, "1", "2"])).toMatch(
      /^\[1\]: expected a candle of 8 cells \(open time, open, .*\), got 3$/,
    );
    const notRows = klinesSchema.safeParse({ code: 0 });
    expect(notRows.success ? "parsed" : describeIssues(notRows.error)).toBe(
      '(root): expected a list of candles, got {"code":0}',
    );
  });

  it("reads every decimal string as the float nearest to it", () => {
    const cells = ["0.00000001", "123456789.123456789", "47436.1", "0", "-0.5"];
    const text = JSON.stringify(cells.map((c, i) => [i, c, c, c, c, c, i + 1, c]));
    const ks = parse(klinesSchema, text);
    expect(ks.map((k) => k.close)).toEqual(cells.map((c) => Number.parseFloat(c)));
  });
});
