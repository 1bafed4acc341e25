import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { FOLLOW_FLOOR_MS, OrderManager } from "../../src/trading/order-manager.js";
import { startExchange, tempStore } from "../support/exchange.js";

/**
 * A replay at the candle pace follows orders once a minute or less often (replay/pace.ts); a resting order's
 * deadline must still be kept as closely as the 5 s follow-up keeps it, not at the next routine pass.
 */

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
let abort = new AbortController();
afterEach(async () => {
  abort.abort();
  abort = new AbortController();
  await store?.close();
  await ex?.close();
});

const TIMEOUT_MS = 300_000;
const HOUR = 3_600_000;

/** Lets the HTTP round trips of a woken pass finish (real I/O) before virtual time moves on. */
const ioTurn = () => new Promise((r) => setTimeout(r, 30));

describe("order follow-up: a long period still keeps deadlines", () => {
  it("an order due in 5 min is cancelled within the floor of its deadline although passes come hourly", async () => {
    ex = await startExchange();
    store = await tempStore();
    const clock = new VirtualClock(Date.now());
    const om = new OrderManager({
      client: ex.client,
      store,
      clock,
      maxOpenOrders: 10,
      timeoutMsOf: (bot) => (bot === "buyer" ? TIMEOUT_MS : undefined),
    });
    const rules = await ex.client.symbolRules("BTCUSDC");
    if (!rules) throw new Error("no BTCUSDC");
    const price = new D(ex.sim.market.price("BTCUSDC")).mul("0.8").toNearest(rules.tick, D.ROUND_DOWN);
    const quantity = new D(20).div(price).toNearest(rules.step, D.ROUND_UP);
    const id = "buyer-00000000follow1";
    await ex.client.newOrder({
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity,
      price,
      clientOrderId: id,
    });
    await om.reconcile(["BTCUSDC"]);
    const expiresAt = om.entry(id)?.expiresAt;
    if (expiresAt === undefined) throw new Error("the adopted order has no deadline");

    const following = om.run(abort.signal, HOUR);
    await ioTurn();
    while (clock.now() < expiresAt + FOLLOW_FLOOR_MS && om.entry(id)?.state === "OPEN") {
      await clock.advance(1_000);
      await ioTurn();
    }
    expect(om.entry(id)?.state).toBe("CANCELED");
    expect(clock.now()).toBeLessThanOrEqual(expiresAt + FOLLOW_FLOOR_MS);
    abort.abort();
    await following;
  });

  it("with nothing due, the next pass waits the whole period", async () => {
    ex = await startExchange();
    store = await tempStore();
    const clock = new VirtualClock(Date.now());
    const om = new OrderManager({ client: ex.client, store, clock, maxOpenOrders: 10 });
    const run = om.run(abort.signal, HOUR);
    await ioTurn();
    expect(clock.pending).toBe(1);
    await clock.advance(HOUR - 1);
    expect(clock.pending).toBe(1);
    abort.abort();
    await run;
  });
});
