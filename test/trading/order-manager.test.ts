import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { type OrderIntent, OrderManager } from "../../src/trading/order-manager.js";
import { eventually, startExchange, tempStatePath, tempStore } from "../support/exchange.js";
import { journalOnDisk } from "../support/journal-entry.js";

type Exchange = Awaited<ReturnType<typeof startExchange>>;

let ex: Exchange | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

async function setup(
  opts: {
    path?: string;
    simClock?: VirtualClock;
    balances?: Record<string, string>;
    lookup?: ConstructorParameters<typeof OrderManager>[0]["lookup"];
  } = {},
) {
  ex = await startExchange({
    sim: {
      ...(opts.simClock ? { clock: opts.simClock } : {}),
      ...(opts.balances
        ? { accounts: [{ apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: opts.balances }] }
        : {}),
    },
  });
  store = await tempStore(opts.path);
  const clock = new RealClock();
  const om = new OrderManager({
    client: ex.client,
    store,
    clock,
    maxOpenOrders: 10,
    lookup: {
      backoffMs: [50, 100],
      lostAfterNotFound: 3,
      lostAfterMs: 300,
      lostRecheckMs: 100,
      ...opts.lookup,
    },
  });
  return { ex, store, om, clock };
}

const POST = "POST /api/v3/order";
const posts = (e: Exchange) => e.sim.stats.requests[POST] ?? 0;

/** A market buy of 10 USDC of BTC. */
const marketBuy: OrderIntent = {
  bot: "scanner",
  reason: "test buy",
  symbol: "BTCUSDC",
  side: "BUY",
  type: "MARKET",
  quoteOrderQty: new D("10"),
};

async function limitBuyBelowMarket(e: Exchange, factor = "0.9"): Promise<OrderIntent> {
  const rules = await e.client.symbolRules("BTCUSDC");
  if (!rules) throw new Error("no rules");
  const price = new D(e.sim.market.price("BTCUSDC")).mul(factor).toNearest(rules.tick, D.ROUND_DOWN);
  const quantity = new D(20).div(price).toNearest(rules.step, D.ROUND_UP);
  return {
    bot: "buyer",
    reason: "test limit",
    symbol: "BTCUSDC",
    side: "BUY",
    type: "LIMIT",
    price,
    quantity,
  };
}

describe("order manager: the normal life of an order", () => {
  it("journals PENDING before sending, then records OPEN and FILLED for a market buy", async () => {
    const { om, store, ex } = await setup();
    const out = await om.place(marketBuy);
    expect(out.kind).toBe("placed");
    if (out.kind !== "placed") return;
    expect(out.entry.state).toBe("FILLED");
    expect(out.entry.transitions.map((t) => t.to)).toEqual(["PENDING", "OPEN", "FILLED"]);
    expect(new D(out.entry.cummulativeQuoteQty).gt(9)).toBe(true);
    expect(ex.sim.stats.ordersByClientId[out.entry.clientOrderId]).toBe(1);
    expect(journalOnDisk(store.path).get(out.entry.clientOrderId)?.state).toBe("FILLED");
  });

  it("has the entry on disk while the POST is still in the air", async () => {
    const { om, store, ex } = await setup();
    ex.sim.faults.acceptThen("stall", { count: 1, stallMs: 400 });
    const placing = om.place(marketBuy);
    await eventually(() => (ex.sim.stats.ordersCreated ?? 0) > 0);
    const states = [...journalOnDisk(store.path).values()].map((e) => e.state);
    expect(states).toEqual(["PENDING"]);
    await placing;
  });

  it("refuses an order the symbol rules would reject, without sending anything", async () => {
    const { om, ex } = await setup();
    const out = await om.place({ ...marketBuy, quoteOrderQty: new D("0.5") });
    expect(out.kind).toBe("refused");
    expect(posts(ex)).toBe(0);
    expect(om.entries()).toHaveLength(0);
  });

  it("records a rejection with the exchange's reason and sends once", async () => {
    const { om, ex } = await setup();
    const out = await om.place({ ...marketBuy, quoteOrderQty: new D("5000") });
    expect(out.kind).toBe("rejected");
    if (out.kind !== "rejected") return;
    expect(out.entry.state).toBe("REJECTED");
    expect(out.error.kind).toBe("insufficient-funds");
    expect(posts(ex)).toBe(1);
  });

  it("enforces the kill switch and max open orders for every bot", async () => {
    const { om, ex } = await setup();
    await om.activateKillSwitch("test");
    expect((await om.place(marketBuy)).kind).toBe("refused");
    await om.releaseKillSwitch();
    expect((await om.place(marketBuy)).kind).toBe("placed");
    const small = new OrderManager({
      client: ex.client,
      store: store!,
      clock: new RealClock(),
      maxOpenOrders: 1,
    });
    const first = await small.place(await limitBuyBelowMarket(ex));
    expect(first.kind).toBe("placed");
    const second = await small.place(await limitBuyBelowMarket(ex, "0.8"));
    expect(second).toMatchObject({ kind: "refused" });
  });
});

