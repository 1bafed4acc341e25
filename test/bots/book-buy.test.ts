import { afterEach, describe, expect, it } from "vitest";
import { roundPrice } from "../../src/api/index.js";
import { type BookBuyRequest, bookBuy, describeBuy } from "../../src/bots/book-buy.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Proposals } from "../../src/trading/proposals.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

/** A fixed instant: the simulated market (spreads, 24 h changes) is the same on every run. */
const START = Date.UTC(2026, 0, 15, 12);
const POST_ORDER = "POST /api/v3/order";

async function setup() {
  // The market stands still on the simulator's virtual clock, so the book a test reads is the book the bot reads.
  ex = await startExchange({
    sim: {
      clock: new VirtualClock(START),
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000", USDT: "1000" } }],
    },
  });
  store = await tempStore();
  const clock = new RealClock();
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
  const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 10 });
  return { ex, store, treasury, orders };
}

const request = (over: Partial<BookBuyRequest> = {}): BookBuyRequest => ({
  bot: "buyer",
  symbol: "BTCUSDC",
  quote: new D(50),
  reason: "test",
  makerOffsetPct: new D("0.05"),
  attempts: 3,
  timeoutMs: 60_000,
  ...over,
});

async function bestOf(e: Exchange, symbol: string) {
  const book = await e.client.depth(symbol, 5);
  const ask = book.asks[0]?.price;
  const bid = book.bids[0]?.price;
  if (!ask || !bid) throw new Error(`empty book on ${symbol}`);
  return { ask, bid, spreadPct: ask.minus(bid).div(ask).mul(100) };
}

