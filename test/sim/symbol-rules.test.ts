import { afterEach, describe, expect, it } from "vitest";
import { Universe } from "../../src/sim/universe.js";
import { type Env, tradingSim } from "./helpers.js";

let e: Env | undefined;
afterEach(async () => {
  await e?.running.close();
  e = undefined;
});

const info = async (env: Env, symbol: string) =>
  (await env.c.get("/api/v3/exchangeInfo", { symbol })).json.symbols[0];

/** A limit price `factor` × last, on the symbol's tick (BTCUSDC: 2 decimals). */
const at = (env: Env, symbol: string, factor: number): string =>
  (Number(env.running.sim.market.price(symbol)) * factor).toFixed(2);

describe("PERCENT_PRICE_BY_SIDE price bands", () => {
  it("BTCUSDC and ETHUSDC carry the filter by default; other symbols have none", async () => {
    e = await tradingSim();
    expect((await info(e, "BTCUSDC")).filters).toEqual([
      { filterType: "PERCENT_PRICE_BY_SIDE", bidMultiplierUp: "1.1", askMultiplierDown: "0.9" },
    ]);
    expect((await info(e, "ETHUSDC")).filters[0]).toMatchObject({ bidMultiplierUp: "1.15" });
    expect((await info(e, "BTCUSDT")).filters).toEqual([]);
    expect((await info(e, "BTCUSDT")).status).toBe("1");
  });

  it("refuses a buy above last × bidMultiplierUp and a sell below last × askMultiplierDown (30010)", async () => {
    e = await tradingSim({
      accounts: [
        { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDC: "100000", BTC: "1" } },
      ],
    });
    const order = (side: string, type: string, price: string, id: string) =>
      (e as Env).c.order({ symbol: "BTCUSDC", side, type, quantity: "0.001", price, newClientOrderId: id });
    for (const type of ["LIMIT", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"]) {
      const high = await order("BUY", type, at(e, "BTCUSDC", 1.11), `hi-${type}`);
      expect(high.status).toBe(400);
      expect(high.json).toEqual({ code: 30010, msg: "no valid trade price" });
    }
    expect((await order("BUY", "LIMIT", at(e, "BTCUSDC", 1.09), "in-buy")).status).toBe(200);
    expect((await order("SELL", "LIMIT", at(e, "BTCUSDC", 0.89), "lo-sell")).json.code).toBe(30010);
    expect((await order("SELL", "LIMIT_MAKER", at(e, "BTCUSDC", 0.89), "lo-maker")).json.code).toBe(30010);
    expect((await order("SELL", "LIMIT", at(e, "BTCUSDC", 0.91), "in-sell")).status).toBe(200);
    // Far from the market on the side the band leaves open: a cheap buy, a dear sell.
    expect((await order("BUY", "LIMIT", at(e, "BTCUSDC", 0.5), "cheap")).status).toBe(200);
    expect((await order("SELL", "LIMIT", at(e, "BTCUSDC", 3), "dear")).status).toBe(200);
  });

  it("is configurable per symbol", async () => {
    e = await tradingSim({ priceBands: { BTCUSDT: { bidMultiplierUp: "1.01" } } });
    expect((await info(e, "BTCUSDC")).filters).toEqual([]);
    expect((await info(e, "BTCUSDT")).filters).toEqual([
      { filterType: "PERCENT_PRICE_BY_SIDE", bidMultiplierUp: "1.01" },
    ]);
    const buy = (factor: number, id: string) =>
      (e as Env).c.order({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.001",
        price: at(e as Env, "BTCUSDT", factor),
        newClientOrderId: id,
      });
    expect((await buy(1.02, "b1")).json.code).toBe(30010);
    expect((await buy(1.005, "b2")).status).toBe(200);
  });
});

describe("market orders disabled", () => {
  it("30051 on symbols whose API market orders are off; quoteOrderQtyMarketAllowed false refuses quote sizing", async () => {
    e = await tradingSim({
      marketRestrictions: {
        ETHUSDT: { apiMarketDisabled: true },
        ADAUSDT: { quoteOrderQtyMarketAllowed: false },
      },
    });
    const m = { side: "BUY", type: "MARKET" };
    const eth = await e.c.order({ ...m, symbol: "ETHUSDT", quoteOrderQty: "20" });
    expect(eth.status).toBe(400);
    expect(eth.json).toEqual({ code: 30051, msg: "api market order is disabled" });
    expect((await e.c.order({ ...m, symbol: "ETHUSDT", quantity: "0.01" })).json.code).toBe(30051);
    expect((await info(e, "ETHUSDT")).orderTypes).toContain("MARKET");
    expect((await info(e, "ADAUSDT")).quoteOrderQtyMarketAllowed).toBe(false);
    expect((await info(e, "BTCUSDT")).quoteOrderQtyMarketAllowed).toBe(true);
    expect((await e.c.order({ ...m, symbol: "ADAUSDT", quoteOrderQty: "20" })).json.code).toBe(33333);
    expect((await e.c.order({ ...m, symbol: "ADAUSDT", quantity: "50" })).status).toBe(200);
    expect((await e.c.order({ ...m, symbol: "BTCUSDT", quoteOrderQty: "20" })).status).toBe(200);
  });

  it("by default two generated alts have them", async () => {
    e = await tradingSim();
    const alts = new Universe(42, 12).specs.filter((s) => s.symbol.endsWith("USDT") && s.market.levels === 8);
    const [off, noQuote] = [alts[5]?.symbol as string, alts[6]?.symbol as string];
    expect(new Universe(42, 12).get(off)?.apiMarketDisabled).toBe(true);
    const r = await e.c.order({ symbol: off, side: "BUY", type: "MARKET", quoteOrderQty: "20" });
    expect(r.json.code).toBe(30051);
    expect((await info(e, noQuote)).quoteOrderQtyMarketAllowed).toBe(false);
  });
});