describe("order manager: unknown outcomes are resolved by lookup, never by resending", () => {
  it.each(["503", "drop", "stall"] as const)(
    "accept then %s → UNKNOWN → resolved; exactly one order",
    async (mode) => {
      const { om, ex } = await setup();
      ex.sim.faults.acceptThen(mode, { count: 1, stallMs: 2_000 });
      const out = await om.place(marketBuy);
      expect(out.kind).toBe("unknown");
      const id = out.kind === "unknown" ? out.entry.clientOrderId : "";
      await eventually(async () => {
        await om.poll();
        return om.entry(id)?.state === "FILLED";
      });
      expect(posts(ex)).toBe(1);
      expect(ex.sim.stats.ordersByClientId[id]).toBe(1);
      expect(om.entry(id)?.transitions.map((t) => t.to)).toEqual(["PENDING", "UNKNOWN", "FILLED"]);
    },
  );

  it("an order the exchange never stored ends LOST after several not-found lookups over time", async () => {
    const { om, ex } = await setup();
    ex.sim.faults.failNext(POST, { count: 1, status: 503, body: { code: -1003, msg: "Internal error" } });
    const t0 = Date.now();
    const out = await om.place(marketBuy);
    expect(out.kind).toBe("unknown");
    const id = out.kind === "unknown" ? out.entry.clientOrderId : "";
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "LOST";
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(om.entry(id)?.notFound).toBeGreaterThanOrEqual(3);
    expect(posts(ex)).toBe(1);
    expect(ex.sim.stats.ordersCreated).toBe(0);
  });

  it("an order hidden for less than the LOST threshold is found without ever being called LOST", async () => {
    const { om, ex } = await setup({
      lookup: { backoffMs: [50, 100], lostAfterNotFound: 3, lostAfterMs: 5_000 },
    });
    ex.sim.faults.acceptThen("503", { count: 1 });
    ex.sim.faults.hideOrders(600, { count: 1 });
    const out = await om.place(marketBuy);
    const id = out.kind === "unknown" ? out.entry.clientOrderId : "";
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "FILLED";
    });
    expect(om.entry(id)?.transitions.map((t) => t.to)).toEqual(["PENDING", "UNKNOWN", "FILLED"]);
    expect(om.entry(id)?.notFound).toBeGreaterThanOrEqual(1);
    expect(posts(ex)).toBe(1);
  });

  it("an order hidden for a while stays followed, and one hidden longer is LOST then found", async () => {
    const { om, ex } = await setup();
    ex.sim.faults.acceptThen("503", { count: 1 });
    ex.sim.faults.hideOrders(1_000, { count: 1 });
    const out = await om.place(marketBuy);
    const id = out.kind === "unknown" ? out.entry.clientOrderId : "";
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "LOST";
    });
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "FILLED";
    });
    expect(om.entry(id)?.transitions.map((t) => t.to)).toEqual(["PENDING", "UNKNOWN", "LOST", "FILLED"]);
    expect(posts(ex)).toBe(1);
  });
});

