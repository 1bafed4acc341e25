import { describe, expect, it } from "vitest";
import { D } from "../../src/api/decimal.js";
import { BAND_SAFETY, bandLimits, clampToBand, priceBandOf } from "../../src/api/price-band.js";
import { exchangeInfoSchema, parseJson } from "../../src/api/schemas.js";
import { checkOrder, rulesFromExchangeInfo } from "../../src/api/symbol-rules.js";

/**
 * exchangeInfo bodies shaped like the real answers: `filters` with MEXC's price protection (the two fields the
 * answers seen carry), an unknown filter next to it, `status` "1" (since 2024-08) and the older "ENABLED",
 * `quoteOrderQtyMarketAllowed` false on one symbol.
 */
const BODY = `{"timezone":"CST","serverTime":1789897303485,"rateLimits":[],"exchangeFilters":[],"symbols":[
 {"symbol":"BTCUSDC","status":"1","baseAsset":"BTC","baseAssetPrecision":6,"quoteAsset":"USDC","quotePrecision":2,
  "quoteAssetPrecision":2,"orderTypes":["LIMIT","MARKET","LIMIT_MAKER"],"quoteOrderQtyMarketAllowed":true,
  "isSpotTradingAllowed":true,"quoteAmountPrecision":"1","baseSizePrecision":"0.000001","permissions":["SPOT"],
  "filters":[{"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5","askMultiplierDown":"0.2"},
             {"filterType":"SOMETHING_NEW","limit":7}],
  "maxQuoteAmount":"2000000","makerCommission":"0","takerCommission":"0.0005","tradeSideType":1,"st":false},
 {"symbol":"SUIUSDC","status":"ENABLED","baseAsset":"SUI","baseAssetPrecision":2,"quoteAsset":"USDC",
  "quotePrecision":4,"quoteAssetPrecision":4,"orderTypes":["LIMIT","MARKET","LIMIT_MAKER"],
  "quoteOrderQtyMarketAllowed":false,"isSpotTradingAllowed":true,"quoteAmountPrecision":"1",
  "baseSizePrecision":"0.01","permissions":["SPOT"],
  "filters":[{"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"0.1","askMultiplierDown":"0.1"}],
  "maxQuoteAmount":"2000000","makerCommission":"0","takerCommission":"0.0005","tradeSideType":"1"},
 {"symbol":"OLDUSDT","status":"2","baseAsset":"OLD","baseAssetPrecision":2,"quoteAsset":"USDT","quotePrecision":4,
  "quoteAssetPrecision":4,"orderTypes":["LIMIT"],"isSpotTradingAllowed":true,"quoteAmountPrecision":"1",
  "baseSizePrecision":"0.01","permissions":["SPOT"],"maxQuoteAmount":"2000000","makerCommission":"0",
  "takerCommission":"0.0005","tradeSideType":"1"}
]}`;

const info = exchangeInfoSchema.parse(parseJson(BODY));
const rules = rulesFromExchangeInfo(info, ["BTCUSDC", "SUIUSDC", "OLDUSDT"]);
const btc = rules.get("BTCUSDC")!;
const sui = rules.get("SUIUSDC")!;
const old = rules.get("OLDUSDT")!;
const d = (s: string) => new D(s);

