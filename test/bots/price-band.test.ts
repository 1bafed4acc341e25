import { afterEach, describe, expect, it } from "vitest";
import { MexcClient, type Transport } from "../../src/api/index.js";
import { type BookBuyRequest, bookBuy, describeBuy } from "../../src/bots/book-buy.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

/**
 * The book buy against MEXC's price band. The simulator serves no band (yet), so its exchangeInfo answer gets a
 * PERCENT_PRICE_BY_SIDE filter on BTCUSDC, shaped as the real answers carry it; everything else is the simulator.
 */

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
let client: MexcClient | undefined;
afterEach(async () => {
  client?.close();
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
  client = undefined;
});

const START = Date.UTC(2026, 0, 15, 12);

async function setup(filter: Record<string, string>) {
  ex = await startExchange({
    sim: {
      clock: new VirtualClock(START),
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000" } }],
    },
  });
  const clock = new RealClock();
  const sim = inProcessTransport(ex.sim, clock);
  const transport: Transport = {
    async send(req) {
      const res = await sim.send(req);
      if (new URL(req.url).pathname !== "/api/v3/exchangeInfo") return res;
      const body = JSON.parse(res.body) as { symbols: { symbol: string; filters?: unknown[] }[] };
      for (const s of body.symbols)
        if (s.symbol === "BTCUSDC") s.filters = [{ filterType: "PERCENT_PRICE_BY_SIDE", ...filter }];
      return { ...res, body: JSON.stringify(body) };
    },
  };
  client = new MexcClient({
    baseUrl: "http://in-process.test",
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    transport,
  });
  store = await tempStore();
  const treasury = new Treasury({ source: accountBalanceSource(client, clock), clock });
  const orders = new OrderManager({ client, store, clock, treasury, maxOpenOrders: 10 });
  return { ex, client, treasury, orders };
}

const request = (over: Partial<BookBuyRequest> = {}): BookBuyRequest => ({
  bot: "buyer",
  symbol: "BTCUSDC",
  quote: new D(50),
  reason: "test",
  makerOffsetPct: new D("0.05"),
  attempts: 1,
  timeoutMs: 60_000,
  ...over,
});

describe("book buy inside MEXC's price band", () => {
  it("prices down into the band when the ask is above it, and says so", async () => {
    // A buy may be at most 0.001 % above the current price: the ask (above the mid) is outside.
    const { client, treasury, orders } = await setup({
      bidMultiplierUp: "0.00001",
      askMultiplierDown: "0.2",
    });
    const book = await client.depth("BTCUSDC", 5);
    const ask = book.asks[0]?.price ?? new D(0);
    const bid = book.bids[0]?.price ?? new D(0);
    const mid = ask.plus(bid).div(2);
    const r = await bookBuy({ client, treasury, orders }, request());
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    const price = new D(r.entry.intent.price ?? "0");
    expect(price.lte(mid.mul("1.00001"))).toBe(true);
    expect(price.lt(ask)).toBe(true);
    expect(r.order.clamped).toBe(true);
    expect(describeBuy(r)).toContain("price band");
  });

  it("leaves a price inside the band as it was", async () => {
    const { client, treasury, orders } = await setup({ bidMultiplierUp: "5", askMultiplierDown: "0.2" });
    const ask = (await client.depth("BTCUSDC", 5)).asks[0]?.price;
    const r = await bookBuy({ client, treasury, orders }, request());
    if (r.kind !== "placed") throw new Error(describeBuy(r));
    expect(r.order.clamped).toBe(false);
    expect(r.entry.intent.price).toBe(ask?.toFixed());
  });

  it("skips with the reason, sending nothing, when no price on the tick fits the band", async () => {
    const { ex, client, treasury, orders } = await setup({
      bidMultiplierUp: "0.00001",
      bidMultiplierDown: "0.99999",
    });
    const before = ex.sim.stats.requests["POST /api/v3/order"] ?? 0;
    const r = await bookBuy({ client, treasury, orders }, request());
    expect(r.kind).toBe("skipped");
    expect(describeBuy(r)).toContain("price band");
    expect(ex.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(before);
  });

  it("the order manager refuses a limit buy above the band when given the reference price", async () => {
    const { client, orders } = await setup({ bidMultiplierUp: "0.01" });
    const out = await orders.place({
      bot: "buyer",
      reason: "too high",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      price: new D("60700"),
      quantity: new D("0.0001"),
      marketPrice: new D("60000"),
    });
    expect(out.kind).toBe("refused");
    if (out.kind === "refused") expect(out.reason).toContain("above BTCUSDC's price band (at most 60600");
    expect(client).toBeDefined();
  });
});