describe("order manager: resting orders", () => {
  it("a timed-out limit order is cancelled and ends CANCELED", async () => {
    const { om } = await setup();
    const req = { ...(await limitBuyBelowMarket(ex!)), timeoutMs: 150 };
    const out = await om.place(req);
    expect(out.kind === "placed" && out.entry.state).toBe("OPEN");
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "CANCELED";
    });
  });

  it("a cancel that races a fill (-2011) ends in the true final state", async () => {
    // The simulator's market moves only when its clock is advanced.
    const simClock = new VirtualClock(Date.now());
    const { om, ex } = await setup({ simClock });
    const out = await om.place(await limitBuyBelowMarket(ex, "0.97"));
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    expect(om.entry(id)?.state).toBe("OPEN");
    // The market falls through the order's price; the exchange answers our cancel with -2011.
    ex.sim.market.regime("BTCUSDC", {
      kind: "dip",
      startMs: ex.sim.serverTime(),
      durationMs: 60_000,
      change: -0.2,
    });
    await simClock.advance(5 * 60_000);
    await ex.sim.market.tick();
    ex.sim.faults.failNext("DELETE /api/v3/order", {
      count: 1,
      status: 400,
      body: { code: -2011, msg: "Unknown order" },
    });
    await om.cancel(id, "test cancel");
    expect(om.entry(id)?.state).toBe("FILLED");
  });
});

describe("order manager: stop + cancel", () => {
  it("cancels an order whose outcome was unknown at the stop once it is found resting", async () => {
    const { om, store } = await setup();
    ex?.sim.faults.acceptThen("503", { count: 1 });
    const out = await om.place(await limitBuyBelowMarket(ex!));
    expect(out.kind).toBe("unknown");
    const id = out.kind === "unknown" ? out.entry.clientOrderId : "";
    await om.activateKillSwitch("test: stop + cancel", { cancelOpen: true });
    // Not cancelled yet: nobody knew it rested. Found OPEN by the next lookups, then cancelled by the same pass.
    expect(om.entry(id)?.state).toBe("UNKNOWN");
    expect(store.state.killSwitch).toMatchObject({ active: true, cancelOpen: true });
    await eventually(async () => {
      await om.poll();
      return om.entry(id)?.state === "CANCELED";
    });
    expect(om.entry(id)?.transitions.map((t) => t.to)).toEqual(["PENDING", "UNKNOWN", "OPEN", "CANCELED"]);
    expect(ex?.sim.stats.requests["DELETE /api/v3/order"]).toBe(1);
    await om.releaseKillSwitch();
    expect(store.state.killSwitch).toEqual({ active: false });
  });

  it("a plain stop leaves a resting order resting", async () => {
    const { om } = await setup();
    const out = await om.place(await limitBuyBelowMarket(ex!));
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    await om.activateKillSwitch("test: stop");
    await om.poll();
    await om.poll();
    expect(om.entry(id)?.state).toBe("OPEN");
    expect(ex?.sim.stats.requests["DELETE /api/v3/order"] ?? 0).toBe(0);
  });
});