describe("exchangeInfo filters and flags", () => {
  it("reads PERCENT_PRICE_BY_SIDE, ignores unknown filters, and reads quoteOrderQtyMarketAllowed and status", () => {
    expect(info.symbols[0]?.filters).toHaveLength(1);
    // Multipliers above 1 / below 1 as given; the stricter reading of 0.2 is the higher floor (1 − 0.2).
    expect(btc.priceBand?.buyMax?.toFixed()).toBe("5");
    expect(btc.priceBand?.sellMin?.toFixed()).toBe("0.8");
    expect(btc.priceBand?.buyMin).toBeNull();
    // Fractions: 0.1 above the price for a buy, 0.1 below it for a sell.
    expect(sui.priceBand?.buyMax?.toFixed()).toBe("1.1");
    expect(sui.priceBand?.sellMin?.toFixed()).toBe("0.9");
    expect(old.priceBand).toBeNull();
    expect(btc.quoteOrderQtyMarketAllowed).toBe(true);
    expect(sui.quoteOrderQtyMarketAllowed).toBe(false);
    // Absent (older answers): allowed wherever MARKET is.
    expect(old.quoteOrderQtyMarketAllowed).toBe(true);
    // "1" and "ENABLED" are online; "2" is paused.
    expect([btc.tradable, sui.tradable, old.tradable]).toEqual([true, true, false]);
  });

  it("refuses a limit price outside the band, with the band in the reason", () => {
    const ref = d("10");
    const over = checkOrder(sui, {
      side: "BUY",
      type: "LIMIT",
      quantity: d("1"),
      price: d("11.01"),
      marketPrice: ref,
    });
    expect(over).toMatchObject({ ok: false, reason: "outside-price-band" });
    if (!over.ok) expect(over.message).toContain("at most 11");
    const under = checkOrder(sui, {
      side: "SELL",
      type: "LIMIT",
      quantity: d("1"),
      price: d("8.99"),
      marketPrice: ref,
    });
    expect(under).toMatchObject({ ok: false, reason: "outside-price-band" });
    // Inside the band (a buy has no floor here), and without a reference price the band is not checked at all.
    for (const price of ["11", "9", "10.5"]) {
      expect(
        checkOrder(sui, { side: "BUY", type: "LIMIT", quantity: d("1"), price: d(price), marketPrice: ref })
          .ok,
      ).toBe(true);
    }
    expect(checkOrder(sui, { side: "BUY", type: "LIMIT", quantity: d("1"), price: d("50") }).ok).toBe(true);
    expect(
      checkOrder(sui, {
        side: "BUY",
        type: "LIMIT_MAKER",
        quantity: d("1"),
        price: d("12"),
        marketPrice: ref,
      }),
    ).toMatchObject({ ok: false, reason: "outside-price-band" });
  });

  it("refuses a MARKET buy by quote amount where quoteOrderQtyMarketAllowed is false", () => {
    expect(checkOrder(sui, { side: "BUY", type: "MARKET", quoteOrderQty: d("10") })).toMatchObject({
      ok: false,
      reason: "quote-order-qty-not-allowed",
    });
    expect(checkOrder(btc, { side: "BUY", type: "MARKET", quoteOrderQty: d("10") }).ok).toBe(true);
    // A MARKET sell by quantity is not a quote-amount order.
    expect(checkOrder(sui, { side: "SELL", type: "MARKET", quantity: d("5"), marketPrice: d("10") }).ok).toBe(
      true,
    );
  });

  it("refuses a symbol the API key may not trade once the key's list is known", () => {
    const limited = { ...btc, keyAllowed: false };
    expect(
      checkOrder(limited, { side: "BUY", type: "LIMIT", quantity: d("0.001"), price: d("60000") }),
    ).toMatchObject({ ok: false, reason: "not-allowed-for-key" });
  });
});

describe("clamping into the band", () => {
  const ref = d("10");
  it("moves a buy down (never up) and a sell up (never down), inside the band with room to spare", () => {
    const buy = clampToBand(sui.priceBand, sui.tick, "BUY", d("12"), ref);
    expect(buy).toMatchObject({ ok: true, clamped: true });
    if (buy.ok) {
      expect(buy.price.lte(d("11").mul(d("1").minus(BAND_SAFETY)))).toBe(true);
      expect(buy.price.toFixed()).toBe("10.978");
    }
    const sell = clampToBand(sui.priceBand, sui.tick, "SELL", d("8"), ref);
    expect(sell).toMatchObject({ ok: true, clamped: true });
    if (sell.ok) expect(sell.price.toFixed()).toBe("9.018");
    // Already inside: unchanged.
    expect(clampToBand(sui.priceBand, sui.tick, "BUY", d("10.01"), ref)).toMatchObject({
      ok: true,
      clamped: false,
    });
    // No band: unchanged.
    expect(clampToBand(null, sui.tick, "SELL", d("1"), ref)).toMatchObject({ ok: true, clamped: false });
  });

  it("gives up with the reason when no price on the tick fits", () => {
    const band = priceBandOf([
      {
        filterType: "PERCENT_PRICE_BY_SIDE",
        bidMultiplierUp: d("0.1"),
        bidMultiplierDown: d("0.95"),
        askMultiplierUp: null,
        askMultiplierDown: null,
      },
    ]);
    // A buy floor of 0.95 × 10 and a buy below it: raising a buy would pay more than meant, so it is refused.
    const r = clampToBand(band, d("0.01"), "BUY", d("9"), ref);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toContain("price band");
    expect(bandLimits(band, "BUY", ref).min?.toFixed()).toBe("9.5");
  });
});
