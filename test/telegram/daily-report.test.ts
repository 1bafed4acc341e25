import { Bot } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { DailyReport, dueAfter, nextReportAt, slotAt } from "../../src/telegram/daily-report.js";
import { Notifier } from "../../src/telegram/notifier.js";
import { GrammySink } from "../../src/telegram/transport.js";
import { FAKE_BOT_INFO } from "../support/fake-telegram.js";
import { type Harness, OWNER, startHarness, text } from "./control-harness.js";

const HOUR = 3_600_000;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A real market buy on the simulator, synced into the ledger: the report's trades and fees. */
async function buy(harness: Harness, quote: string, id: string): Promise<void> {
  await harness.ex.client.newOrder({
    symbol: "BTCUSDC",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D(quote),
    clientOrderId: id,
  });
  await harness.ledger.sync("BTCUSDC");
}

describe("nextReportAt", () => {
  it("is the configured hour today when it is still to come, else tomorrow's", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(nextReportAt(at("2026-12-02T07:59:59Z"), 8)).toBe(at("2026-12-02T08:00:00Z"));
    expect(nextReportAt(at("2026-12-02T08:00:00Z"), 8)).toBe(at("2026-12-03T08:00:00Z"));
    expect(nextReportAt(at("2026-12-02T23:30:00Z"), 0)).toBe(at("2026-12-03T00:00:00Z"));
  });
});

describe("slotAt and dueAfter: one report per report hour, restart or not", () => {
  const at = (iso: string) => Date.parse(iso);
  it("a report belongs to the report hour last passed, the hour itself included", () => {
    expect(slotAt(at("2026-12-02T08:00:00Z"), 8)).toBe(at("2026-12-02T08:00:00Z"));
    expect(slotAt(at("2026-12-02T07:59:59.998Z"), 8)).toBe(at("2026-12-01T08:00:00Z"));
    expect(slotAt(at("2026-12-04T10:00:00Z"), 8)).toBe(at("2026-12-04T08:00:00Z"));
  });

  it("the next report is the hour after the last one's, or now when a start finds it passed", () => {
    const last = at("2026-12-02T08:00:00Z");
    expect(dueAfter(undefined, at("2026-12-02T07:30:00Z"), 8)).toBe(at("2026-12-02T08:00:00Z"));
    expect(dueAfter(undefined, at("2026-12-02T08:30:00Z"), 8)).toBe(at("2026-12-03T08:00:00Z"));
    // A start later the same day, or before the next hour: that hour, as without the restart.
    expect(dueAfter(last, at("2026-12-02T09:00:00Z"), 8)).toBe(at("2026-12-03T08:00:00Z"));
    expect(dueAfter(last, at("2026-12-03T07:59:00Z"), 8)).toBe(at("2026-12-03T08:00:00Z"));
    // The hour passed while the program was down: now.
    expect(dueAfter(last, at("2026-12-03T08:20:00Z"), 8)).toBe(at("2026-12-03T08:20:00Z"));
    expect(dueAfter(last, at("2026-12-05T10:00:00Z"), 8)).toBe(at("2026-12-05T10:00:00Z"));
    // The report hour moved to 20:00 in the config: today's 20:00.
    expect(dueAfter(last, at("2026-12-02T09:00:00Z"), 20)).toBe(at("2026-12-02T20:00:00Z"));
  });
});

