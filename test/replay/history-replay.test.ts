import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { replayConfig } from "../../src/replay/config.js";
import type { Report } from "../../src/replay/report.js";
import { runReplay } from "../../src/replay/runner.js";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { runHistory } from "../history/run.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const root = mkdtempSync(join(tmpdir(), "mpb-history-replay-"));
const history = join(root, "history");
let sim: RunningSim;
// Yesterday and the day before, in whole UTC days: candles the standalone simulator has closed already.
const today = Math.floor(Date.now() / DAY) * DAY;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  sim = await startSim({ port: 0, seed: 11, generatedAlts: 12, rateLimit: { enabled: false } });
  // The history a user would download, made by the real downloader against the standalone simulator.
  const core = "BTCUSDC,ETHUSDC,BTCUSDT,ETHUSDT,USDCUSDT,MXUSDT";
  for (const symbols of [core, "top:6"]) {
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        symbols,
        "--interval",
        "15m",
        "--from",
        day(today - 2 * DAY),
        "--to",
        day(today - DAY),
        "--out",
        history,
      ],
      { baseUrl: sim.url },
    );
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

async function replay(out: string): Promise<Report> {
  // The first day warms the indicators up (the scanner asks 100 candles back); the replay is the second's start.
  const fromMs = today - DAY;
  const config = await replayConfig(undefined, {});
  await runReplay({
    fromMs,
    toMs: fromMs + 3 * HOUR,
    interval: "15m",
    config,
    overrides: {},
    history,
    startBalances: { USDT: "600", USDC: "400" },
    outDir: out,
  });
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
}

describe("a replay of fetched history", () => {
  it("runs the suite on the history market, writes the report, and gives the same report.json twice", async () => {
    const a = join(root, "a");
    const report = await replay(a);
    expect(report.interval).toBe("15m");
    expect(report.samples).toBe(4);
    // Only stablecoins at the start: buy-and-hold is their value, moved only by the USDC price of the history.
    const record = JSON.parse(readFileSync(join(a, "record.json"), "utf8"));
    const first = record.samples[0];
    const usdc = new D(first.pricesUsdt.USDC);
    expect(new D(report.buyAndHold.startUsdt).toFixed(6)).toBe(usdc.mul(400).plus(600).toFixed(6));
    expect(report.portfolio.startUsdt).toBe(report.buyAndHold.startUsdt);
    // The bots traded on the history's prices: every fill's price lies inside its candle's range.
    expect(report.fills).toBeGreaterThan(0);
    const rows = (symbol: string) =>
      readFileSync(join(history, `${symbol}-15m.csv`), "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(","));
    for (const f of record.fills) {
      const open = Math.floor(f.timeMs / (15 * 60_000)) * 15 * 60_000;
      const candle = rows(f.symbol).find((r) => Number(r[0]) === open);
      expect(candle, `${f.symbol} at ${open}`).toBeDefined();
      const price = new D(f.price);
      // A limit buy may fill below the trade path by half a spread at most; the range check allows 1 %.
      expect(
        price.gte(new D(candle?.[3] ?? 0).mul(0.99)) && price.lte(new D(candle?.[2] ?? 0).mul(1.01)),
      ).toBe(true);
    }
    const b = join(root, "b");
    await replay(b);
    expect(readFileSync(join(b, "report.json"), "utf8")).toBe(readFileSync(join(a, "report.json"), "utf8"));
  }, 300_000);
});
