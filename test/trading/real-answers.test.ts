import { afterEach, describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse, Transport } from "../../src/api/index.js";
import { NodeHttpTransport } from "../../src/api/node-http-transport.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import type { OrderPurpose } from "../../src/trading/order-intent.js";
import { type OrderIntent, OrderManager } from "../../src/trading/order-manager.js";
import { startExchange, tempStore } from "../support/exchange.js";

/**
 * The order manager against the simulator, with MEXC's short answers (reference page "What the real exchange
 * sends"): the new-order acknowledgement cut to `{symbol, orderId, orderListId}`, the cancel answer to
 * `{symbol, orderId}`. The simulator stores and executes as usual; only the answer the client reads is short.
 */
function shortAnswers(inner: Transport): Transport {
  return {
    async send(req: HttpRequest): Promise<HttpResponse> {
      const res = await inner.send(req);
      if (res.status !== 200 || new URL(req.url).pathname !== "/api/v3/order" || req.method === "GET")
        return res;
      const full = JSON.parse(res.body) as { symbol: string; orderId: string };
      const short =
        req.method === "POST"
          ? { symbol: full.symbol, orderId: full.orderId, orderListId: -1 }
          : { symbol: full.symbol, orderId: full.orderId };
      return { ...res, body: JSON.stringify(short) };
    },
    close: () => inner.close?.(),
  };
}

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
  const transport = shortAnswers(new NodeHttpTransport({ clock: new RealClock(), timeoutMs: 1_000 }));
  ex = await startExchange({ client: { transport } });
  store = await tempStore();
  const clock = new VirtualClock(Date.now());
  const om = new OrderManager({ client: ex.client, store, clock, maxOpenOrders: 10 });
  return { ex, om, clock };
}

const count = (e: Exchange, endpoint: string) => e.sim.stats.requests[endpoint] ?? 0;

async function restingBuy(e: Exchange, extra: Partial<OrderPurpose> = {}): Promise<OrderIntent> {
  const rules = (await e.client.symbolRules("BTCUSDC"))!;
  const price = new D(e.sim.market.price("BTCUSDC")).mul("0.8").toNearest(rules.tick, D.ROUND_DOWN);
  return {
    bot: "buyer",
    reason: "short answers",
    symbol: "BTCUSDC",
    side: "BUY",
    type: "LIMIT",
    price,
    quantity: new D(20).div(price).toNearest(rules.step, D.ROUND_UP),
    ...extra,
  };
}

describe("the short new-order acknowledgement means ACCEPTED", () => {
  it("a market buy: placed, looked up, FILLED; never unknown", async () => {
    const { ex, om } = await setup();
    const out = await om.place({
      bot: "scanner",
      reason: "short ack",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("10"),
    });
    expect(out.kind).toBe("placed");
    const entry = out.kind === "placed" ? out.entry : undefined;
    expect(entry?.state).toBe("FILLED");
    expect(entry?.transitions.map((t) => t.to)).toEqual(["PENDING", "OPEN", "FILLED"]);
    expect(entry?.orderId).toBeTruthy();
    expect(count(ex, "POST /api/v3/order")).toBe(1);
  });

  it("a resting limit: placed and OPEN", async () => {
    const { ex, om } = await setup();
    const out = await om.place(await restingBuy(ex));
    expect(out.kind === "placed" && out.entry.state).toBe("OPEN");
  });
});

describe("a short cancel answer means the cancel was taken", () => {
  it("cancel(): one DELETE, then the lookup gives CANCELED", async () => {
    const { ex, om } = await setup();
    const out = await om.place(await restingBuy(ex));
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    await om.cancel(id, "test cancel");
    expect(om.entry(id)?.state).toBe("CANCELED");
    expect(count(ex, "DELETE /api/v3/order")).toBe(1);
  });

  it("cancel() does not throw when the lookup after a taken cancel fails; the poll finishes it", async () => {
    const { ex, om } = await setup();
    const out = await om.place(await restingBuy(ex));
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    ex.sim.faults.failNext("GET /api/v3/order", {
      status: 400,
      body: { code: 33333, msg: "param is error" },
    });
    await om.cancel(id, "test cancel");
    expect(om.entry(id)?.state).toBe("OPEN");
    await om.poll();
    expect(om.entry(id)?.state).toBe("CANCELED");
    expect(count(ex, "DELETE /api/v3/order")).toBe(1);
  });

  it("an expired order whose cancel was taken is never cancelled again, only looked up", async () => {
    const { ex, om, clock } = await setup();
    const out = await om.place(await restingBuy(ex, { timeoutMs: 1_000 }));
    const id = out.kind === "placed" ? out.entry.clientOrderId : "";
    await clock.advance(2_000);
    // The lookups after the cancel fail twice: the first pass cancels, the second may only look.
    ex.sim.faults.failNext("GET /api/v3/order", {
      status: 400,
      count: 2,
      body: { code: 33333, msg: "param is error" },
    });
    await om.poll();
    await om.poll();
    await om.poll();
    expect(om.entry(id)?.state).toBe("CANCELED");
    expect(count(ex, "DELETE /api/v3/order")).toBe(1);
  });
});

describe("MEXC's refusals of how a request is built", () => {
  it("700013 'Invalid content Type.' on a new order: REJECTED at once, never resent", async () => {
    const { ex, om } = await setup();
    ex.sim.faults.failNext("POST /api/v3/order", {
      status: 400,
      body: { code: 700013, msg: "Invalid content Type." },
    });
    const out = await om.place(await restingBuy(ex));
    expect(out.kind).toBe("rejected");
    expect(out.kind === "rejected" && out.error.kind).toBe("client-bug");
    expect(out.kind === "rejected" && out.entry.state).toBe("REJECTED");
    await om.poll();
    expect(count(ex, "POST /api/v3/order")).toBe(1);
  });
});
