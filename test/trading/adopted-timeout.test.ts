import { afterEach, describe, expect, it } from "vitest";
import { MexcClient } from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import { Simulator } from "../../src/sim/index.js";
import type { Store } from "../../src/store/index.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import type { JournalEntry } from "../../src/trading/order-state.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";
import { writeJournal } from "../support/journal-entry.js";
import { MIN, type Scenario, startScenario } from "../support/suite.js";

/**
 * Issue 13, defect 7: an order taken over at start (on the exchange with our prefix, not in the journal) gets the
 * timeout of the bot its client id names, counted from when the exchange took it, so the buyer does not wait on it
 * forever ("1 order of mine still open").
 */

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const TIMEOUT_MS = 300_000;

/** A resting buy of ours the journal does not know, far under the market so it never fills. */
async function strangerOnTheBook(e: Pick<Exchange, "client" | "sim">, clientOrderId: string) {
  const rules = await e.client.symbolRules("BTCUSDC");
  if (!rules) throw new Error("no BTCUSDC");
  const price = new D(e.sim.market.price("BTCUSDC")).mul("0.8").toNearest(rules.tick, D.ROUND_DOWN);
  const quantity = new D(20).div(price).toNearest(rules.step, D.ROUND_UP);
  await e.client.newOrder({ symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity, price, clientOrderId });
}

async function manager() {
  ex = await startExchange();
  store = await tempStore();
  // Our side's clock: the timeout can pass without waiting for it.
  const clock = new VirtualClock(Date.now());
  const om = new OrderManager({
    client: ex.client,
    store,
    clock,
    maxOpenOrders: 10,
    timeoutMsOf: (bot) => (bot === "buyer" ? TIMEOUT_MS : undefined),
  });
  return { ex, store, om, clock };
}

describe("order manager: adopted orders time out like their bot's", () => {
  it("an adopted buyer order is cancelled after the buyer's order timeout", async () => {
    const { ex, om, clock } = await manager();
    const id = "buyer-000000000adopt1";
    await strangerOnTheBook(ex, id);
    const report = await om.reconcile(["BTCUSDC"]);
    expect(report.adopted).toEqual([id]);
    const entry = om.entry(id);
    expect(entry).toMatchObject({ state: "OPEN", adopted: true });
    expect(entry?.expiresAt).toBeGreaterThan(clock.now());
    expect(entry?.expiresAt).toBeLessThanOrEqual(clock.now() + TIMEOUT_MS);

    await om.poll();
    expect(om.entry(id)?.state).toBe("OPEN");
    await clock.advance(TIMEOUT_MS);
    await om.poll();
    expect(om.entry(id)?.state).toBe("CANCELED");
  });

  it("an order adopted by an earlier version (no expiry) gets one at the next start", async () => {
    const { ex, om, store, clock } = await manager();
    const id = "buyer-000000000adopt2";
    await strangerOnTheBook(ex, id);
    await om.reconcile(["BTCUSDC"]);
    // As an earlier version left it: the same entry without an expiry, the last line of the journal.
    const { expiresAt: _, ...noExpiry } = om.entry(id) as JournalEntry;
    writeJournal(store.path, [noExpiry as JournalEntry]);
    const again = new OrderManager({
      client: ex.client,
      store,
      clock,
      maxOpenOrders: 10,
      timeoutMsOf: (bot) => (bot === "buyer" ? TIMEOUT_MS : undefined),
    });
    await again.reconcile(["BTCUSDC"]);
    expect(again.entry(id)?.expiresAt).toBeLessThanOrEqual(clock.now() + TIMEOUT_MS);
    await clock.advance(TIMEOUT_MS);
    await again.poll();
    expect(again.entry(id)?.state).toBe("CANCELED");
  });

  it("a bot without an order timeout (or an unknown bot) leaves the adopted order without one", async () => {
    const { ex, om } = await manager();
    const id = "scanner-000000000adopt3";
    await strangerOnTheBook(ex, id);
    await om.reconcile(["BTCUSDC"]);
    expect(om.entry(id)?.expiresAt).toBeUndefined();
  });
});

describe("the suite at start", () => {
  it("an adopted buyer order is cancelled after the buyer's timeout, and the buyer then buys again", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 16));
    const sim = new Simulator({
      clock,
      seed: 42,
      generatedAlts: 5,
      rateLimit: { enabled: false },
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: "500", USDC: "500" } }],
    });
    const client = new MexcClient({
      baseUrl: "http://in-process.sim",
      transport: inProcessTransport(sim, clock),
      apiKey: SIM_KEY,
      apiSecret: SIM_SECRET,
      clock,
    });
    // Left on the book by a run whose journal was lost (a restored backup).
    const id = "buyer-000000000adopt4";
    await strangerOnTheBook({ client, sim }, id);
    client.close();
    scenario = await startScenario({
      transport: "in-process",
      simulator: sim,
      clock,
      config: (c) => ({
        ...c,
        scanner: { ...c.scanner, enabled: false },
        pnlSeller: { ...c.pnlSeller, enabled: false },
        altsSeller: { ...c.altsSeller, enabled: false },
        balancer5050: { ...c.balancer5050, enabled: false },
        ordersReporter: { ...c.ordersReporter, enabled: false },
      }),
    });
    const s = scenario;
    expect(s.suite.trading.orders.entry(id)).toMatchObject({ state: "OPEN", adopted: true });
    s.suite.start();
    await s.run(s.config.balanceBuyer.orderTimeoutSec * 1000 + 2 * MIN);
    expect(s.suite.trading.orders.entry(id)?.state).toBe("CANCELED");
    expect(s.decisions("buyer").some((d) => d.acted === true)).toBe(true);
  }, 60_000);
});
