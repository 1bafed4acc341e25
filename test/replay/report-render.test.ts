import { describe, expect, it } from "vitest";
import type { ReplayBotResult } from "../../src/replay/record.js";
import { computeReport } from "../../src/replay/report.js";
import { money, renderConsole, renderMarkdown, signedPct } from "../../src/replay/report-render.js";
import { record, sample } from "./report-helpers.js";

const bot = (name: string): ReplayBotResult => ({
  bot: name,
  orders: 12_345,
  fills: 0,
  realizedUsdt: "-123456.789",
  unrealizedUsdt: "98765.4321",
  turnoverUsdt: "123456789.12",
  feesUsdt: "1234.5",
});

describe("the report for people", () => {
  it("fits the console summary on one screen, even with many bots and long overrides", () => {
    const overrides = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`pnlSeller.someLongKeyName${i}`, "0.07"]),
    );
    const report = computeReport(
      record([sample(0, "1000"), sample(1, "120"), sample(365, "1000000")], {
        overrides,
        bots: Array.from({ length: 14 }, (_, i) => bot(`bot-with-a-long-name-${i}`)),
      }),
    );
    const out = renderConsole(report, { dir: "data/replays/2025-01-01", chartLabelled: false });
    const lines = out.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(25);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(out).toContain("… and 6 more bots in report.md");
    expect(out).toContain(
      "Max drawdown: 88.00 % from 2025-01-01 00:00 to 2025-01-02 00:00, recovered 2026-01-01",
    );
    expect(out).toContain("chart.png has no labels");
  });

  it("shows the key figures on the console", () => {
    const report = computeReport(record([sample(0, "1000"), sample(1, "1100")]));
    const out = renderConsole(report);
    expect(out).toMatch(/^Portfolio\s+1,000\.00\s+1,100\.00\s+100\.00\s+\+10\.00 %$/m);
    expect(out).toContain("Max drawdown: none");
    expect(out).toContain("Overrides: none (the default config)");
  });

  it("formats money from the decimal string, with separators and signs", () => {
    expect([money("1234567.895"), money("-0.004"), money("-1234.5"), money(null)]).toEqual([
      "1,234,567.90",
      "-0.00",
      "-1,234.50",
      "n/a",
    ]);
    expect([signedPct("2"), signedPct("-0.5"), signedPct(null)]).toEqual(["+2.00 %", "-0.50 %", "n/a"]);
  });

  it("puts every bot and every warning into report.md", () => {
    const report = computeReport(
      record([sample(0, "100")], { bots: Array.from({ length: 14 }, (_, i) => bot(`b${i}`)) }),
    );
    const md = renderMarkdown(report);
    for (let i = 0; i < 14; i++) expect(md).toContain(`| b${i} | 12345 | 0 | -123,456.79 | 98,765.43 |`);
    expect(md).toContain("## Warnings");
    expect(md).toContain("more than 5 % of the value was outside USDT and USDC");
  });
});
