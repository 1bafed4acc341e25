import { afterEach, describe, expect, it } from "vitest";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { type OrderIntent, OrderManager } from "../../src/trading/order-manager.js";
import { ownOrderCrossed } from "../../src/trading/self-trade.js";
import { startExchange, tempStore } from "../support/exchange.js";

type Exchange = Awaited<ReturnType<typeof startExchange>>;

let ex: Exchange | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

async function setup() {
  ex = await startExchange({
    sim: {
      accounts: [
        { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDC: "100000", BTC: "1" } },
      ],
    },
  });
  store = await tempStore();
  const om = new OrderManager({ client: ex.client, store, clock: new RealClock(), maxOpenOrders: 10 });
  const rules = await ex.client.symbolRules("BTCUSDC");
  if (!rules) throw new Error("no BTCUSDC rules");
  return { ex, om, rules };
}

const POST = "POST /api/v3/order";

describe("self-trade prevention where the order manager accepts orders", () => {
  it("the seller's sell that would meet the buyer's resting buy is refused; nothing trades with itself", async () => {
    const { ex, om, rules } = await setup();
    const market = new D(ex.sim.market.price("BTCUSDC"));
    // The balance buyer rests a maker buy 1 % under the market.
    const bid = market.mul("0.99").toNearest(rules.tick, D.ROUND_DOWN);
    const buy = await om.place({
      bot: "buyer",
      reason: "balance buy",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      price: bid,
      quantity: new D("0.001"),
    });
    expect(buy).toMatchObject({ kind: "placed", entry: { state: "OPEN" } });
    const postsBefore = ex.sim.stats.requests[POST] ?? 0;

    const sellAt = (price: D | undefined): OrderIntent => ({
      bot: "pnlseller",
      reason: "take profit",
      symbol: "BTCUSDC",
      side: "SELL",
      ...(price ? { type: "LIMIT" as const, price } : { type: "MARKET" as const }),
      quantity: new D("0.001"),
      ...(price ? {} : { marketPrice: market }),
    });
    // At the buy's price, under it, and a MARKET sell: each would take our own bid.
    for (const price of [bid, bid.minus(rules.tick.mul(10)), undefined]) {
      const out = await om.place(sellAt(price));
      expect(out.kind).toBe("refused");
      if (out.kind === "refused") {
        expect(out.reason).toContain("self-trade prevention");
        expect(out.reason).toContain(bid.toFixed());
        expect(out.reason).toContain("bot buyer");
      }
    }
    expect(ex.sim.stats.requests[POST] ?? 0).toBe(postsBefore);
    expect(await ex.client.myTrades("BTCUSDC")).toEqual([]);

    // Above the bid it crosses nothing of ours: sent, and still no trade between our two orders.
    const above = await om.place(sellAt(market.mul("1.05").toNearest(rules.tick, D.ROUND_UP)));
    expect(above).toMatchObject({ kind: "placed" });
    expect(await ex.client.myTrades("BTCUSDC")).toEqual([]);

    // Once the buy is gone, the same sell at the old bid is sent (it takes the market's bids, not ours).
    if (buy.kind !== "placed") throw new Error("unreachable");
    await om.cancel(buy.entry.clientOrderId, "test: the buyer cancels");
    const later = await om.place(sellAt(bid));
    expect(later.kind).toBe("placed");
  });

  it("a buy is refused against our own resting sell at or under its price, a MARKET buy against any", async () => {
    const { ex, om, rules } = await setup();
    const market = new D(ex.sim.market.price("BTCUSDC"));
    const ask = market.mul("1.02").toNearest(rules.tick, D.ROUND_UP);
    const sell = await om.place({
      bot: "pnlseller",
      reason: "take profit",
      symbol: "BTCUSDC",
      side: "SELL",
      type: "LIMIT",
      price: ask,
      quantity: new D("0.001"),
    });
    expect(sell).toMatchObject({ kind: "placed", entry: { state: "OPEN" } });
    const who = { bot: "buyer", reason: "balance buy", symbol: "BTCUSDC", side: "BUY" } as const;
    const buy = (over: { price: D }): OrderIntent => ({
      ...who,
      type: "LIMIT",
      quantity: new D("0.001"),
      ...over,
    });
    expect((await om.place(buy({ price: ask }))).kind).toBe("refused");
    expect((await om.place({ ...who, type: "MARKET", quoteOrderQty: new D("20") })).kind).toBe("refused");
    // Another symbol, or under our ask: not our own order in the way.
    expect(
      (await om.place(buy({ price: market.mul("0.98").toNearest(rules.tick, D.ROUND_DOWN) }))).kind,
    ).toBe("placed");
    expect(await ex.client.myTrades("BTCUSDC")).toEqual([]);
  });
});

