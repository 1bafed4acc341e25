import { afterEach, describe, expect, it } from "vitest";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { type OrderIntent, OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { eventually, startExchange, tempStore } from "../support/exchange.js";

/**
 * The kill switch and the stop hold up to the moment an order's bytes leave: a switch turned on while `place`
 * awaits (the symbol rules, the limiter after a 429) keeps the POST from the exchange, and the funds come back.
 * The open-order limit holds for bots placing at the same moment; a `place` that throws gives its funds back.
 */

type Exchange = Awaited<ReturnType<typeof startExchange>>;

let ex: Exchange | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const POST = "POST /api/v3/order";
const posts = (e: Exchange) => e.sim.stats.requests[POST] ?? 0;
const KILL = /kill switch is on/;
const STOP = "the program is stopping (test): no new orders are sent";

async function setup(maxOpenOrders = 10) {
  // No retries: the 429 that starts the pause is seen once, not waited out by a retry.
  ex = await startExchange({ client: { retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 50 } } });
  store = await tempStore();
  const clock = new RealClock();
  const treasury = new Treasury({
    clock,
    source: { fetch: async () => ({ at: clock.now(), free: new Map([["USDC", new D(1_000)]]) }) },
  });
  const om = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders });
  // Rules cached and the clock synced: the only wait left before the POST is the one a test arranges.
  await ex.client.symbolRules("BTCUSDC");
  await ex.client.account();
  return { ex, om, treasury };
}

async function marketBuy(treasury: Treasury): Promise<OrderIntent> {
  const grant = await treasury.reserve("scanner", "USDC", new D(10));
  if (!grant.ok) throw new Error(`no grant: ${grant.reason}`);
  return {
    bot: "scanner",
    reason: "test buy",
    symbol: "BTCUSDC",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D(10),
    lease: grant.lease,
  };
}

/** A 429 on another call pauses every call of the client for `sec` seconds, as MEXC's Retry-After asks. */
async function pauseTheClient(e: Exchange, sec: number): Promise<void> {
  e.sim.faults.failNext("GET /api/v3/ticker/price", { status: 429, headers: { "retry-after": String(sec) } });
  await expect(e.client.tickerPrice("BTCUSDC")).rejects.toMatchObject({ kind: "rate-limited" });
}

describe("the kill switch turned on while place() awaits", () => {
  it("the symbol rules: refused before anything is written, no POST, the funds are free", async () => {
    const { ex, om, treasury } = await setup();
    const before = posts(ex);
    const placing = om.place(await marketBuy(treasury));
    await om.activateKillSwitch("test: /stop pressed");
    const out = await placing;
    expect(out.kind).toBe("refused");
    if (out.kind === "refused") expect(out.reason).toMatch(KILL);
    expect(posts(ex)).toBe(before);
    expect(om.entries()).toHaveLength(0);
    expect(treasury.openLeases).toHaveLength(0);
  });

  it("the limiter after a 429: withheld at the last gate, no POST, the entry ends REJECTED as not sent", async () => {
    const { ex, om, treasury } = await setup();
    await pauseTheClient(ex, 1);
    const before = posts(ex);
    const placing = om.place(await marketBuy(treasury));
    // Written and past every check: the order waits in the limiter for the pause to end.
    await eventually(() => om.notFinal().length === 1, 2_000, 5);
    await om.activateKillSwitch("test: /stop pressed during the pause");
    const out = await placing;
    expect(out.kind).toBe("refused");
    if (out.kind === "refused") expect(out.reason).toMatch(KILL);
    expect(posts(ex)).toBe(before);
    const [entry] = om.entries();
    expect(entry?.state).toBe("REJECTED");
    expect(entry?.rejection?.message).toMatch(
      /^not sent \(withheld just before sending\): the kill switch is on/,
    );
    expect(om.openCount()).toBe(0);
    expect(treasury.openLeases).toHaveLength(0);
  });
});

describe("the program stop begun while place() waits in the limiter after a 429", () => {
  it("withheld at the last gate: no POST, the entry ends REJECTED as not sent, the funds are free", async () => {
    const { ex, om, treasury } = await setup();
    await pauseTheClient(ex, 1);
    const before = posts(ex);
    const placing = om.place(await marketBuy(treasury));
    await eventually(() => om.notFinal().length === 1, 2_000, 5);
    om.refuseNewOrders(STOP);
    const out = await placing;
    expect(out).toEqual({ kind: "refused", reason: STOP });
    expect(posts(ex)).toBe(before);
    const [entry] = om.entries();
    expect(entry?.state).toBe("REJECTED");
    expect(entry?.rejection?.message).toBe(`not sent (withheld just before sending): ${STOP}`);
    expect(treasury.openLeases).toHaveLength(0);
  });
});

describe("risk.maxOpenOrders", () => {
  it("holds when two bots place at the same moment: one order is sent, the other refused", async () => {
    const { ex, om } = await setup(1);
    const rules = await ex.client.symbolRules("BTCUSDC");
    if (!rules) throw new Error("no rules");
    const price = new D(ex.sim.market.price("BTCUSDC")).mul("0.9").toNearest(rules.tick, D.ROUND_DOWN);
    const quantity = new D(20).div(price).toNearest(rules.step, D.ROUND_UP);
    const limit = (bot: string): OrderIntent => ({
      bot,
      reason: "test limit below the market",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      price,
      quantity,
    });
    const before = posts(ex);
    const outs = await Promise.all([om.place(limit("buyer")), om.place(limit("balancer"))]);
    expect(outs.map((o) => o.kind).sort()).toEqual(["placed", "refused"]);
    const refused = outs.find((o) => o.kind === "refused");
    if (refused?.kind === "refused") expect(refused.reason).toMatch(/the limit is 1 \(risk.maxOpenOrders\)/);
    expect(om.openCount()).toBe(1);
    expect(posts(ex) - before).toBe(1);
  });
});

describe("a place() that throws before the order could be sent", () => {
  it("gives its reservation back (the journal write failed)", async () => {
    const { ex, om, treasury } = await setup();
    const intent = await marketBuy(treasury);
    expect(treasury.openLeases).toHaveLength(1);
    const before = posts(ex);
    om.close(); // the journal's next append throws, as a full disk or an I/O error would
    await expect(om.place(intent)).rejects.toThrow();
    expect(posts(ex)).toBe(before);
    expect(treasury.openLeases).toHaveLength(0);
    // A given-back lease stops counting once a balance read is younger than it (treasury.ts): a millisecond on.
    await new Promise((r) => setTimeout(r, 5));
    expect((await treasury.spendable("scanner", "USDC")).toFixed()).toBe("1000");
  });
});
