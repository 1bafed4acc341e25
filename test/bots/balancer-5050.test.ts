import { afterEach, describe, expect, it } from "vitest";
import { floorsOf } from "../../src/app.js";
import { createBalancer5050 } from "../../src/bots/balancer-5050.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import type { JournalEntry } from "../../src/trading/order-state.js";
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

/**
 * A fixed instant: every basket alt and BTC/ETH moved less than the filter's limits over the day before it.
 * Prices then (USDT): BTC ≈ 59 470, ETH ≈ 2 671, ADA ≈ 0.5375.
 */
const START = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;
const POST_ORDER = "POST /api/v3/order";
const BASKET = ["ADAUSDC", "DOTUSDC", "LINKUSDC", "MATICUSDC", "AVAXUSDC"];
type Raw = ReturnType<typeof structuredClone<typeof userConfig>>;

async function setup(
  balances: Record<string, string>,
  opts: { tweak?: (c: Raw) => void; autoTrade?: boolean; before?: (e: Exchange) => void } = {},
) {
  ex = await startExchange({
    sim: {
      clock: new VirtualClock(START),
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances }],
    },
  });
  opts.before?.(ex);
  store = await tempStore();
  const raw = structuredClone(userConfig);
  opts.tweak?.(raw);
  const config = parseConfig(raw);
  const clock = new RealClock();
  const treasury = new Treasury({
    source: accountBalanceSource(ex.client, clock),
    clock,
    floors: floorsOf(config),
  });
  const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 20 });
  const proposals = new Proposals({
    store,
    clock,
    client: ex.client,
    orders,
    treasury,
    expiryMs: 300_000,
    maxPriceDriftPct: new D(1),
  });
  const bot = createBalancer5050({
    client: ex.client,
    treasury,
    orders: proposals.placerFor(opts.autoTrade ?? true, orders),
    config,
  });
  ex.sim.stats.reset();
  return { ex, orders, proposals, bot };
}

function ctx(): RunContext {
  return { now: Date.now(), signal: new AbortController().signal, emit() {}, commitLimits: async () => {} };
}

const notional = (e: JournalEntry | undefined): D =>
  new D(e?.intent.quantity ?? "0").mul(e?.intent.price ?? "0");
const bySymbol = (entries: JournalEntry[], symbol: string) => entries.find((e) => e.intent.symbol === symbol);
const usdcLeft = (e: Exchange): D => {
  const b = e.sim.account().balances.USDC;
  return new D(b?.free ?? "0").plus(b?.locked ?? "0");
};

/** ~700 USD of ADA and ~300 USD of BTC: alts at 70 %. */
const ALTS_70 = { ADA: "1302", BTC: "0.005" };
/** ~300 USD of ADA and ~700 USD of BTC: alts at 30 %. */
const ALTS_30 = { ADA: "558", BTC: "0.0118" };

