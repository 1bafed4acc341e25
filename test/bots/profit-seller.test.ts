import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roundPrice, roundQuantity } from "../../src/api/index.js";
import type { RuntimeEvent } from "../../src/bots/events.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { createProfitSeller } from "../../src/bots/profit-seller.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { type Config, parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
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

const base = parseConfig(userConfig);

function configWith(over: {
  pnl?: Partial<Config["pnlSeller"]>;
  alts?: Partial<Config["altsSeller"]>;
}): Config {
  return {
    ...base,
    pnlSeller: { ...base.pnlSeller, profitThresholdUsd: new D("0.07"), ...over.pnl },
    altsSeller: { ...base.altsSeller, profitThresholdUsd: new D("0.15"), ...over.alts },
  };
}

async function setup(kind: "core" | "alts", config: Config) {
  // The simulator's market moves only when its clock is advanced; the client and the bots use real time.
  const simClock = new VirtualClock(Date.now());
  ex = await startExchange({
    sim: {
      clock: simClock,
      accounts: [
        {
          apiKey: "sim-api-key",
          apiSecret: "sim-api-secret",
          balances: { USDC: "1000", USDT: "1000" },
        },
      ],
    },
  });
  store = await tempStore();
  const clock = new RealClock();
  const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
  const ledger = new Ledger({ client: ex.client, store, fills, clock });
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
  const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 10 });
  const bot = createProfitSeller({ kind, client: ex.client, treasury, orders, ledger, config });
  const events: RuntimeEvent[] = [];
  const ctx = (): RunContext => ({
    now: Date.now(),
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    commitLimits: async () => {},
  });
  return { ex, simClock, ledger, orders, bot, events, ctx };
}

async function buy(e: Exchange, symbol: string, quote: string, clientOrderId: string) {
  await e.client.newOrder({
    symbol,
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D(quote),
    clientOrderId,
  });
}

async function rise(e: Exchange, simClock: VirtualClock, symbol: string, change: number) {
  e.sim.market.regime(symbol, { kind: "trend", startMs: e.sim.serverTime(), durationMs: 60_000, change });
  await simClock.advance(3 * 60_000);
  await e.sim.market.tick();
}

describe("profit seller", () => {
  it("core: sells the whole BTC position with a limit under the market once the profit exceeds the threshold", async () => {
    const { ex, simClock, ledger, orders, bot, events, ctx } = await setup("core", configWith({}));
    expect(bot.name).toBe("pnl");
    expect(bot.buys).toBe(false);
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await rise(ex, simClock, "BTCUSDC", 0.05);

    const rules = await ex.client.symbolRules("BTCUSDC");
    if (!rules) throw new Error("no BTCUSDC");
    const market = (await ex.client.tickerPrice("BTCUSDC")).price;
    await ledger.sync("BTCUSDC");
    const before = ledger.costBasis().assets.get("BTC");
    if (!before) throw new Error("no BTC position");
    const heldBefore = new D(ex.sim.account().balances.BTC?.free ?? "0");
    const decision = await bot.run(ctx());

    expect(decision.acted).toBe(true);
    const sells = orders.entries((e) => e.bot === "pnl");
    expect(sells).toHaveLength(1);
    const sell = sells[0];
    expect(sell?.intent).toMatchObject({ symbol: "BTCUSDC", side: "SELL", type: "LIMIT" });
    expect(sell?.intent.price).toBe(roundPrice(rules, market.mul("0.999"), "SELL").toFixed());
    expect(new D(sell?.intent.price ?? "0").lt(market)).toBe(true);
    // The whole position (all of it is still held), rounded down to the step.
    expect(sell?.intent.quantity).toBe(roundQuantity(rules, D.min(before.quantity, heldBefore)).toFixed());
    expect(sell?.expiresAt).toBe((sell?.createdAt ?? 0) + base.pnlSeller.orderTimeoutSec * 1000);

    const freed = events.filter((e) => e.type === "funds-freed");
    expect(freed).toHaveLength(1);
    expect(freed[0]).toMatchObject({ type: "funds-freed", asset: "USDC", by: "pnl" });
    expect(new D((freed[0] as { amount: string }).amount).gt(40)).toBe(true);
    expect(decision.reasons.join("\n")).toMatch(/BTC: .*unrealized .* USD vs threshold 0\.07/);
  });

  it("core: below the threshold it holds and says why", async () => {
    const { ex, orders, bot, events, ctx } = await setup("core", configWith({}));
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    const decision = await bot.run(ctx());
    expect(decision.acted).toBe(false);
    expect(orders.entries()).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect(decision.reasons.join("\n")).toMatch(
      /BTC: .*unrealized -?[\d.]+ USD vs threshold 0\.07: below the threshold/,
    );
    expect(decision.reasons.join("\n")).toMatch(/ETH: no position/);
  });

  it("core with autoSell off reports the profit but never sells", async () => {
    const { ex, simClock, orders, bot, events, ctx } = await setup(
      "core",
      configWith({ pnl: { autoSell: false } }),
    );
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await rise(ex, simClock, "BTCUSDC", 0.05);
    const decision = await bot.run(ctx());
    expect(decision.acted).toBe(false);
    expect(orders.entries()).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect(decision.reasons.join("\n")).toMatch(/above the threshold, but autoSell is off/);
  });

  it("core: skips a sale whose rounded quantity is below the exchange minimum (dust)", async () => {
    const { ex, simClock, orders, bot, events, ctx } = await setup("core", configWith({}));
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await rise(ex, simClock, "BTCUSDC", 0.05);
    // Nearly all of it leaves on a market the seller does not watch: the ledger still shows the position,
    // the account holds only a crumb.
    const rules = await ex.client.symbolRules("BTCUSDT");
    if (!rules) throw new Error("no BTCUSDT");
    const held = new D(ex.sim.account().balances.BTC?.free ?? "0");
    await ex.client.newOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: roundQuantity(rules, held.mul("0.99")),
      clientOrderId: "manual-000000000sellbt",
    });
    const decision = await bot.run(ctx());
    expect(decision.acted).toBe(false);
    expect(orders.entries()).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect(decision.reasons.join("\n")).toMatch(/BTC: .*dust, not sold/);
  });

  it("alts: sells a profitable alt on its USDT market with the alts threshold", async () => {
    // The core threshold is out of reach: only the alts threshold can trigger this sale.
    const { ex, simClock, orders, bot, events, ctx } = await setup(
      "alts",
      configWith({ pnl: { profitThresholdUsd: new D("1000") }, alts: { profitThresholdUsd: new D("0.15") } }),
    );
    expect(bot.name).toBe("alts");
    await buy(ex, "ADAUSDT", "50", "manual-000000000buyada");
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await rise(ex, simClock, "ADAUSDT", 0.05);
    await rise(ex, simClock, "BTCUSDC", 0.05);

    const decision = await bot.run(ctx());
    expect(decision.acted).toBe(true);
    const sells = orders.entries((e) => e.bot === "alts");
    expect(sells).toHaveLength(1);
    expect(sells[0]?.intent).toMatchObject({ symbol: "ADAUSDT", side: "SELL", type: "LIMIT" });
    expect(events).toEqual([expect.objectContaining({ type: "funds-freed", asset: "USDT", by: "alts" })]);
    expect(decision.reasons.join("\n")).toMatch(/ADA: .*vs threshold 0\.15/);
    // BTC is core: the alts seller never looks at it.
    expect(decision.reasons.join("\n")).not.toMatch(/BTC/);
  });
});