describe("book buy", () => {
  it("buys at the best ask when the spread is tight, within the quote fee included", async () => {
    const { ex, treasury, orders } = await setup();
    const { ask, spreadPct } = await bestOf(ex, "BTCUSDC");
    expect(spreadPct.lte("0.05")).toBe(true);

    const r = await bookBuy({ client: ex.client, treasury, orders }, request());
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    expect(r.order.maker).toBe(false);
    expect(r.entry.intent).toMatchObject({ symbol: "BTCUSDC", side: "BUY", type: "LIMIT" });
    expect(r.entry.intent.price).toBe(ask.toFixed());
    expect(r.entry.state).toBe("FILLED");
    const quantity = new D(r.entry.intent.quantity ?? "0");
    // Fee included (USDC books: 0.04 % at most), and no more than one step under the quote.
    expect(quantity.mul(ask).mul("1.0004").lte(50)).toBe(true);
    expect(quantity.plus("0.000001").mul(ask).mul("1.0004").gt(50)).toBe(true);
    expect(r.entry.expiresAt).toBe(r.entry.createdAt + 60_000);
    expect(describeBuy(r)).toMatch(/BUY [\d.]+ BTC at [\d.]+ USDC \(the ask, spread [\d.]+ %\).*: filled/);
  });

  it("bids as maker makerOffsetPct under the ask when the spread is wider, never at or above the ask", async () => {
    const { ex, treasury, orders } = await setup();
    // BTCUSDC's spread (~0.015 %) is wider than a 0.01 % offset.
    const { ask, bid, spreadPct } = await bestOf(ex, "BTCUSDC");
    expect(spreadPct.gt("0.01")).toBe(true);
    const rules = await ex.client.symbolRules("BTCUSDC");
    if (!rules) throw new Error("no rules");

    const r = await bookBuy(
      { client: ex.client, treasury, orders },
      request({ makerOffsetPct: new D("0.01") }),
    );
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    const price = new D(r.entry.intent.price ?? "0");
    expect(r.order.maker).toBe(true);
    expect(price.toFixed()).toBe(roundPrice(rules, ask.mul("0.9999"), "BUY").toFixed());
    expect(price.lt(ask)).toBe(true);
    expect(price.gt(bid)).toBe(true);
    // Inside the spread: it rests.
    expect(r.entry.state).toBe("OPEN");
    expect(describeBuy(r)).toMatch(/maker under the ask/);
  });

  it("bids as maker on a wide alt book with the default offset", async () => {
    const { ex, treasury, orders } = await setup();
    const { ask, spreadPct } = await bestOf(ex, "ADAUSDC");
    expect(spreadPct.gt("0.05")).toBe(true);
    const rules = await ex.client.symbolRules("ADAUSDC");
    if (!rules) throw new Error("no rules");
    const r = await bookBuy(
      { client: ex.client, treasury, orders },
      request({ symbol: "ADAUSDC", quote: new D(20) }),
    );
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    expect(r.entry.intent.price).toBe(roundPrice(rules, ask.mul("0.9995"), "BUY").toFixed());
    expect(new D(r.entry.intent.price ?? "0").lt(ask)).toBe(true);
  });

  it("retries a rejected placement, re-pricing from the book each time", async () => {
    const { ex, treasury, orders } = await setup();
    ex.sim.faults.failNext(POST_ORDER, {
      status: 400,
      count: 2,
      body: { code: 10101, msg: "Insufficient balance" },
    });
    ex.sim.stats.reset();
    const r = await bookBuy({ client: ex.client, treasury, orders }, request());
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    expect(r.attempt).toBe(3);
    expect(r.rejections).toHaveLength(2);
    expect(orders.entries().map((e) => e.state)).toEqual(["REJECTED", "REJECTED", "FILLED"]);
    expect(ex.sim.stats.requests["GET /api/v3/depth"]).toBe(3);
    expect(ex.sim.stats.ordersCreated).toBe(1);
    expect(describeBuy(r)).toMatch(/after 2 rejected/);
  });

  it("gives up after `attempts` rejections and holds no funds", async () => {
    const { ex, treasury, orders } = await setup();
    ex.sim.faults.failNext(POST_ORDER, {
      status: 400,
      count: 5,
      body: { code: 10101, msg: "Insufficient balance" },
    });
    ex.sim.stats.reset();
    const r = await bookBuy({ client: ex.client, treasury, orders }, request());
    expect(r.kind).toBe("rejected");
    expect(ex.sim.stats.requests[POST_ORDER]).toBe(3);
    expect(ex.sim.stats.ordersCreated).toBe(0);
    expect(treasury.openLeases).toHaveLength(0);
    expect(describeBuy(r)).toMatch(/rejected 3 time\(s\), giving up/);
  });

  it("never resends an order whose outcome is unknown", async () => {
    const { ex, treasury, orders } = await setup();
    ex.sim.faults.acceptThen("503");
    ex.sim.stats.reset();
    const r = await bookBuy({ client: ex.client, treasury, orders }, request({ attempts: 3 }));
    if (r.kind !== "unknown") throw new Error(describeBuy(r));
    expect(r.entry.state).toBe("UNKNOWN");
    expect(r.rejections).toHaveLength(0);
    // One intent in the journal, one order on the exchange (which did take it): a resend would have bought twice.
    expect(orders.entries()).toHaveLength(1);
    expect(ex.sim.stats.ordersCreated).toBe(1);
    // Its funds stay reserved until the lookup resolves it.
    expect(treasury.openLeases).toHaveLength(1);
    expect(describeBuy(r)).toMatch(/outcome unknown/);
  });

  it("checks the exchange's minimums and the bot's minimum quantity before any order request", async () => {
    const { ex, treasury, orders } = await setup();
    ex.sim.stats.reset();
    // USDC books want 5 USDC at least.
    const small = await bookBuy({ client: ex.client, treasury, orders }, request({ quote: new D(4) }));
    expect(small.kind).toBe("skipped");
    expect(describeBuy(small)).toMatch(/minimum|at least/i);
    // 5.5 USDC buys ~0.00009 BTC: over the exchange's minimums, under the bot's 0.0001.
    const dust = await bookBuy(
      { client: ex.client, treasury, orders },
      request({ quote: new D("5.5"), minQuantity: new D("0.0001") }),
    );
    expect(dust.kind).toBe("skipped");
    expect(describeBuy(dust)).toMatch(/under the minimum 0\.0001 BTC/);
    expect(ex.sim.stats.requests[POST_ORDER]).toBeUndefined();
    expect(treasury.openLeases).toHaveLength(0);
  });

  it("does not retry a refusal, and skips what the treasury cannot fund", async () => {
    const { ex, treasury, orders } = await setup();
    ex.sim.stats.reset();
    const poor = await bookBuy({ client: ex.client, treasury, orders }, request({ quote: new D(5000) }));
    expect(poor.kind).toBe("skipped");
    expect(describeBuy(poor)).toMatch(/treasury: buyer asked for/);

    await orders.activateKillSwitch("test");
    const r = await bookBuy({ client: ex.client, treasury, orders }, request());
    expect(r.kind).toBe("refused");
    expect(describeBuy(r)).toMatch(/refused: the kill switch is on/);
    expect(ex.sim.stats.requests[POST_ORDER]).toBeUndefined();
  });

  it("through a proposal placer: queues the order, sends nothing", async () => {
    const { ex, store, treasury, orders } = await setup();
    const clock = new RealClock();
    const proposals = new Proposals({
      store,
      clock,
      client: ex.client,
      orders,
      treasury,
      expiryMs: 300_000,
      maxPriceDriftPct: new D(1),
    });
    ex.sim.stats.reset();
    const r = await bookBuy(
      { client: ex.client, treasury, orders: proposals.placerFor(false, orders) },
      request(),
    );
    if (r.kind !== "proposed") throw new Error(describeBuy(r));
    expect(r.fresh).toBe(true);
    expect(proposals.pending()).toHaveLength(1);
    expect(proposals.pending()[0]?.intent).toMatchObject({ symbol: "BTCUSDC", side: "BUY", type: "LIMIT" });
    expect(ex.sim.stats.requests[POST_ORDER]).toBeUndefined();
    expect(treasury.openLeases).toHaveLength(0);
  });
});