describe("the daily report", () => {
  it("goes out at the configured UTC hour with value, PnL, trades, fees, open orders, held reports and the chart", async () => {
    const harness = await startHarness({
      values: [{ time: Date.now() - 2 * HOUR, valueUsd: "1900" }],
    });
    h = harness;
    await buy(harness, "50", "manual-00000000000daily1");
    await buy(harness, "30", "manual-00000000000daily2");
    // The report's own clock, just before the hour: the fills above are in its period.
    const clock = new VirtualClock(nextReportAt(Date.now(), 8) - 60_000);
    const bot = new Bot("123456789:AAHdailyReportTokenForTests_abcdef", {
      client: { apiRoot: harness.fake.url },
      botInfo: FAKE_BOT_INFO,
    });
    const notifier = new Notifier({
      sink: new GrammySink({ api: bot.api, chatIds: [OWNER], log: harness.logs.log }),
      clock,
      log: harness.logs.log,
      mergeWindowSec: 60,
      minIntervalPerTypeSec: 30,
      levels: harness.deps.config.telegram.levels,
    });
    for (let i = 0; i < 3; i++)
      notifier.notify({ type: "report:scanner", severity: "info", text: "<b>Market scan</b>\nBTC 0.8" });
    const queries = harness.deps.queries;
    const daily = new DailyReport({
      clock,
      log: harness.logs.log,
      notifier,
      hourUtc: 8,
      withChart: true,
      data: {
        valuation: queries.valuation,
        openOrders: queries.openOrders,
        fillsSince: (t) => harness.ledger.fillsSince(t),
        realizedByBot: () => new Map([["pnl", new D("1.25")]]),
        valueHistory: () => [{ time: clock.now() - 25 * HOUR, valueUsd: "1900" }],
      },
    });
    daily.start();
    await clock.advance(59_000);
    expect(harness.fake.calls("sendPhoto")).toEqual([]);
    await clock.advance(1_000);
    const photo = await harness.fake.waitFor("sendPhoto");
    expect(Object.values(photo.files)[0]?.data.subarray(0, 8)).toEqual(PNG_MAGIC);
    // The report is the photo's caption (or, past Telegram's 1024 characters, the message after it).
    const report =
      String(photo.params.caption ?? "") ||
      text(await harness.fake.waitFor("sendMessage", (c) => text(c).includes("Daily report")));
    expect(report).toContain("Daily report");
    expect(report).toContain("<b>Value</b>: $");
    expect(report).toMatch(/since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(report).toContain("Realized PnL by bot");
    expect(report).toContain("+$1.25");
    expect(report).toContain("<b>Trades</b>: 2 (2 buys, 0 sells), volume ");
    // Two buys of about 40 USDC each at the market's price of the moment; amounts print without trailing zeros.
    expect(report).toMatch(/volume (79|80)(\.\d{1,8})? USDC/);
    expect(report).toMatch(/<b>Fees<\/b>: [\d.]+ (BTC|USDC)/);
    expect(report).toContain("<b>Open orders</b>: none");
    expect(report).toContain("Market scan ×3");
    // The period ended with it: the held reports are not counted twice.
    expect(notifier.held.total).toBe(0);
    await vi.waitFor(() => expect(notifier.pending).toBe(0));
    expect(notifier.sent.daily).toBe(1);
    await daily.stop();
    await notifier.close();
  });

  it("/daily sends it now, with the chart, without ending the day's period", async () => {
    const harness = await startHarness({ values: [{ time: Date.now() - 2 * HOUR, valueUsd: "1990" }] });
    h = harness;
    await buy(harness, "25", "manual-00000000000daily3");
    harness.notifier.notify({ type: "report:reporter", severity: "info", text: "<b>Orders report</b>" });
    harness.say("/daily");
    const photo = await harness.fake.waitFor("sendPhoto");
    expect(Number(photo.params.chat_id)).toBe(OWNER);
    expect(Object.values(photo.files)[0]?.data.subarray(0, 8)).toEqual(PNG_MAGIC);
    const report = text(await harness.fake.waitFor("sendMessage", (c) => text(c).includes("Daily report")));
    expect(report).toMatch(/<b>Trades<\/b>: 1 \(1 buy, 0 sells\), volume 2[45][.\d]* USDC\n/);
    expect(report).toContain("Orders report ×1");
    expect(harness.notifier.held.total).toBe(1);
  });

  it("a saved last report dated after now (the clock set back) does not hold the schedule: the next hour's comes", async () => {
    const harness = await startHarness();
    h = harness;
    const clock = new VirtualClock(Date.parse("2026-12-02T07:00:00Z"));
    const saved = { at: Date.parse("2027-06-01T08:00:00Z"), slot: Date.parse("2027-06-01T08:00:00Z") };
    const sent: string[] = [];
    const queries = harness.deps.queries;
    const daily = new DailyReport({
      clock,
      log: harness.logs.log,
      notifier: harness.notifier,
      hourUtc: 8,
      withChart: false,
      memory: {
        load: () => ({ ...saved, valueUsdt: "2000", realizedByBot: {} }),
        save: async (last) => void sent.push(new Date(last.slot).toISOString()),
      },
      data: {
        valuation: queries.valuation,
        openOrders: queries.openOrders,
        fillsSince: (t) => harness.ledger.fillsSince(t),
        realizedByBot: () => new Map(),
        valueHistory: () => [],
      },
    });
    daily.start();
    await clock.advance(HOUR);
    await vi.waitFor(() => expect(sent).toEqual(["2026-12-02T08:00:00.000Z"]));
    expect(harness.logs.text()).toContain("the last daily report is dated after now");
    await daily.stop();
  });
});