describe("50/50 balancer", () => {
  it("alts at 70 %: buys BTC/ETH 60/40 and never leaves less than 20 USDC", async () => {
    // 110 USDC: 90 spendable above the 20 floor, less than the 100 of half the gap.
    const { ex, orders, bot } = await setup({ ...ALTS_70, USDC: "110" });
    expect(bot).toMatchObject({ name: "balancer", intervalMs: 60_000, buys: true });
    const c = ctx();
    const d = await bot.run(c);
    expect(d.acted).toBe(true);
    expect(d.cooldownUntil).toBe(c.now + 60_000);
    const entries = orders.entries((e) => e.bot === "balancer");
    expect(entries.map((e) => e.intent.symbol).sort()).toEqual(["BTCUSDC", "ETHUSDC"]);
    for (const e of entries) expect(e.intent).toMatchObject({ side: "BUY", type: "LIMIT" });
    const btc = notional(bySymbol(entries, "BTCUSDC"));
    const eth = notional(bySymbol(entries, "ETHUSDC"));
    expect(btc.lte(54) && btc.gt("53.8")).toBe(true);
    expect(eth.lte(36) && eth.gt("35.8")).toBe(true);
    expect(usdcLeft(ex).gte(20)).toBe(true);
    const text = d.reasons.join("\n");
    expect(text).toMatch(/alts 70\.\d % \([\d.]+ USD\) vs BTC\/ETH 29\.\d %/);
    expect(text).toMatch(/buying BTC\/ETH/);
    expect(text).toMatch(
      /amount 90 USDC = min\(max 100, free 90 after keeping 20, half the [\d.]+ USD gap\)/,
    );
  });

  it("a dip boost never takes an operation past maxPerOperationUsdc: the cap applies last (issue 13)", async () => {
    const { orders, bot } = await setup(
      { ...ALTS_70, USDC: "1000" },
      {
        // −10 % over an hour that ended an hour ago: a dip for BTC, the volume back to normal.
        before: (e) =>
          e.sim.market.regime("BTCUSDC", { kind: "dip", startMs: START - 2 * HOUR, durationMs: HOUR }),
      },
    );
    const d = await bot.run(ctx());
    expect(d.acted).toBe(true);
    const text = d.reasons.join("\n");
    expect(text).toMatch(/BTCUSDC dip -\d+(\.\d+)?%: DCA ×2/);
    const entries = orders.entries((e) => e.bot === "balancer");
    const btc = notional(bySymbol(entries, "BTCUSDC"));
    const eth = notional(bySymbol(entries, "ETHUSDC"));
    // 100 × 60 % × 2 = 120 for BTC and 40 for ETH plan 160: scaled to the 100 maximum, 75 and 25.
    expect(btc.plus(eth).lte(100)).toBe(true);
    expect(btc.lte(75) && btc.gt("74.8")).toBe(true);
    expect(text).toMatch(/planned 160 USDC is more than the 100 USDC maximum/);
  });

  it("alts at 30 %: spreads the purchase over the basket and reports the symbols it cannot buy", async () => {
    const { orders, bot } = await setup(
      { ...ALTS_30, USDC: "1000" },
      { tweak: (c) => (c.balancer5050.altBasket = [...BASKET, "NOPEUSDC"]) },
    );
    const d = await bot.run(ctx());
    expect(d.acted).toBe(true);
    const entries = orders.entries((e) => e.bot === "balancer");
    expect(entries.map((e) => e.intent.symbol).sort()).toEqual([...BASKET].sort());
    // Half the ~400 USD gap, capped at 100: 20 each.
    for (const e of entries) expect(notional(e).lte(20) && notional(e).gt("19.5")).toBe(true);
    expect(d.reasons.join("\n")).toMatch(/skipped: NOPEUSDC \(not a market of the exchange\)/);
    expect(d.reasons.join("\n")).toMatch(/buying alts/);
  });

  it("alts at 30 % with a small gap: buys one alt, the least held", async () => {
    // ~15 USD of ADA, ~45 USD of BTC: half the ~15 USD gap is 7.5, room for one alt only.
    const { orders, bot } = await setup({ ADA: "28", BTC: "0.00076", USDC: "1000" });
    const d = await bot.run(ctx());
    expect(d.acted).toBe(true);
    const entries = orders.entries((e) => e.bot === "balancer");
    expect(entries).toHaveLength(1);
    // ADA is already held: the first basket alt that is not.
    expect(entries[0]?.intent.symbol).toBe("DOTUSDC");
    expect(notional(entries[0]).lte("7.6") && notional(entries[0]).gt(7)).toBe(true);
    expect(d.reasons.join("\n")).toMatch(/enough for 1 of 5 basket alts .*: DOTUSDC/);
  });

  it("skips when less than 10 USDC is free above its 20 USDC floor", async () => {
    const { ex, orders, bot } = await setup({ ...ALTS_70, USDC: "29" });
    const d = await bot.run(ctx());
    expect(d.acted).toBe(false);
    expect(d.cooldownUntil).toBeUndefined();
    expect(d.summary).toMatch(/free USDC 9 \(after keeping 20\) is below the minimum 10/);
    expect(orders.entries()).toHaveLength(0);
    expect(ex.sim.stats.requests[POST_ORDER]).toBeUndefined();
  });

  it("holds when the split is within 10 points of 50 %", async () => {
    // ~330 USD of ADA, ~297 USD of BTC: alts ≈ 53 %.
    const { orders, bot } = await setup({ ADA: "614", BTC: "0.005", USDC: "1000" });
    const d = await bot.run(ctx());
    expect(d.acted).toBe(false);
    expect(d.summary).toMatch(/alts within 10 points of 50 %/);
    expect(orders.entries()).toHaveLength(0);
  });

  it("with autoTrade off: stores proposals and sends no order", async () => {
    const { ex, orders, proposals, bot } = await setup({ ...ALTS_70, USDC: "1000" }, { autoTrade: false });
    const d = await bot.run(ctx());
    expect(d.acted).toBe(true);
    const pending = proposals.pending();
    expect(pending.map((p) => p.intent.symbol).sort()).toEqual(["BTCUSDC", "ETHUSDC"]);
    expect(pending.every((p) => p.bot === "balancer" && p.intent.type === "LIMIT")).toBe(true);
    expect(orders.entries()).toHaveLength(0);
    expect(ex.sim.stats.requests[POST_ORDER]).toBeUndefined();
    expect(ex.sim.stats.ordersCreated).toBe(0);
    expect(d.reasons.join("\n")).toMatch(/proposed for approval \(new, /);
  });
});
