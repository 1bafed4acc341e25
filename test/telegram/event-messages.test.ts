import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import type { OrdersReport } from "../../src/bots/events.js";
import { D } from "../../src/decimal.js";
import { apiAlertMessage, eventMessage, proposalMessage } from "../../src/telegram/event-messages.js";
import { htmlToPlain } from "../../src/telegram/format.js";
import { Notifier } from "../../src/telegram/notifier.js";

const stats = (bot: string) => ({
  bot,
  placed: 1,
  filled: 1,
  partial: 0,
  open: 0,
  failed: 0,
  rejected: 0,
  canceled: 0,
  lost: 0,
  unknown: 0,
  fills: 1,
  volume: new Map([["USDT", new D("12.5")]]),
  fees: new Map<string, D>(),
});

describe("event messages: data in, one wording for Telegram and the console", () => {
  it("a report event is its renderer's title and HTML; the console reads the same words as text", () => {
    const orders: OrdersReport = {
      since: 0,
      until: 3_600_000,
      bots: [stats("buyer")],
      totals: stats("total"),
      failures: [],
    };
    const n = eventMessage({
      type: "report",
      bot: "reporter",
      report: { kind: "orders", orders, problem: "sync <failed>" },
    });
    expect(n).toMatchObject({ type: "report:reporter", severity: "info" });
    expect(n?.text.startsWith("<b>Orders report</b>\n")).toBe(true);
    const text = htmlToPlain(n?.text ?? "");
    expect(text).toContain("buyer: 1 fill, volume 12.5 USDT, fees 0");
    expect(text.endsWith("⚠️ sync <failed>")).toBe(true);
    expect(n?.text).toContain("sync &lt;failed&gt;");
  });

  it("a skipped rebalance is escaped plain text under its title", () => {
    const n = eventMessage({
      type: "report",
      bot: "pnl",
      report: { kind: "rebalance-skipped", why: "PnL < 0" },
    });
    expect(n?.text).toBe("<b>Rebalance skipped</b>\nPnL &lt; 0");
  });

  it("decisions and bot-to-bot events are not messages", () => {
    expect(eventMessage({ type: "funds-freed", asset: "USDC", amount: "1", by: "pnl" })).toBeUndefined();
    expect(eventMessage({ type: "rebalance-requested", by: "pnl", reason: "x" })).toBeUndefined();
  });

  it("exchange alerts and proposals are words from plain data", () => {
    expect(apiAlertMessage({ kind: "banned", message: "403 <ip>" })).toMatchObject({
      type: "api-banned",
      severity: "alert",
      text: "⚠️ <b>MEXC banned this IP for a while</b>: 403 &lt;ip&gt;",
    });
    const p = {
      id: "p1",
      bot: "buyer",
      intent: { side: "BUY", symbol: "BTCUSDC", quantity: "0.001" },
      referencePrice: "60000",
      reason: "balance buy",
      expiresAt: 0,
    };
    expect(htmlToPlain(proposalMessage(p)?.text ?? "")).toBe(
      "📝 buyer proposes BUY 0.001 BTCUSDC at ~60000: balance buy. Approve it in Telegram before 1970-01-01T00:00:00.000Z.",
    );
    expect(proposalMessage({ ...p, executingSince: 1 })).toBeUndefined();
  });

  it("a report held for the daily report is named by its title and rendered only for a log that keeps its text", () => {
    const orders: OrdersReport = { since: 0, until: 1, bots: [], totals: stats("total"), failures: [] };
    for (const level of ["warn", "info"] as const) {
      const n = eventMessage({ type: "report", bot: "reporter", report: { kind: "orders", orders } });
      if (!n) throw new Error("no notification");
      const read = vi.spyOn(n, "text", "get");
      const lines: string[] = [];
      const notifier = new Notifier({
        sink: { send: async () => {} },
        clock: { now: () => 0 } as never,
        log: pino({ level }, { write: (l: string) => void lines.push(l) }),
        mergeWindowSec: 60,
        minIntervalPerTypeSec: 30,
        levels: { report: "report" },
        tradeDigestSec: 60,
      });
      notifier.notify(n);
      expect(notifier.held.take().join("\n")).toContain("Orders report ×1");
      expect(read).toHaveBeenCalledTimes(level === "warn" ? 0 : 1);
      expect(lines.some((l) => l.includes("Orders report"))).toBe(level === "info");
    }
  });
});
