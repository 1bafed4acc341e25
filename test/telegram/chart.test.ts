import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { portfolioChart, portfolioSvg } from "../../src/telegram/chart.js";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const start = Date.UTC(2026, 0, 1);

const values = Array.from({ length: 48 }, (_, i) => ({
  time: start + i * 3_600_000,
  valueUsd: (10_000 + Math.round(Math.sin(i / 5) * 400 + i * 15)).toString(),
}));
const allocation = [
  { label: "BTC", valueUsd: "6000.12" },
  { label: "ETH", valueUsd: "3200.5" },
  { label: "USDC", valueUsd: "800" },
  { label: "PEPE <meme>", valueUsd: "45.3" },
  { label: "DUST", valueUsd: "0" },
];

describe("portfolioChart", () => {
  it("renders a PNG of plausible size", () => {
    const png = portfolioChart({ values, allocation });
    expect(png.subarray(0, 8)).toEqual(PNG);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1_000_000);
    // Kept for a look by eye: /tmp/portfolio-chart.png
    writeFileSync("/tmp/portfolio-chart.png", png);
  });

  it("escapes labels and names the font explicitly", () => {
    const svg = portfolioSvg({ values, allocation });
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).toContain("PEPE &lt;meme&gt;");
  });

  it("handles no data and a single point", () => {
    for (const input of [
      { values: [], allocation: [] },
      {
        values: [{ time: start, valueUsd: "1234.56" }],
        allocation: [{ label: "USDC", valueUsd: "1234.56" }],
      },
      { values: [{ time: start, valueUsd: "0" }], allocation: [] },
    ]) {
      const png = portfolioChart(input);
      expect(png.subarray(0, 8)).toEqual(PNG);
      expect(png.length).toBeGreaterThan(2_000);
    }
    expect(portfolioSvg({ values: [], allocation: [] })).toContain("No value history yet");
  });
});
