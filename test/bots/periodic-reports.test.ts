import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../../src/bots/events.js";
import { createMarketScanner } from "../../src/bots/market-scanner.js";
import type { Decision, RunContext } from "../../src/bots/monitor.js";
import { createProfitSeller } from "../../src/bots/profit-seller.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { type Config, parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import { htmlToPlain } from "../../src/telegram/format.js";
import { renderReport } from "../../src/telegram/render/report.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

type Exchange = Awaited<ReturnType<typeof startExchange>>;
const SEC = 1000;

let ex: Exchange | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

/** The report events, each with the title and HTML Telegram shows for it. */
const reports = (events: RuntimeEvent[]) =>
  events
    .filter((e): e is Extract<RuntimeEvent, { type: "report" }> => e.type === "report")
    .map((e) => ({ ...e, ...renderReport(e.bot, e.report) }));

describe("market scanner: periodic scan report", () => {
  it("sends the scan report on every reportEveryCycles-th run (2 and 4, not 1 and 3)", async () => {
    ex = await startExchange({
      sim: {
        generatedAlts: 10,
        accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: "1000" } }],
      },
    });
    store = await tempStore();
    const clock = new RealClock();
    const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
    const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 50 });
    const raw = structuredClone(userConfig);
    raw.scanner.minBuyScore = -100;
    raw.scanner.maxPairs = 5;
    expect(raw.scanner.reportEveryCycles).toBe(2);
    const scanner = createMarketScanner({ client: ex.client, treasury, orders, config: parseConfig(raw) });

    const byRun: RuntimeEvent[][] = [];
    const decisions: Decision[] = [];
    for (let run = 1; run <= 4; run++) {
      const events: RuntimeEvent[] = [];
      decisions.push(
        await scanner.run({
          now: Date.now(),
          signal: new AbortController().signal,
          emit: (e) => events.push(e),
          commitLimits: async () => {},
        }),
      );
      byRun.push(events);
    }
    expect(byRun.map((events) => reports(events).length)).toEqual([0, 1, 0, 1]);
    const [report] = reports(byRun[3] ?? []);
    expect(report).toMatchObject({ bot: "scanner", title: "Market scan" });
    // The report is of that run's scan.
    const last = scanner.lastReport;
    if (!last?.best) throw new Error("no opportunity");
    const text = htmlToPlain(report?.html ?? "");
    expect(text).toContain(`Scanned ${last.scanned} of ${last.selected} pairs`);
    expect(text).toContain(`Best: ${last.best.symbol} score ${last.best.score}`);
    expect(decisions[1]?.reasons).toContain("scan report sent (every 2 scans)");
    expect(decisions[0]?.reasons).not.toContain("scan report sent (every 2 scans)");
    // Reporting does not stop the buying.
    expect(decisions.every((d) => d.acted)).toBe(true);
  });
});

