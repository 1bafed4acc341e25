import { describe, expect, it } from "vitest";
import { D } from "../../src/api/decimal.js";
import {
  isOnStep,
  roundPrice,
  roundQuantity,
  roundQuoteAmount,
  roundToStep,
} from "../../src/api/rounding.js";
import { checkOrder, rulesFromSymbol, type SymbolRules } from "../../src/api/symbol-rules.js";
import { seeded } from "./random.js";
import { symbolInfo } from "./rules-fixtures.js";

const api = new Set(["BTCUSDT"]);
const btc = rulesFromSymbol(symbolInfo(), api);

describe("symbol rules from exchangeInfo", () => {
  it("derives step, tick, minimums and maximums the way ccxt and Hummingbot read them", () => {
    expect(btc.step.toFixed()).toBe("0.000001");
    expect(btc.tick.toFixed()).toBe("0.01");
    expect(btc.minQty.toFixed()).toBe("0.000001");
    expect(btc.minNotional.toFixed()).toBe("1");
    expect(btc.maxQuote?.toFixed()).toBe("2000000");
    expect(btc.maxQuoteMarket?.toFixed()).toBe("100000");
    expect(btc.tradeSide).toBe("all");
    expect(btc.tradable).toBe(true);
  });

  it("takes the coarser tick when quotePrecision and quoteAssetPrecision differ", () => {
    const r = rulesFromSymbol(symbolInfo({ quotePrecision: 3, quoteAssetPrecision: 5 }), api);
    expect(r.tick.toFixed()).toBe("0.001");
  });

  it("is not tradable when offline, not allowed for spot, or missing from defaultSymbols", () => {
    expect(rulesFromSymbol(symbolInfo({ status: "2" }), api).tradable).toBe(false);
    expect(rulesFromSymbol(symbolInfo({ isSpotTradingAllowed: false }), api).tradable).toBe(false);
    expect(rulesFromSymbol(symbolInfo(), new Set()).tradable).toBe(false);
    expect(rulesFromSymbol(symbolInfo({ tradeSideType: "3" }), api).tradeSide).toBe("sell-only");
    expect(rulesFromSymbol(symbolInfo({ tradeSideType: "9" }), api).tradeSide).toBe("closed");
  });
});

describe("rounding", () => {
  it("rounds quantities down, prices by side, quote amounts down", () => {
    expect(roundQuantity(btc, new D("0.1234567")).toFixed()).toBe("0.123456");
    expect(roundPrice(btc, new D("60000.019"), "BUY").toFixed()).toBe("60000.01");
    expect(roundPrice(btc, new D("60000.011"), "SELL").toFixed()).toBe("60000.02");
    expect(roundPrice(btc, new D("60000.015"), "nearest").toFixed()).toBe("60000.02");
    expect(roundQuoteAmount(btc, new D("10.999")).toFixed()).toBe("10.99");
  });

  it("sends fixed notation for tiny values (toString could give 1e-7)", () => {
    const tiny = roundToStep(new D("0.00000012"), new D("0.0000001"), "down");
    expect(tiny.toFixed()).toBe("0.0000001");
  });

  it("property: rounded values sit on the grid and never exceed the input quantity", () => {
    const rnd = seeded(7);
    for (let i = 0; i < 2000; i++) {
      const bp = rnd.int(0, 10);
      const qp = rnd.int(0, 10);
      const rules = rulesFromSymbol(
        symbolInfo({ baseAssetPrecision: bp, quotePrecision: qp, quoteAssetPrecision: qp }),
        api,
      );
      const qty = randomDecimal(rnd);
      const price = randomDecimal(rnd);
      const q = roundQuantity(rules, qty);
      expect(isOnStep(q, rules.step)).toBe(true);
      expect(q.lte(qty)).toBe(true);
      expect(qty.minus(q).lt(rules.step)).toBe(true);
      const buy = roundPrice(rules, price, "BUY");
      const sell = roundPrice(rules, price, "SELL");
      expect(isOnStep(buy, rules.tick) && isOnStep(sell, rules.tick)).toBe(true);
      expect(buy.lte(price) && sell.gte(price)).toBe(true);
      expect(sell.minus(buy).lte(rules.tick)).toBe(true);
      expect(/e/i.test(q.toFixed())).toBe(false);
    }
  });
});

function randomDecimal(rnd: ReturnType<typeof seeded>): InstanceType<typeof D> {
  const intPart = rnd.int(0, 10 ** rnd.int(0, 6));
  const frac = String(rnd.int(0, 999_999_999)).padStart(9, "0") + String(rnd.int(0, 999_999));
  return new D(`${intPart}.${frac}`);
}

describe("checkOrder", () => {
  const limit = (quantity: string, price: string, side: "BUY" | "SELL" = "BUY") =>
    ({ side, type: "LIMIT", quantity: new D(quantity), price: new D(price) }) as const;

  it("accepts a rounded order above the minimums and reports its notional", () => {
    const r = checkOrder(btc, limit("0.001", "60000"));
    expect(r).toEqual({ ok: true, notional: new D("60") });
  });

  it.each([
    [
      "below-min-quantity",
      rulesFromSymbol(symbolInfo({ baseSizePrecision: new D("0.01") }), api),
      limit("0.001", "60000"),
    ],
    ["below-min-notional", btc, limit("0.00001", "60000")],
    ["above-max-notional", btc, limit("100", "60000")],
    ["quantity-precision", btc, limit("0.0000001", "60000")],
    ["price-precision", btc, limit("0.001", "60000.001")],
    ["not-tradable", rulesFromSymbol(symbolInfo(), new Set()), limit("0.001", "60000")],
    [
      "side-not-allowed",
      rulesFromSymbol(symbolInfo({ tradeSideType: "2" }), api),
      limit("0.001", "60000", "SELL"),
    ],
  ] as [string, SymbolRules, ReturnType<typeof limit>][])(
    "rejects %s with a reason before any request",
    (reason, rules, order) => {
      const r = checkOrder(rules, order);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(r.message).toMatch(/BTCUSDT|multiple|orders/);
      }
    },
  );

  it("rejects order types the symbol does not list, and checks market buys by quote amount", () => {
    const r = checkOrder(btc, { side: "BUY", type: "FILL_OR_KILL", quantity: new D("1"), price: new D("1") });
    expect(r.ok || r.reason).toBe("order-type-not-allowed");
    expect(checkOrder(btc, { side: "BUY", type: "MARKET", quoteOrderQty: new D("0.5") })).toMatchObject({
      ok: false,
      reason: "below-min-notional",
    });
    expect(checkOrder(btc, { side: "BUY", type: "MARKET", quoteOrderQty: new D("10.001") })).toMatchObject({
      ok: false,
      reason: "quote-precision",
    });
    expect(checkOrder(btc, { side: "BUY", type: "MARKET", quoteOrderQty: new D("10") })).toMatchObject({
      ok: true,
    });
    expect(
      checkOrder(btc, {
        side: "SELL",
        type: "MARKET",
        quantity: new D("0.00001"),
        marketPrice: new D("60000"),
      }),
    ).toMatchObject({
      ok: false,
      reason: "below-min-notional",
    });
  });
});