describe("two bots placing at the same moment", () => {
  it("cannot both pass the check: one crossing pair gives one order and one refusal", async () => {
    const { ex, om, rules } = await setup();
    const price = new D(ex.sim.market.price("BTCUSDC")).mul("0.97").toNearest(rules.tick, D.ROUND_DOWN);
    const order = (bot: string, side: "BUY" | "SELL"): OrderIntent => ({
      bot,
      reason: "same moment",
      symbol: "BTCUSDC",
      side,
      type: "LIMIT",
      price: side === "BUY" ? price : price.minus(rules.tick),
      quantity: new D("0.001"),
    });
    const outs = await Promise.all([om.place(order("buyer", "BUY")), om.place(order("pnlseller", "SELL"))]);
    expect(outs.map((o) => o.kind).sort()).toEqual(["placed", "refused"]);
    expect(await ex.client.myTrades("BTCUSDC")).toEqual([]);
  });
});

describe("which of our orders a new one would cross", () => {
  const entry = (side: "BUY" | "SELL", price: string | undefined, state = "OPEN", type = "LIMIT") =>
    ({
      clientOrderId: `x-${side}-${price}-${state}`,
      bot: "b",
      reason: "r",
      intent: { symbol: "BTCUSDC", side, type, ...(price ? { price } : {}), quantity: "1" },
      state,
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: 0,
      updatedAt: 0,
      notFound: 0,
      transitions: [],
    }) as never;
  const buy = (price?: string) => ({
    symbol: "BTCUSDC",
    side: "BUY" as const,
    type: price ? "LIMIT" : "MARKET",
    ...(price ? { price: new D(price) } : {}),
  });

  it("counts orders that may rest (open, partly filled, pending, unknown), never final ones or market ones", () => {
    for (const state of ["OPEN", "PARTIALLY_FILLED", "PENDING", "UNKNOWN"])
      expect(ownOrderCrossed(buy("100"), [entry("SELL", "100", state)])).toBeDefined();
    for (const state of ["FILLED", "CANCELED", "PARTIALLY_CANCELED", "REJECTED", "LOST"])
      expect(ownOrderCrossed(buy("100"), [entry("SELL", "100", state)])).toBeUndefined();
    expect(ownOrderCrossed(buy("100"), [entry("SELL", undefined, "UNKNOWN", "MARKET")])).toBeUndefined();
  });

  it("compares prices by side, and ignores the same side and other symbols", () => {
    expect(ownOrderCrossed(buy("99.99"), [entry("SELL", "100")])).toBeUndefined();
    expect(ownOrderCrossed(buy(), [entry("SELL", "100000")])).toBeDefined();
    expect(ownOrderCrossed(buy("100"), [entry("BUY", "100")])).toBeUndefined();
    const sell = { symbol: "BTCUSDC", side: "SELL" as const, type: "LIMIT", price: new D("100") };
    expect(ownOrderCrossed(sell, [entry("BUY", "100")])).toBeDefined();
    expect(ownOrderCrossed(sell, [entry("BUY", "99.99")])).toBeUndefined();
    expect(ownOrderCrossed({ ...sell, symbol: "ETHUSDC" }, [entry("BUY", "100")])).toBeUndefined();
  });
});
