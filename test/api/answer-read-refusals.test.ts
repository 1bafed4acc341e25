import { describe, expect, it } from "vitest";
import {
  type Answer,
  accountAnswer,
  depthAnswer,
  orderAnswer,
  ordersAnswer,
  ticker24hAnswer,
  tickerPriceAnswer,
  tickers24hAnswer,
  tradesAnswer,
} from "../../src/api/schemas-read.js";

/** Texts the readers must leave to the schema: it reads them differently, refuses them, or names what is wrong. */
describe("the hand-written readers leave to the schema", () => {
  it("leaves to the schema what it reads differently or refuses", () => {
    const cases: [Answer<unknown>, string][] = [
      [tickerPriceAnswer, '{"symbol":"ETHUSDT","price":3000.5}'],
      [tickerPriceAnswer, '{"symbol":"ETHUSDT","price":"3e3"}'],
      [tickerPriceAnswer, '{"symbol":"ETHUSDT","price":""}'],
      [tickerPriceAnswer, '{"symbol":"","price":"1"}'],
      [tickerPriceAnswer, '{"symbol":"ETHUSDT"}'],
      [tickerPriceAnswer, '{"symbol": "ETHUSDT","price":"1"}'],
      [tickerPriceAnswer, '{"symbol":"ETH\\u0055SDT","price":"1"}'],
      [tickerPriceAnswer, '{"code":0,"msg":"ok"}'],
      [ticker24hAnswer, '{"symbol":"X","openTime":"1640804880000"}'],
      [ticker24hAnswer, '{"symbol":"X","count":1.0}'],
      [ticker24hAnswer, '{"symbol":"X","count":1234567890123456}'],
      // One unreadable entry: the schema leaves it out and reports it, which only the general path does.
      [tickers24hAnswer, '[{"symbol":"X","lastPrice":"1"},{"symbol":"Y","lastPrice":"abc"}]'],
      [tickers24hAnswer, '[{"symbol":"X","lastPrice":"1"},{"lastPrice":"1"}]'],
      [depthAnswer, '{"bids":[["1"]],"asks":[]}'],
      [depthAnswer, '{"bids":[],"asks":[[1,"2"]]}'],
      [depthAnswer, '{"bids":[]}'],
      [accountAnswer, '{"canTrade":true,"balances":null}'],
      [accountAnswer, '{"canTrade":"true","balances":[]}'],
      [accountAnswer, '{"canTrade":true,"balances":[],"permissions":["SPOT",1]}'],
      [tradesAnswer, "{}"],
      [
        orderAnswer,
        '{"symbol":"X","orderId":-5,"price":"1","origQty":"1","executedQty":"0","cummulativeQuoteQty":"0","status":"NEW","type":"LIMIT","side":"BUY"}',
      ],
      [
        orderAnswer,
        '{"symbol":"X","orderId":"1","price":"1","origQty":null,"executedQty":"0","cummulativeQuoteQty":"0","status":"NEW","type":"LIMIT","side":"BUY"}',
      ],
      [
        orderAnswer,
        '{"symbol":"X","orderId":"1","price":"1","origQty":"1","executedQty":"0","cummulativeQuoteQty":"0","status":"OPEN","type":"LIMIT","side":"BUY"}',
      ],
      [ordersAnswer, "[] "],
      [ordersAnswer, ""],
    ];
    for (const [answer, text] of cases) expect(answer.fastParse(text), text).toBeUndefined();
  });
});

describe("the readers on answers nested deeper than the stack", () => {
  it("leave them to the general path instead of throwing", () => {
    const deep = `{"symbol":"X","price":"1","x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    expect(tickerPriceAnswer.fastParse(deep)).toBeUndefined();
  });
});
