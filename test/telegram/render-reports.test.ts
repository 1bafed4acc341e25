import { describe, expect, it } from "vitest";
import type { ScannedPair, ScanReport } from "../../src/bots/events.js";
import { D } from "../../src/decimal.js";
import { computeCostBasis } from "../../src/portfolio/cost-basis.js";
import { pnlTable } from "../../src/portfolio/pnl-table.js";
import { htmlToPlain } from "../../src/telegram/format.js";
import { formatPnlSummary } from "../../src/telegram/render/pnl-summary.js";
import { formatScanReport } from "../../src/telegram/render/scan-report.js";
import { fill } from "../portfolio/helpers.js";

/** Telegram rejects a stray "<" or "&": once our own tags are gone, none may remain. */
function expectSafeHtml(html: string): void {
  const text = html.replace(/<\/?(b|i|code|pre)>/g, "");
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot);)/);
}

function pair(symbol: string, over: Partial<ScannedPair> = {}): ScannedPair {
  return {
    symbol,
    kind: "opportunity",
    score: 3,
    reasons: ["RSI oversold", "MACD cross"],
    scoreReasons: ["RSI oversold", "MACD cross"],
    quoteVolume: 1_234_567,
    change24hPct: 2.5,
    verdict: "allowed",
    multiplier: 1,
    ...over,
  };
}

function scan(over: Partial<ScanReport> = {}): ScanReport {
  const opportunities = [
    pair("AAAUSDT", { score: 5 }),
    pair("B<B>USDT", { score: 4, reasons: ["volume > 2× & rising"] }),
  ];
  return {
    at: 0,
    usdtPairs: 40,
    selected: 30,
    scanned: 29,
    opportunities,
    neutral: [pair("NEUUSDT", { kind: "neutral", score: 0 })],
    blocked: [
      pair("PUMPUSDT", {
        kind: "blocked",
        score: -10,
        reasons: ["RSI oversold", "pumped +40% in 24 h", "price > upper band"],
        scoreReasons: ["RSI oversold"],
        change24hPct: 40,
        verdict: "blocked",
        multiplier: 0,
      }),
    ],
    failed: [{ symbol: "ERRUSDT", error: "HTTP 500 <html>" }],
    best: opportunities[0],
    aborted: false,
    ...over,
  };
}

describe("formatScanReport", () => {
  it("lists the counts, the best, the top opportunities with reasons and the blocked pairs with why", () => {
    const html = formatScanReport(scan());
    const text = htmlToPlain(html);
    expect(text).toContain(
      "Scanned 29 of 30 pairs (40 USDT pairs): 2 opportunities, 1 neutral, 1 blocked, 1 failed",
    );
    expect(text).toMatch(/Best: AAAUSDT score 5/);
    expect(text).toMatch(/AAAUSDT\s+5\s+\+2\.50%\s+\$1,234,567/);
    expect(text).toContain("• AAAUSDT: RSI oversold, MACD cross");
    // The filter's reasons, not the score's, say why a pair was blocked.
    expect(text).toContain("• PUMPUSDT +40.00%: pumped +40% in 24 h, price > upper band");
    expect(text).not.toContain("NEUUSDT");
    expect(text).toContain("ERRUSDT (HTTP 500 <html>)");
  });

  it("escapes symbols, reasons and errors", () => {
    const html = formatScanReport(scan());
    expectSafeHtml(html);
    expect(html).toContain("B&lt;B&gt;USDT");
    expect(html).toContain("volume &gt; 2× &amp; rising");
  });

  it("says when there is no opportunity, when the scan was cut short, and caps the lists", () => {
    const many = Array.from({ length: 8 }, (_, i) => pair(`X${i}USDT`, { kind: "blocked", score: -10 }));
    const html = formatScanReport(
      scan({ opportunities: [], best: undefined, blocked: many, aborted: true, failed: [] }),
      { blocked: 3 },
    );
    const text = htmlToPlain(html);
    expect(text).toContain("Best: no opportunity");
    expect(text).toContain("stopped before it finished");
    expect(text).toContain("Blocked (8)");
    expect(text.match(/^• X\dUSDT/gm)).toHaveLength(3);
    expect(text).toContain("… and 5 more");
    expect(text).not.toContain("Top opportunities");
    expect(text).not.toContain("failed");
  });

  it("shows an unknown 24 h change as a dash, never NaN", () => {
    const text = htmlToPlain(
      formatScanReport(scan({ opportunities: [pair("NANUSDT", { change24hPct: NaN })] })),
    );
    expect(text).toMatch(/NANUSDT\s+3\s+—/);
    expect(text).not.toContain("NaN");
  });
});

describe("formatPnlSummary", () => {
  const fills = [
    fill({ id: "1", time: 1_000, side: "BUY", base: "BTC", price: "50000", qty: "0.002", quoteQty: "100" }),
    fill({ id: "2", time: 2_000, side: "SELL", base: "BTC", price: "60000", qty: "0.001", quoteQty: "60" }),
    fill({ id: "3", time: 3_000, side: "BUY", base: "ETH", price: "2000", qty: "0.05", quoteQty: "100" }),
  ];
  const basis = computeCostBasis(fills);

  it("one row per asset, totals with the total PnL, and the held quantities", () => {
    const prices = new Map([
      ["BTCUSDT", new D("70000")],
      ["ETHUSDT", new D("1800")],
    ]);
    const t = pnlTable(basis, prices, () => new D(0), 3_000);
    const text = htmlToPlain(formatPnlSummary(t, "BTC/ETH <positions>"));
    expect(text.split("\n")[0]).toBe("BTC/ETH <positions>");
    // BTC: 0.001 left at avg 50,000 → value 70, unrealized +20, realized 60 − 50 = +10.
    expect(text).toMatch(/BTC\s+\$70\.00\s+\+\$20\.00\s+\+\$10\.00/);
    // ETH: 0.05 at 2,000, now 1,800 → value 90, unrealized −10.
    expect(text).toMatch(/ETH\s+\$90\.00\s+-\$10\.00\s+\$0\.00/);
    expect(text).toContain("Total: value $160.00, unrealized +$10.00, realized +$10.00, PnL +$20.00");
    expect(text).toContain("• 0.001 BTC at avg $50,000.00, now $70,000.00");
    expectSafeHtml(formatPnlSummary(t, "BTC/ETH <positions>"));
  });

  it("an unpriced asset shows dashes and no price, and an empty table says so", () => {
    const t = pnlTable(basis, new Map([["BTCUSDT", new D("70000")]]), () => new D(0), 3_000);
    const text = htmlToPlain(formatPnlSummary(t, "All"));
    expect(text).toMatch(/ETH\s+—\s+—\s+\$0\.00/);
    expect(text).toContain("0.05 ETH at avg $2,000.00, no price");
    const empty = pnlTable(computeCostBasis([]), new Map(), () => new D(0), 0);
    expect(htmlToPlain(formatPnlSummary(empty, "Alt positions"))).toBe("Alt positions\nNo positions.");
  });
});