describe("profit seller: periodic PnL summary and rebalance", () => {
  const base = parseConfig(userConfig);

  async function setup(kind: "core" | "alts", pnl: Partial<Config["pnlSeller"]> = {}) {
    const simClock = new VirtualClock(Date.now());
    ex = await startExchange({
      sim: {
        clock: simClock,
        accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000", USDT: "1000" } }],
      },
    });
    store = await tempStore();
    const clock = new RealClock();
    const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
    const ledger = new Ledger({ client: ex.client, store, fills, clock });
    const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
    const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 10 });
    // Thresholds out of reach: these tests are about the reports, not the sales.
    const config: Config = {
      ...base,
      pnlSeller: { ...base.pnlSeller, profitThresholdUsd: new D("100000"), ...pnl },
      altsSeller: { ...base.altsSeller, profitThresholdUsd: new D("100000") },
    };
    const bot = createProfitSeller({ kind, client: ex.client, treasury, orders, ledger, config });
    const t0 = Date.now();
    const events: RuntimeEvent[][] = [];
    /** Runs the bot as if `sec` seconds had passed since the first run; returns that run's events. */
    const runAt = async (sec: number) => {
      const mine: RuntimeEvent[] = [];
      const ctx: RunContext = {
        now: t0 + sec * SEC,
        signal: new AbortController().signal,
        emit: (e) => mine.push(e),
        commitLimits: async () => {},
      };
      const decision = await bot.run(ctx);
      events.push(mine);
      return { decision, events: mine };
    };
    return { ex, simClock, orders, runAt, events };
  }

  const buy = (e: Exchange, symbol: string, quote: string, id: string) =>
    e.client.newOrder({
      symbol,
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D(quote),
      clientOrderId: id,
    });

  async function rise(e: Exchange, simClock: VirtualClock, symbol: string, change: number) {
    e.sim.market.regime(symbol, { kind: "trend", startMs: e.sim.serverTime(), durationMs: 60_000, change });
    await simClock.advance(3 * 60_000);
    await e.sim.market.tick();
  }

  /** BTC down 10 % on both markets: the position is clearly under water whichever prices it. */
  async function fall(e: Exchange, simClock: VirtualClock) {
    await rise(e, simClock, "BTCUSDC", -0.1);
    await rise(e, simClock, "BTCUSDT", -0.1);
  }

  it("pnl: a summary at most once per notifyEverySec, a rebalance request once per rebalanceEverySec", async () => {
    const { ex, simClock, orders, runAt } = await setup("core");
    expect(base.pnlSeller.notifyEverySec).toBe(600);
    expect(base.pnlSeller.rebalanceEverySec).toBe(3600);
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    // Both markets: the summary values BTC in USDT, as /pnl does, the sale is judged on BTCUSDC.
    await rise(ex, simClock, "BTCUSDC", 0.1);
    await rise(ex, simClock, "BTCUSDT", 0.1);

    const offsets = [0, 300, 599, 600, 900, 1200, 3599, 3600, 3700, 7200];
    const runs = [];
    for (const sec of offsets) runs.push(await runAt(sec));
    const summaries = runs.map(
      (r) => reports(r.events).filter((e) => e.title === "PnL summary (pnl)").length,
    );
    const rebalances = runs.map((r) => r.events.filter((e) => e.type === "rebalance-requested").length);
    // 600 s after the first run, then 600 s after the last summary.
    expect(summaries).toEqual([0, 0, 0, 1, 0, 1, 1, 0, 0, 1]);
    expect(rebalances).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    expect(orders.entries()).toHaveLength(0);

    const summary = reports(runs[3]?.events ?? [])[0];
    const text = htmlToPlain(summary?.html ?? "");
    expect(summary?.bot).toBe("pnl");
    expect(text.split("\n")[0]).toBe("BTC/ETH positions");
    expect(text).toMatch(/BTC\s+\$[\d,.]+\s+\+\$[\d.]+/);
    expect(text).not.toMatch(/ADA|USDC\s/);
    expect(runs[3]?.decision.summary).toContain("PnL summary sent");

    const request = runs[7]?.events.find((e) => e.type === "rebalance-requested");
    expect(request).toMatchObject({ type: "rebalance-requested", by: "pnl" });
    expect((request as { reason: string }).reason).toMatch(
      /periodic rebalance \(every 3600 s\): total PnL \d/,
    );
    expect(runs[7]?.decision.summary).toContain("rebalance requested");
    expect(runs[7]?.decision.reasons.join("\n")).toMatch(/periodic rebalance .*: requested/);
  });

  it("pnl: skips the rebalance while the total PnL is negative, and says so", async () => {
    const { ex, simClock, runAt } = await setup("core");
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await fall(ex, simClock);
    await runAt(0);
    const { decision, events } = await runAt(3600);
    expect(events.filter((e) => e.type === "rebalance-requested")).toHaveLength(0);
    const skipped = reports(events).find((e) => e.title === "Rebalance skipped");
    expect(skipped?.bot).toBe("pnl");
    expect(htmlToPlain(skipped?.html ?? "")).toMatch(
      /periodic rebalance skipped: total PnL -[\d.]+ USD .* is negative and rebalanceWhenPnlNegative is off/,
    );
    expect(decision.reasons.join("\n")).toMatch(/periodic rebalance skipped/);
    expect(decision.summary).toContain("rebalance skipped (PnL negative)");
    // Skipped counts as done: no retry, no second message, until the next interval.
    const again = await runAt(3660);
    expect(again.events).toHaveLength(0);
  });

  it("pnl: rebalances despite a negative PnL when rebalanceWhenPnlNegative is on", async () => {
    const { ex, simClock, runAt } = await setup("core", { rebalanceWhenPnlNegative: true });
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    await fall(ex, simClock);
    await runAt(0);
    const { events } = await runAt(3600);
    const request = events.find((e) => e.type === "rebalance-requested");
    expect((request as { reason: string } | undefined)?.reason).toMatch(/total PnL -[\d.]+ USD/);
    expect(reports(events).map((e) => e.title)).not.toContain("Rebalance skipped");
  });

  it("alts: a summary of the alts only, and never a rebalance", async () => {
    const { ex, runAt } = await setup("alts");
    await buy(ex, "ADAUSDT", "50", "manual-000000000buyada");
    await buy(ex, "BTCUSDC", "50", "manual-000000000buybtc");
    const first = await runAt(0);
    expect(first.events).toHaveLength(0);
    const later = await runAt(600);
    const [summary, ...rest] = reports(later.events);
    expect(rest).toHaveLength(0);
    expect(summary).toMatchObject({ bot: "alts", title: "PnL summary (alts)" });
    const text = htmlToPlain(summary?.html ?? "");
    expect(text.split("\n")[0]).toBe("Alt positions");
    expect(text).toMatch(/ADA\s+\$/);
    expect(text).not.toContain("BTC");
    const hour = await runAt(3600);
    expect(hour.events.map((e) => e.type)).toEqual(["report"]);
  });
});
