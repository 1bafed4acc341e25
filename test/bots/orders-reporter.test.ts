import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roundPrice, roundQuantity } from "../../src/api/index.js";
import type { RuntimeEvent } from "../../src/bots/events.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { type BotOrderStats, createOrdersReporter, ordersReport } from "../../src/bots/orders-reporter.js";
import { RealClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import type { Fill } from "../../src/portfolio/fill.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import type { JournalEntry, OrderStateName } from "../../src/store/journal-schema.js";
import { htmlToPlain } from "../../src/telegram/format.js";
import { formatOrdersReport } from "../../src/telegram/render/orders-report.js";
import { renderReport } from "../../src/telegram/render/report.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { fill } from "../portfolio/helpers.js";
import { startExchange, tempStore } from "../support/exchange.js";
import { journalEntry } from "../support/journal-entry.js";

/** Telegram rejects a stray "<" or "&": once our own tags are gone, none may remain. */
function expectSafeHtml(html: string): void {
  const text = html.replace(/<\/?(b|i|code|pre)>/g, "");
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot);)/);
}

const counts = (s: BotOrderStats | undefined) =>
  s && { placed: s.placed, filled: s.filled, open: s.open, failed: s.failed, unknown: s.unknown };

describe("ordersReport (pure)", () => {
  /** An entry whose life is the given (time, state) moves. */
  function entry(bot: string, symbol: string, moves: [number, OrderStateName, string?][]): JournalEntry {
    const transitions = moves.map(([at, to, note], i) => ({
      at,
      from: i === 0 ? null : (moves[i - 1]?.[1] ?? null),
      to,
      note: note ?? "test",
    }));
    const first = moves[0]?.[0] ?? 0;
    const last = moves.at(-1);
    return journalEntry(last?.[1] ?? "PENDING", {
      clientOrderId: `${bot}-${symbol}-${first}`,
      bot,
      reason: "test",
      intent: { symbol, side: "BUY", type: "LIMIT", quantity: "1", price: "1" },
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: first,
      updatedAt: last?.[0] ?? first,
      notFound: 0,
      transitions,
    });
  }

  const entries = [
    // Before the period, filled before it: not in the report at all.
    entry("a", "OLDUSDT", [
      [50, "PENDING"],
      [51, "OPEN"],
      [60, "FILLED"],
    ]),
    // Placed before, resting through the period: open, nothing else.
    entry("a", "RESTUSDT", [
      [50, "PENDING"],
      [51, "OPEN"],
    ]),
    // Placed before, filled in the period: filled, not placed.
    entry("a", "LATEUSDT", [
      [50, "PENDING"],
      [51, "OPEN"],
      [150, "FILLED"],
    ]),
    // Placed in the period, partly filled at its end, wholly filled after it.
    entry("b", "PARTUSDT", [
      [110, "PENDING"],
      [111, "OPEN"],
      [120, "PARTIALLY_FILLED"],
      [250, "FILLED"],
    ]),
    // Placed and lost in the period.
    entry("b", "LOSTUSDT", [
      [110, "PENDING"],
      [112, "UNKNOWN"],
      [190, "LOST"],
    ]),
    // Unknown at the end of the period (resolved after it).
    entry("b", "UNKUSDT", [
      [130, "PENDING"],
      [131, "UNKNOWN"],
      [260, "OPEN"],
    ]),
    // A transition exactly at `since` belongs to the previous period; one exactly at `until` to this one.
    entry("c", "EDGEUSDT", [
      [100, "PENDING"],
      [200, "REJECTED", "rejected: Insufficient position"],
    ]),
    // Placed after the period: not in it.
    entry("c", "NEXTUSDT", [
      [201, "PENDING"],
      [202, "OPEN"],
    ]),
  ];

  it("counts by the states the orders went through in (since, until]", () => {
    const r = ordersReport(entries, [], 100, 200);
    expect(r.bots.map((b) => b.bot)).toEqual(["a", "b", "c"]);
    const [a, b, c] = r.bots;
    expect(counts(a)).toEqual({ placed: 0, filled: 1, open: 1, failed: 0, unknown: 0 });
    expect(counts(b)).toEqual({ placed: 3, filled: 1, open: 1, failed: 1, unknown: 1 });
    expect(b?.partial).toBe(1);
    expect(b?.lost).toBe(1);
    expect(counts(c)).toEqual({ placed: 0, filled: 0, open: 0, failed: 1, unknown: 0 });
    expect(c?.rejected).toBe(1);
    expect(counts(r.totals)).toEqual({ placed: 3, filled: 2, open: 2, failed: 2, unknown: 1 });
    expect(r.failures.map((f) => [f.symbol, f.state])).toEqual([
      ["LOSTUSDT", "LOST"],
      ["EDGEUSDT", "REJECTED"],
    ]);
  });

  it("a later period sees the later moves only", () => {
    const r = ordersReport(entries, [], 200, 300);
    expect(counts(r.totals)).toEqual({ placed: 1, filled: 1, open: 3, failed: 0, unknown: 0 });
    expect(r.totals.partial).toBe(0);
  });

  it("sums volume and fees per bot and asset from the fills of the period, by client id", () => {
    const fills: Fill[] = [
      fill({
        id: "1",
        time: 150,
        side: "BUY",
        base: "BTC",
        price: "100",
        qty: "1",
        quoteQty: "100",
        fee: "0.1",
        clientOrderId: "a-1",
      }),
      fill({
        id: "2",
        time: 160,
        side: "BUY",
        base: "BTC",
        price: "100",
        qty: "2",
        quoteQty: "200",
        fee: "0.002",
        feeAsset: "BTC",
        clientOrderId: "a-2",
      }),
      fill({
        id: "3",
        time: 170,
        side: "SELL",
        base: "ETH",
        quote: "USDC",
        price: "10",
        qty: "1",
        quoteQty: "10",
        fee: "0.01",
        clientOrderId: "a-3",
      }),
      fill({
        id: "4",
        time: 180,
        side: "BUY",
        base: "ETH",
        price: "10",
        qty: "1",
        quoteQty: "10",
        fee: "0.01",
      }),
      fill({
        id: "5",
        time: 99,
        side: "BUY",
        base: "BTC",
        price: "100",
        qty: "1",
        quoteQty: "100",
        fee: "5",
        clientOrderId: "a-0",
      }),
    ];
    const r = ordersReport([], fills, 100, 200);
    const a = r.bots.find((b) => b.bot === "a");
    expect(a?.fills).toBe(3);
    expect(Object.fromEntries([...(a?.volume ?? [])].map(([k, v]) => [k, v.toFixed()]))).toEqual({
      USDT: "300",
      USDC: "10",
    });
    expect(Object.fromEntries([...(a?.fees ?? [])].map(([k, v]) => [k, v.toFixed()]))).toEqual({
      USDT: "0.1",
      BTC: "0.002",
      USDC: "0.01",
    });
    // A fill without our client id was placed by hand.
    expect(r.bots.find((b) => b.bot === "manual")?.fills).toBe(1);
    expect(r.totals.fees.get("USDT")?.toFixed()).toBe("0.11");
    const text = htmlToPlain(formatOrdersReport(r));
    expect(text).toContain("a: 3 fills, volume 10 USDC + 300 USDT, fees 0.002 BTC + 0.01 USDC + 0.1 USDT");
  });

  it("escapes bots, symbols and rejection messages in the HTML", () => {
    const nasty = entry("x&y", "A<B>USDT", [
      [110, "PENDING"],
      [111, "REJECTED", "rejected"],
    ]);
    const html = formatOrdersReport(
      ordersReport(
        [journalEntry("REJECTED", { ...nasty, rejection: { code: 1, message: "price < min & qty > max" } })],
        [],
        100,
        200,
      ),
    );
    expectSafeHtml(html);
    expect(html).toContain("A&lt;B&gt;USDT");
    expect(htmlToPlain(html)).toContain("x&y BUY A<B>USDT rejected: price < min & qty > max");
  });

  it("an empty period says so; orders still resting keep a period from being empty", () => {
    const settled = entries.filter((e) => !["RESTUSDT", "UNKUSDT", "NEXTUSDT"].includes(e.intent.symbol));
    const quiet = (list: JournalEntry[]) => htmlToPlain(formatOrdersReport(ordersReport(list, [], 300, 400)));
    expect(quiet(settled)).toContain("No orders and no fills in this period.");
    expect(quiet(entries)).toMatch(/total\s+0\s+0\s+3\s+0\s+0/);
  });
});

