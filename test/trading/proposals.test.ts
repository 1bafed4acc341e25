import { afterEach, describe, expect, it } from "vitest";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Proposals, statusOf } from "../../src/trading/proposals.js";
import { Treasury } from "../../src/trading/treasury.js";
import { startExchange, tempStatePath } from "../support/exchange.js";

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const MIN = 60_000;

async function setup(path = tempStatePath()) {
  const simClock = new VirtualClock(Date.now());
  ex = await startExchange({ sim: { clock: simClock } });
  // The proposals' own clock is virtual, so expiry is exact; the client keeps real time for its requests.
  const clock = new VirtualClock(Date.now());
  store = await Store.open({ path, mode: "sim", now: clock.now() });
  const real = new RealClock();
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, real), clock: real });
  const orders = new OrderManager({ client: ex.client, store, clock: real, treasury, maxOpenOrders: 10 });
  const proposals = new Proposals({
    store,
    clock,
    client: ex.client,
    orders,
    treasury,
    expiryMs: 5 * MIN,
    maxPriceDriftPct: new D(1),
  });
  return { ex, simClock, clock, store, treasury, orders, proposals, path };
}

async function limitBuy(ex: Exchange, factor = "0.98") {
  const price = (await ex.client.tickerPrice("BTCUSDC")).price.mul(factor).toDecimalPlaces(2);
  return {
    bot: "buyer",
    reason: "test: BTC under target",
    symbol: "BTCUSDC",
    side: "BUY" as const,
    type: "LIMIT" as const,
    quantity: new D("0.0002"),
    price,
  };
}

describe("proposals", () => {
  it("a bot without autoTrade proposes instead of sending; Execute sends exactly one order", async () => {
    const { ex, orders, proposals, treasury } = await setup();
    const placer = proposals.placerFor(false, orders);
    const lease = await treasury.reserve("buyer", "USDC", new D(30));
    if (!lease.ok) throw new Error(lease.reason);
    const out = await placer.place({ ...(await limitBuy(ex)), lease: lease.lease });
    expect(out.kind).toBe("proposed");
    if (out.kind !== "proposed") return;
    expect(out.fresh).toBe(true);
    expect(ex.sim.stats.ordersCreated).toBe(0);
    // The reservation went back: nothing is spent until the owner says so.
    expect(treasury.openLeases).toHaveLength(0);

    const again = await placer.place(await limitBuy(ex));
    expect(again).toMatchObject({ kind: "proposed", fresh: false, proposal: { id: out.proposal.id } });
    expect(proposals.pending()).toHaveLength(1);

    const [first, second] = await Promise.all([
      proposals.execute(out.proposal.id, "tg:1"),
      proposals.execute(out.proposal.id, "tg:1"),
    ]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, reason: "the proposal is already executing" });
    expect(ex.sim.stats.ordersCreated).toBe(1);
    const done = proposals.get(out.proposal.id);
    expect(done?.end).toMatchObject({ state: "executed", by: "tg:1" });
    const entry = orders.entry(done?.end?.state === "executed" ? done.end.clientOrderId : "");
    expect(entry?.reason).toContain("approved by tg:1");
    expect(entry?.intent).toMatchObject({ symbol: "BTCUSDC", side: "BUY", quantity: "0.0002" });

    const late = await proposals.execute(out.proposal.id, "tg:1");
    expect(late).toMatchObject({ ok: false, reason: "the proposal is already executed" });
    expect(ex.sim.stats.ordersCreated).toBe(1);
  });

  it("Skip ends it without an order; Execute after Skip does nothing", async () => {
    const { ex, proposals } = await setup();
    const out = await proposals.propose(await limitBuy(ex));
    if (out.kind !== "proposed") throw new Error("not proposed");
    expect(await proposals.skip(out.proposal.id, "tg:7")).toMatchObject({
      ok: true,
      proposal: { end: { state: "skipped", by: "tg:7" } },
    });
    expect((await proposals.execute(out.proposal.id, "tg:7")).ok).toBe(false);
    expect(ex.sim.stats.ordersCreated).toBe(0);
  });

  it("expires after the configured time, and an expired proposal cannot be executed", async () => {
    const { ex, clock, proposals } = await setup();
    const changes: string[] = [];
    proposals.onChange((p) => changes.push(statusOf(p)));
    const out = await proposals.propose(await limitBuy(ex));
    if (out.kind !== "proposed") throw new Error("not proposed");
    await clock.advance(5 * MIN - 1);
    expect(await proposals.expireDue()).toHaveLength(0);
    await clock.advance(1);
    expect(await proposals.expireDue()).toHaveLength(1);
    expect(changes).toEqual(["pending", "expired"]);
    expect(await proposals.execute(out.proposal.id, "tg:1")).toMatchObject({ ok: false });
    expect(ex.sim.stats.ordersCreated).toBe(0);
  });

  it("Execute refuses when the price drifted more than allowed", async () => {
    const { ex, simClock, proposals } = await setup();
    const out = await proposals.propose(await limitBuy(ex));
    if (out.kind !== "proposed") throw new Error("not proposed");
    ex.sim.market.regime("BTCUSDC", {
      kind: "trend",
      startMs: ex.sim.serverTime(),
      durationMs: MIN,
      change: 0.05,
    });
    await simClock.advance(3 * MIN);
    const result = await proposals.execute(out.proposal.id, "tg:1");
    expect(result).toMatchObject({ ok: false, failed: true });
    expect(result.ok ? "" : result.reason).toMatch(/price moved .* more than the 1 % allowed/);
    expect(ex.sim.stats.ordersCreated).toBe(0);
  });

  it("Execute refuses when the funds are gone", async () => {
    const { ex, proposals } = await setup();
    const out = await proposals.propose({ ...(await limitBuy(ex)), quantity: new D("1") });
    if (out.kind !== "proposed") throw new Error("not proposed");
    const result = await proposals.execute(out.proposal.id, "tg:1");
    expect(result.ok ? "" : result.reason).toMatch(/not enough USDC/);
    expect(ex.sim.stats.ordersCreated).toBe(0);
  });

  it("is on disk: a restart still knows the waiting proposal and its state", async () => {
    const first = await setup();
    const out = await first.proposals.propose(await limitBuy(first.ex));
    if (out.kind !== "proposed") throw new Error("not proposed");
    await first.store.close();
    store = await Store.open({ path: first.path, mode: "sim", now: Date.now() });
    expect(store.state.proposals[out.proposal.id]).toMatchObject({
      bot: "buyer",
      intent: { symbol: "BTCUSDC" },
    });
  });
});
