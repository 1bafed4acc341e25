import { afterEach, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import type { OrderIntent } from "../../src/trading/order-manager.js";
import { MIN, type Scenario, startScenario } from "../support/suite.js";

/**
 * Issue 13, defect 2: the scanner bought 0.4 s after "stopping" was logged, because the stop was looked at while
 * scanning and not before the order. Once the stop has begun, no order of any bot may leave.
 */

let s: Scenario | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const POST = "POST /api/v3/order";

const buy = (bot: string): OrderIntent => ({
  bot,
  reason: "test: a buy decided just before the stop",
  symbol: "BTCUSDC",
  side: "BUY",
  type: "MARKET",
  quoteOrderQty: new D(10),
});

describe("after the stop has begun", () => {
  it("the order manager refuses every new order, whatever the bot, and nothing reaches the exchange", async () => {
    s = await startScenario({ transport: "in-process" });
    const before = s.sim.stats.requests[POST] ?? 0;
    // The stop begins; a bot whose decision was already made places its order in the same moment.
    const stopping = s.suite.stop({ graceMs: 0, cancelOpenOrders: false });
    const outcomes = await Promise.all(
      ["scanner", "buyer", "pnl", "alts", "balancer"].map((bot) => s?.suite.trading.orders.place(buy(bot))),
    );
    await stopping;
    for (const out of outcomes) {
      expect(out?.kind).toBe("refused");
      if (out?.kind === "refused") expect(out.reason).toMatch(/stopping/);
    }
    expect(s.sim.stats.requests[POST] ?? 0).toBe(before);
    await s.store.close();
    s = undefined;
  }, 20_000);

  it("a bot whose run was past its abort checks says so in its decision line", async () => {
    s = await startScenario({ transport: "in-process" });
    s.suite.trading.orders.refuseNewOrders("the program is stopping (SIGTERM): no new orders are sent");
    // The runs' own signal is not aborted: the order manager is the last line, whatever a bot checked before.
    s.suite.start();
    await s.run(2 * MIN);
    const lines = s.decisions("buyer").map((d) => JSON.stringify(d));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes("refused: the program is stopping (SIGTERM)"))).toBe(true);
    expect(s.sim.stats.requests[POST] ?? 0).toBe(0);
  });
});