describe("orders reporter (simulator)", () => {
  let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await ex?.close();
    ex = undefined;
    store = undefined;
  });

  it("reports real orders per bot: placed, filled, open, failed, with the fees of their fills", async () => {
    ex = await startExchange({
      sim: {
        accounts: [
          { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "1000", USDC: "1000" } },
        ],
      },
    });
    store = await tempStore();
    const clock = new RealClock();
    const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
    const ledger = new Ledger({ client: ex.client, store, fills, clock });
    const orders = new OrderManager({ client: ex.client, store, clock, maxOpenOrders: 10 });
    const config = parseConfig(userConfig);
    const reporter = createOrdersReporter({ orders, ledger, config });
    expect(reporter).toMatchObject({ name: "reporter", buys: false, intervalMs: 3_600_000 });

    /** A limit buy at half the market: it rests. */
    const restingBuy = async (bot: string, symbol: string) => {
      const rules = await ex?.client.symbolRules(symbol);
      const market = (await ex?.client.tickerPrice(symbol))?.price;
      if (!rules || !market) throw new Error(`no ${symbol}`);
      const price = roundPrice(rules, market.mul("0.5"), "BUY");
      const quantity = roundQuantity(rules, new D(20).div(price));
      return orders.place({ bot, reason: "rest", symbol, side: "BUY", type: "LIMIT", quantity, price });
    };
    const marketBuy = (bot: string, symbol: string, quote: string) =>
      orders.place({ bot, reason: "buy", symbol, side: "BUY", type: "MARKET", quoteOrderQty: new D(quote) });

    expect((await marketBuy("scanner", "BTCUSDT", "20")).kind).toBe("placed");
    expect((await marketBuy("scanner", "ETHUSDT", "5000")).kind).toBe("rejected");
    expect((await restingBuy("balancer", "BTCUSDC")).kind).toBe("placed");
    expect((await marketBuy("balancer", "ETHUSDC", "30")).kind).toBe("placed");
    const cancelled = await restingBuy("alts", "ADAUSDT");
    if (cancelled.kind !== "placed") throw new Error("the alts order was not placed");
    await orders.cancel(cancelled.entry.clientOrderId, "test cancel");
    expect(
      orders
        .entries()
        .map((e) => e.state)
        .sort(),
    ).toEqual(["CANCELED", "FILLED", "FILLED", "OPEN", "REJECTED"]);

    const events: RuntimeEvent[] = [];
    const ctx = (): RunContext => ({
      now: Date.now(),
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
      commitLimits: async () => {},
    });
    const decision = await reporter.run(ctx());

    expect(decision.acted).toBe(false);
    expect(decision.summary).toBe("report: 5 placed, 2 filled, 1 open, 2 failed");
    expect(events).toHaveLength(1);
    const event = events[0];
    if (event?.type !== "report") throw new Error("no report");
    expect(event).toMatchObject({ bot: "reporter", report: { kind: "orders" } });
    const rendered = renderReport(event.bot, event.report);
    expect(rendered.title).toBe("Orders report");
    expectSafeHtml(rendered.html);
    const text = htmlToPlain(rendered.html);
    expect(text).toMatch(/alts\s+1\s+0\s+0\s+1\s+0/);
    expect(text).toMatch(/balancer\s+2\s+1\s+1\s+0\s+0/);
    expect(text).toMatch(/scanner\s+2\s+1\s+0\s+1\s+0/);
    expect(text).toMatch(/total\s+5\s+2\s+1\s+2\s+0/);
    expect(text).toContain("Failed: 1 rejected, 1 cancelled unfilled, 0 lost");
    expect(text).toMatch(/scanner BUY ETHUSDT rejected: .*[Ii]nsufficient/);

    // The fees the exchange charged our orders, read directly, are what the report sums per bot.
    const report = ordersReport(orders.entries(), ledger.fillsSince(0), 0, Date.now());
    for (const [bot, symbols] of [
      ["scanner", ["BTCUSDT"]],
      ["balancer", ["ETHUSDC"]],
    ] as const) {
      const expected = new Map<string, D>();
      let volume = new D(0);
      for (const symbol of symbols) {
        for (const t of await ex.client.myTrades(symbol, { limit: 100 })) {
          if (!t.clientOrderId?.startsWith(`${bot}-`)) continue;
          expected.set(t.commissionAsset, (expected.get(t.commissionAsset) ?? new D(0)).plus(t.commission));
          volume = volume.plus(t.quoteQty);
        }
      }
      const stats = report.bots.find((b) => b.bot === bot);
      expect(expected.size).toBeGreaterThan(0);
      expect([...(stats?.fees ?? [])].map(([k, v]) => [k, v.toFixed()])).toEqual(
        [...expected].map(([k, v]) => [k, v.toFixed()]),
      );
      expect(stats?.volume.get(symbols[0].slice(3))?.toFixed()).toBe(volume.toFixed());
      expect(text).toContain(`${bot}: `);
    }

    // The next report covers only what happened since: the resting order is still open, nothing else.
    await new Promise((r) => setTimeout(r, 5));
    const next = await reporter.run(ctx());
    expect(next.summary).toBe("report: 0 placed, 0 filled, 1 open, 0 failed");
    const second = events[1];
    if (second?.type !== "report") throw new Error("no second report");
    expect(htmlToPlain(renderReport(second.bot, second.report).html)).toMatch(/balancer\s+0\s+0\s+1\s+0\s+0/);
  });
});
