import { afterEach, describe, expect, it, vi } from "vitest";
import { roundQuoteAmount } from "../../src/api/index.js";
import { createMarketScanner } from "../../src/bots/market-scanner.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { RealClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

const HOUR = 3_600_000;
let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
  await ex?.close();
  store = undefined;
  ex = undefined;
});

type Raw = ReturnType<typeof structuredClone<typeof userConfig>>;

/** Every pair the filter lets through is an opportunity, so the tests do not hang on the market's mood. */
async function setup(usdt: string, tweak: (c: Raw) => void = () => {}) {
  ex = await startExchange({
    sim: {
      generatedAlts: 30,
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: usdt, USDC: "0" } }],
    },
  });
  store = await tempStore();
  const clock = new RealClock();
  const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
  const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 50 });
  const raw = structuredClone(userConfig);
  raw.scanner.minBuyScore = -100;
  raw.scanner.maxPairs = 0;
  tweak(raw);
  const config = parseConfig(raw);
  const scanner = createMarketScanner({ client: ex.client, treasury, orders, config });
  return { ex, store, treasury, orders, config, scanner };
}

function ctx(): RunContext {
  return { now: Date.now(), signal: new AbortController().signal, emit() {}, commitLimits: async () => {} };
}

describe("market scanner", () => {
  it("buys the best opportunity with a market order sized by the rule", async () => {
    const { ex, orders, scanner } = await setup("1000");
    expect(scanner).toMatchObject({ name: "scanner", intervalMs: 600_000, buys: true });
    const decision = await scanner.run(ctx());
    const report = scanner.lastReport;
    if (!report?.best) throw new Error("no opportunity found");
    expect(decision.acted).toBe(true);
    expect(decision.summary).toContain(report.best.symbol);
    expect(decision.reasons[0]).toMatch(
      /scanned \d+ of \d+ pairs: \d+ opportunities, \d+ neutral, \d+ blocked/,
    );
    // Best first: no opportunity scores higher.
    for (const p of report.opportunities) expect(p.score).toBeLessThanOrEqual(report.best.score);

    // 1000 USDT is not a small balance: 30 % = 300, capped at 50, times the anti-hype multiplier, at least 6,
    // and the 50 maximum once more, last (issue 13).
    const rules = await ex.client.symbolRules(report.best.symbol);
    if (!rules) throw new Error("no rules");
    const expected = roundQuoteAmount(rules, D.min(D.max(new D(50).times(report.best.multiplier), 6), 50));
    const entries = orders.entries();
    expect(entries).toHaveLength(1);
    const entry = entries[0];
    expect(entry?.bot).toBe("scanner");
    expect(entry?.intent).toMatchObject({ symbol: report.best.symbol, side: "BUY", type: "MARKET" });
    expect(entry?.intent.quoteOrderQty).toBe(expected.toFixed());
    expect(entry?.reason).toContain(`score ${report.best.score}`);
  });

  it("a dip boost (×2) never takes a buy past maxBuyUsdt: the cap applies last (issue 13)", async () => {
    const { ex, orders, scanner } = await setup("1000");
    // Every USDT pair fell 30 % over an hour that ended an hour ago: whichever is best is a dip, boosted ×2. (At
    // 10 % one full run saw a best pair at ×1: the synthetic walk, a function of the real time the test runs at,
    // can lift a pair's 24 h change above the −5 % dip threshold.)
    const now = Date.now();
    for (const t of await ex.client.ticker24hrAll()) {
      if (t.symbol.endsWith("USDT"))
        ex.sim.market.regime(t.symbol, {
          kind: "dip",
          startMs: now - 2 * HOUR,
          durationMs: HOUR,
          change: -0.3,
        });
    }
    const decision = await scanner.run(ctx());
    const best = scanner.lastReport?.best;
    if (!best) throw new Error("no opportunity found");
    expect(decision.acted).toBe(true);
    expect(best.multiplier).toBe(2);
    const quote = new D(orders.entries()[0]?.intent.quoteOrderQty ?? "0");
    expect(quote.lte(50)).toBe(true);
    expect(quote.gt(49)).toBe(true);
    expect(ex.sim.stats.ordersCreated).toBe(1);
  });

  it("sizes a small balance at 60 % of it", async () => {
    const { ex, orders, scanner } = await setup("15");
    const decision = await scanner.run(ctx());
    const best = scanner.lastReport?.best;
    if (!best) throw new Error("no opportunity found");
    expect(decision.acted).toBe(true);
    const rules = await ex.client.symbolRules(best.symbol);
    if (!rules) throw new Error("no rules");
    // 60 % of 15 = 9, times the multiplier, at least 6, never above the 15 there are.
    const size = D.min(D.max(new D(9).times(best.multiplier), 6), 15);
    expect(orders.entries()[0]?.intent.quoteOrderQty).toBe(roundQuoteAmount(rules, size).toFixed());
  });

  it("blocks a pumping alt and does not buy it", async () => {
    const { ex, orders, scanner } = await setup("1000");
    const tickers = await ex.client.ticker24hrAll();
    const alt = tickers
      .filter((t) => t.symbol.endsWith("USDT") && !["BTCUSDT", "ETHUSDT"].includes(t.symbol))
      .filter((t) => !userConfig.scanner.excludedSymbols.includes(t.symbol))
      .sort((a, b) => (b.quoteVolume?.toNumber() ?? 0) - (a.quoteVolume?.toNumber() ?? 0))[0];
    if (!alt) throw new Error("no alt");
    const now = Date.now();
    ex.sim.market.regime(alt.symbol, { kind: "pump", startMs: now - HOUR, durationMs: HOUR, change: 0.3 });

    await scanner.run(ctx());
    const report = scanner.lastReport;
    const pumped = report?.blocked.find((p) => p.symbol === alt.symbol);
    expect(pumped).toBeDefined();
    expect(pumped?.score).toBe(-10);
    expect(pumped?.reasons.join(" ")).toMatch(/pumped|overbought|upper band|volume/);
    expect(report?.opportunities.map((p) => p.symbol)).not.toContain(alt.symbol);
    expect(orders.entries().map((e) => e.intent.symbol)).not.toContain(alt.symbol);
  });

  it("skips with the reason when USDT is below the minimum, placing nothing", async () => {
    const { orders, scanner } = await setup("3");
    const decision = await scanner.run(ctx());
    expect(scanner.lastReport?.opportunities.length).toBeGreaterThan(0);
    expect(decision.acted).toBe(false);
    expect(decision.summary).toContain("USDT 3 below the minimum 6");
    expect(orders.entries()).toHaveLength(0);
  });

  it("never scans excluded symbols", async () => {
    const excluded = ["BTCUSDT", "ETHUSDT", "ADAUSDT"];
    const { ex, scanner } = await setup("1000", (c) => {
      c.scanner.excludedSymbols = [...c.scanner.excludedSymbols, ...excluded];
    });
    const klines = vi.spyOn(ex.client, "klines");
    await scanner.run(ctx());
    const scanned = klines.mock.calls.map((c) => c[0]);
    expect(scanned.length).toBeGreaterThan(0);
    for (const s of excluded) expect(scanned).not.toContain(s);
    const report = scanner.lastReport;
    const listed = [...(report?.opportunities ?? []), ...(report?.neutral ?? []), ...(report?.blocked ?? [])];
    for (const s of excluded) expect(listed.map((p) => p.symbol)).not.toContain(s);
  });

  it("a failed kline fetch skips that pair only, and maxPairs keeps the most liquid", async () => {
    const { ex, scanner } = await setup("1000", (c) => {
      c.scanner.maxPairs = 5;
    });
    const real = ex.client.klines.bind(ex.client);
    const klines = vi.spyOn(ex.client, "klines").mockImplementation((symbol, interval, opts) => {
      if (symbol === "ETHUSDT") return Promise.reject(new Error("boom"));
      return real(symbol, interval, opts);
    });
    const decision = await scanner.run(ctx());
    const report = scanner.lastReport;
    expect(klines).toHaveBeenCalledTimes(5);
    expect(report?.selected).toBe(5);
    expect(report?.scanned).toBe(4);
    expect(report?.failed).toEqual([{ symbol: "ETHUSDT", error: "boom" }]);
    expect(decision.reasons.join(" ")).toContain("1 failed");
  });
});
