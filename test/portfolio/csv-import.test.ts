import { describe, expect, it } from "vitest";
import { computeCostBasis } from "../../src/portfolio/cost-basis.js";
import { importFillsCsv } from "../../src/portfolio/csv-import.js";
import type { Fill } from "../../src/portfolio/fill.js";
import { str } from "./helpers.js";

const HEADER = "time,symbol,side,price,quantity,quote_quantity,fee,fee_asset";

const good = [
  HEADER,
  "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,0.6,USDT",
  "1709301600000,ETH_BTC,buy,0.05,2,0.1,0.002,ETH",
  "2024-03-01T12:00:00.5+01:00,MXUSDT,Sell,3.5,100,350,0.01,MX",
  "2024-03-02T00:00:00Z,BTC/USDC,SELL,61000,0.005,305,0,",
].join("\n");

function ok(text: string): readonly Fill[] {
  const r = importFillsCsv(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.fills;
}

describe("importFillsCsv", () => {
  it("reads a good file", () => {
    const fills = ok(good);
    expect(fills.map((f) => [f.symbol, f.base, f.quote, f.side, f.time, f.feeAsset])).toEqual([
      ["BTCUSDT", "BTC", "USDT", "BUY", Date.UTC(2024, 2, 1, 10), "USDT"],
      ["ETHBTC", "ETH", "BTC", "BUY", 1709301600000, "ETH"],
      ["MXUSDT", "MX", "USDT", "SELL", Date.UTC(2024, 2, 1, 11, 0, 0, 500), "MX"],
      ["BTCUSDC", "BTC", "USDC", "SELL", Date.UTC(2024, 2, 2), "USDC"], // fee 0 and no asset → quote
    ]);
    const first = fills[0]!;
    expect([str(first.price), str(first.qty), str(first.quoteQty), str(first.fee)]).toEqual([
      "60000",
      "0.01",
      "600",
      "0.6",
    ]);
    expect(first.source).toBe("import");
    expect(first.isMaker).toBe(false);
    expect(first.clientOrderId).toBeUndefined();
    expect(first.id).toMatch(/^import-[0-9a-f]{24}$/);
    expect(first.orderId).toBe(first.id);
  });

  it("feeds the cost basis as manual trades", () => {
    const snap = computeCostBasis(ok(good));
    expect(str(snap.assets.get("BTC")!.totalCost)).toBe("300.3"); // 600 + 0.6, half of it sold
    expect([...snap.byBot.keys()]).toEqual(["manual"]);
  });

  it("gives the same ids to the same rows, whatever the formatting, so a re-import adds nothing", () => {
    const again = ok(
      good.replace("60000,0.01,600,0.6", "60000.00,0.010,600.0,0.60").replace("BTCUSDT", "btcusdt"),
    );
    expect(again.map((f) => f.id)).toEqual(ok(good).map((f) => f.id));
    const merged = new Map([...ok(good), ...again].map((f) => [f.id, f]));
    expect(merged.size).toBe(4);
  });

  it("keeps two identical trades as two fills", () => {
    const row = "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,0.6,USDT";
    const fills = ok([HEADER, row, row].join("\n"));
    expect(new Set(fills.map((f) => f.id)).size).toBe(2);
    expect(ok([HEADER, row, row].join("\n")).map((f) => f.id)).toEqual(fills.map((f) => f.id));
  });

  it("reports every bad row with its line number and imports nothing", () => {
    const text = [
      HEADER,
      "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,0.6,USDT",
      "",
      "2024-03-01 10:00,BTCUSDT,BUY,60000,0.01,600,0.6,USDT",
      "1709301600,BTCUSDT,BUY,60000,0.01,600,0.6,USDT",
      "2024-03-01T10:00:00Z,BTCEUR,BUY,60000,0.01,600,0.6,USDT",
      "2024-03-01T10:00:00Z,BTCUSDT,HOLD,6e4,-0.01,600,0.6,USDT",
      "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,600,0.01,0.6,USDT",
      "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600",
      "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,0.6,",
      '2024-02-30T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,"0,6",USDT',
      "2024-03-01T10:00:00Z,BTCUSDT,BUY,60000,0.01,600,0.02,BTC",
    ].join("\n");
    const r = importFillsCsv(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const at = (line: number): string => r.errors.find((e) => e.line === line)?.message ?? "";
    expect(at(4)).toMatch(/time .* neither ISO-8601 with a time zone nor epoch milliseconds/);
    expect(at(5)).toMatch(/looks like epoch seconds/);
    expect(at(6)).toMatch(/symbol "BTCEUR" does not end in a known quote/);
    expect(at(7)).toMatch(/side "HOLD".*price "6e4" is not a plain decimal.*quantity "-0.01"/);
    expect(at(8)).toBe("quote_quantity 0.01 is not price × quantity (36000000)");
    expect(at(9)).toMatch(/expected 8 fields, found 6/);
    expect(at(10)).toMatch(/fee_asset is required when fee is not 0/);
    expect(at(11)).toMatch(/not a valid date.*fee "0,6" is not a plain decimal/);
    expect(at(12)).toBe("base-asset fee exceeds qty");
  });

  it("reads quoted fields, CRLF line endings, a BOM and empty lines", () => {
    const text =
      "\uFEFF" +
      [
        "",
        `"fee_asset","time",symbol,side,price,quantity,quote_quantity,fee`,
        "  ",
        `"USDT" , "2024-03-01T10:00:00Z","BTC""USDT",BUY,1,1,1,0`,
        `USDT,2024-03-01T10:00:00Z,"BTCUSDT", buy ,"60000","0.01","600","0.6"`,
        "",
      ].join("\r\n");
    const r = importFillsCsv(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // The header is on line 2; the quoted `BTC"USDT` (line 4) is not a symbol; line 5 is fine.
    expect(r.errors).toEqual([{ line: 4, message: expect.stringMatching(/symbol "BTC"USDT"/) }]);

    const fixed = ok(text.replace(`"BTC""USDT"`, `"BTCUSDT"`));
    expect(fixed).toHaveLength(2);
    expect(fixed.map((f) => [f.symbol, f.side, f.feeAsset])).toEqual([
      ["BTCUSDT", "BUY", "USDT"],
      ["BTCUSDT", "BUY", "USDT"],
    ]);
  });

  it("keeps line numbers right after a quoted field spanning lines", () => {
    const text = [
      HEADER,
      `2024-03-01T10:00:00Z,"BTC`,
      `USDT",BUY,1,1,1,0,USDT`,
      "x,BTCUSDT,BUY,1,1,1,0,USDT",
    ].join("\n");
    const r = importFillsCsv(text);
    expect(r.ok ? [] : r.errors.map((e) => e.line)).toEqual([2, 4]);
  });

  it("rejects a bad header, text after a closing quote, and an unclosed quote", () => {
    const badHeader = importFillsCsv("time,symbol,side,price,qty,quote_quantity,fee,fee_asset\n");
    expect(badHeader).toEqual({
      ok: false,
      errors: [
        { line: 1, message: expect.stringMatching(/unknown column "qty".*missing column\(s\) quantity/) },
      ],
    });
    expect(importFillsCsv("")).toEqual({
      ok: false,
      errors: [{ line: 1, message: expect.stringMatching(/no header/) }],
    });
    const afterQuote = importFillsCsv(`${HEADER}\n2024-03-01T10:00:00Z,"BTCUSDT"x,BUY,1,1,1,0,USDT`);
    expect(afterQuote).toEqual({ ok: false, errors: [{ line: 2, message: "text after a closing quote" }] });
    const unclosed = importFillsCsv(`${HEADER}\n2024-03-01T10:00:00Z,"BTCUSDT,BUY,1,1,1,0,USDT\n`);
    expect(unclosed).toEqual({ ok: false, errors: [{ line: 2, message: "a quoted field is never closed" }] });
  });

  it("accepts a header with no rows", () => {
    expect(importFillsCsv(HEADER + "\r\n")).toEqual({ ok: true, fills: [] });
  });
});
