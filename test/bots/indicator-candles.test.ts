import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Klines come back from the client as floats (`IndicatorCandle`) for the indicators only; an order's price,
 * quantity or amount is a Decimal from the ticker, the book or the rules. The type cannot stop `new D(c.close)`,
 * so this keeps the readers of klines to the places that feed them to the indicators: a new one must be looked
 * at (and added here) before it can be merged.
 */
const SRC = resolve(dirname(new URL(import.meta.url).pathname), "../../src");
const READERS = ["bots/book-buy.ts", "bots/candle-cache.ts", "bots/market-scan.ts"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith(".ts") ? [p] : [];
  });
}

describe("indicator candles", () => {
  const files = sources(SRC).map((abs) => ({ rel: relative(SRC, abs), text: readFileSync(abs, "utf8") }));

  it("are read from the client only where they feed the indicators", () => {
    const readers = files
      // The api room makes them, the simulator sends rows, filters/ take numbers and cannot import the api.
      .filter((f) => !/^(api|sim|filters)\//.test(f.rel))
      .filter((f) => /\.klines\(|\bIndicatorCandle\b/.test(f.text))
      .map((f) => f.rel)
      .sort();
    expect(readers).toEqual(READERS);
  });

  it("never become a Decimal where they are read", () => {
    for (const rel of READERS) {
      const text = files.find((f) => f.rel === rel)?.text ?? "";
      expect(text, rel).not.toMatch(/\bD\([^)]*\b(candles?|klines?|indicatorCandles)\b/i);
      expect(text, rel).not.toMatch(/\.(open|high|low|close)\b[^\n]*\b(D|Decimal)\b/);
    }
  });
});