describe("order manager: restart", () => {
  it("resolves PENDING entries by lookup and adopts orders of ours it did not know", async () => {
    const path = tempStatePath();
    const { ex, store: s } = await setup({ path });
    // A POST that left before a crash: the order exists, the journal still says PENDING.
    const sentId = "scanner-000000000abcdef";
    await ex.client.newOrder({
      symbol: "BTCUSDC",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("10"),
      clientOrderId: sentId,
    });
    // A POST that never left: PENDING with no order.
    const unsentId = "scanner-000000000unsent";
    // Both in the journal as the version before this one kept it: inside state.json.
    for (const id of [sentId, unsentId]) {
      await s.update((st) => {
        st.journal[id] = {
          clientOrderId: id,
          bot: "scanner",
          reason: "before the crash",
          intent: { symbol: "BTCUSDC", side: "BUY", type: "MARKET", quoteOrderQty: "10" },
          state: "PENDING",
          executedQty: "0",
          cummulativeQuoteQty: "0",
          createdAt: Date.now(),
          updatedAt: Date.now(),
          notFound: 0,
          transitions: [{ at: Date.now(), from: null, to: "PENDING", note: "before the crash" }],
        };
      });
    }
    // An order of ours the journal never knew (restored backup).
    const strangerReq = await limitBuyBelowMarket(ex);
    const strangerId = "buyer-000000000stran9";
    await ex.client.newOrder({
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: strangerReq.quantity!,
      price: strangerReq.price!,
      clientOrderId: strangerId,
    });
    // The restart: a new order manager on the same state, as the next start builds it.
    const restarted = new OrderManager({
      client: ex.client,
      store: s,
      clock: new RealClock(),
      maxOpenOrders: 10,
      lookup: { backoffMs: [50, 100], lostAfterNotFound: 3, lostAfterMs: 300, lostRecheckMs: 100 },
    });
    const report = await restarted.reconcile(["BTCUSDC"]);
    expect(report.adopted).toEqual([strangerId]);
    expect(restarted.entry(strangerId)).toMatchObject({ state: "OPEN", bot: "buyer", adopted: true });
    expect(restarted.entry(sentId)?.state).toBe("FILLED");
    await eventually(async () => {
      await restarted.poll();
      return restarted.entry(unsentId)?.state === "LOST";
    });
    expect(ex.sim.stats.ordersByClientId[unsentId] ?? 0).toBe(0);
    // The old journal moved to its own file; state.json forgot it, and a copy of it as it was is kept aside.
    expect([...journalOnDisk(s.path).keys()]).toEqual(expect.arrayContaining([sentId, unsentId, strangerId]));
    expect(JSON.parse(readFileSync(s.path, "utf8")).journal).toEqual({});
    expect(Object.keys(JSON.parse(readFileSync(`${s.path}.before-journal`, "utf8")).journal).sort()).toEqual(
      [sentId, unsentId].sort(),
    );
  });
});

describe("order manager: partial fills", () => {
  it("a limit order filled in part, then cancelled, ends PARTIALLY_CANCELED with its filled part recorded", async () => {
    const simClock = new VirtualClock(Date.now());
    const { om, ex } = await setup({ simClock, balances: { USDC: "10000000" } });
    const rules = await ex.client.symbolRules("ADAUSDC");
    if (!rules) throw new Error("no ADAUSDC");
    const price = new D(ex.sim.market.price("ADAUSDC")).mul("0.98").toNearest(rules.tick, D.ROUND_DOWN);
    const quantity = new D(1_500_000).div(price).toNearest(rules.step, D.ROUND_DOWN);
    const out = await om.place({
      bot: "buyer",
      reason: "big bid",
      symbol: "ADAUSDC",
      side: "BUY",
      type: "LIMIT",
      price,
      quantity,
    });
    expect(out.kind).toBe("placed");
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    expect(om.entry(id)?.state).toBe("OPEN");
    // The market dips through the bid for a minute: the book there is thinner than the order.
    ex.sim.market.regime("ADAUSDC", {
      kind: "dip",
      startMs: ex.sim.serverTime(),
      durationMs: 60_000,
      change: -0.1,
    });
    await simClock.advance(90_000);
    await ex.sim.market.tick();
    await om.poll();
    const partial = om.entry(id);
    expect(partial?.state).toBe("PARTIALLY_FILLED");
    const filled = new D(partial?.executedQty ?? "0");
    expect(filled.gt(0) && filled.lt(quantity)).toBe(true);
    await om.cancel(id, "test cancel");
    const final = om.entry(id);
    expect(final?.state).toBe("PARTIALLY_CANCELED");
    expect(new D(final?.executedQty ?? "0").gte(filled)).toBe(true);
    expect(final?.transitions.map((t) => t.to)).toEqual([
      "PENDING",
      "OPEN",
      "PARTIALLY_FILLED",
      "PARTIALLY_CANCELED",
    ]);
  });
});
