import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReplayRecord } from "../../src/replay/record.js";
import { REPORT_FILES, writeReport, writeReportFiles } from "../../src/replay/report-files.js";
import { DAY, fill, record, sample, T0 } from "./report-helpers.js";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const fresh = () => mkdtempSync(join(tmpdir(), "replay-report-"));

/** A week of hourly samples: BTC rises then falls, the account holds some of it. */
function week(): ReplayRecord {
  const samples = Array.from({ length: 7 * 24 }, (_, i) => {
    const btc = (50_000 + Math.round(Math.sin(i / 20) * 4_000)).toString();
    const value = (500 + 0.01 * Number(btc)).toFixed(2);
    return sample(i / 24, value, {
      balances: { USDT: "500", BTC: "0.01" },
      pricesUsdt: { BTC: btc, ETH: (2_000 + (i % 50)).toString() },
    });
  });
  return record(samples, {
    startBalances: { USDT: "500", BTC: "0.01" },
    fills: [
      fill({ feeUsdt: "0.05" }),
      fill({ bot: "pnl, seller", side: "SELL", orderId: "2", timeMs: T0 + 2 * DAY, feeUsdt: "0.04" }),
    ],
    bots: [
      {
        bot: "balancer5050",
        orders: 1,
        fills: 1,
        realizedUsdt: "0",
        unrealizedUsdt: "1.25",
        turnoverUsdt: "50",
        feesUsdt: "0.05",
      },
    ],
    messages: [
      { timeMs: T0, text: "Suite started" },
      { timeMs: T0 + DAY, text: "Bought 0.001 BTC\nat 50,000" },
    ],
    overrides: { "balancer5050.deviationPct": "10" },
  });
}

describe("writeReport", () => {
  it("writes every file into a folder it creates", async () => {
    const dir = join(fresh(), "nested", "out");
    const report = await writeReport(week(), dir);
    expect(readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort());
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8"))).toEqual(report);
    const md = readFileSync(join(dir, "report.md"), "utf8");
    expect(md).toContain("| Buy and hold |");
    expect(md).toContain("| balancer5050 | 1 | 1 |");
    expect(md).toContain("![Value against the benchmarks, drawdown underneath](chart.png)");
  });

  it("gives a byte-identical report.json for the same record, also once read back from disk", async () => {
    const rec = week();
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await writeReport(rec, a);
    await writeReport(rec, b);
    // The runner may write the record as JSON and report it later: the strings make that lossless.
    await writeReport(JSON.parse(JSON.stringify(rec)) as ReplayRecord, c);
    const first = readFileSync(join(a, "report.json"));
    expect(readFileSync(join(b, "report.json")).equals(first)).toBe(true);
    expect(readFileSync(join(c, "report.json")).equals(first)).toBe(true);
    // Its key order is the Report's, not the order the record happened to list its maps in.
    const reordered = { ...rec, overrides: { z: "1", a: "2" } };
    const swapped = { ...rec, overrides: { a: "2", z: "1" } };
    const [d, e] = [fresh(), fresh()];
    await writeReport(reordered, d);
    await writeReport(swapped, e);
    expect(readFileSync(join(d, "report.json")).equals(readFileSync(join(e, "report.json")))).toBe(true);
    expect(first.toString("utf8").startsWith('{\n  "from": "2025-01-01T00:00:00.000Z",\n')).toBe(true);
  });

  it("draws chart.png as a valid PNG of the chart's size", async () => {
    const dir = fresh();
    const { chartLabelled } = await writeReportFiles(week(), dir);
    const png = readFileSync(join(dir, "chart.png"));
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    // The first chunk is IHDR: width and height as 32-bit big-endian integers.
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([960, 600]);
    expect(png.length).toBeGreaterThan(10_000);
    expect(typeof chartLabelled).toBe("boolean");
  });

  it("draws a single sample and a flat value without failing", async () => {
    for (const rec of [record([sample(0, "100")]), record([sample(0, "0"), sample(1, "0")])]) {
      const dir = fresh();
      await writeReport(rec, dir);
      expect(readFileSync(join(dir, "chart.png")).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    }
  });

  it("lists one fill a row in trades.csv, quoting a field with a comma", async () => {
    const dir = fresh();
    await writeReport(week(), dir);
    expect(readFileSync(join(dir, "trades.csv"), "utf8").split("\n")).toEqual([
      "time,bot,symbol,side,price,qty,quoteQty,fee,feeAsset,feeUsdt,orderId,maker",
      "2025-01-02T00:00:00.000Z,balancer5050,BTCUSDT,BUY,50000,0.001,50,0.05,USDT,0.05,1,false",
      '2025-01-03T00:00:00.000Z,"pnl, seller",BTCUSDT,SELL,50000,0.001,50,0.05,USDT,0.04,2,false',
      "",
    ]);
  });

  it("writes each message with its virtual time, later lines indented under the first", async () => {
    const dir = fresh();
    await writeReport(week(), dir);
    expect(readFileSync(join(dir, "messages.txt"), "utf8")).toBe(
      "2025-01-01T00:00:00.000Z  Suite started\n" +
        "2025-01-02T00:00:00.000Z  Bought 0.001 BTC\n" +
        `${" ".repeat(26)}at 50,000\n`,
    );
  });
});
