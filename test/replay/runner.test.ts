import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { replayConfig } from "../../src/replay/config.js";
import type { ReplayRecord } from "../../src/replay/record.js";
import { runReplay } from "../../src/replay/runner.js";

const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 0, 1);
const out = mkdtempSync(join(tmpdir(), "mpb-replay-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the replay runner on the synthetic market", () => {
  // Three simulated hours at the candle pace: every bot decides at each of the 13 closes, the reporter 4 times.
  it("runs the real suite and records samples, the bots' fills and their messages", async () => {
    const overrides = { "pnlSeller.profitThresholdUsd": "0.5" };
    const config = await replayConfig(undefined, overrides);
    expect(config.pnlSeller.profitThresholdUsd.toFixed()).toBe("0.5");
    const record = await runReplay({
      fromMs: FROM,
      toMs: FROM + 3 * HOUR,
      interval: "15m",
      config,
      overrides,
      startBalances: { USDT: "700", USDC: "300" },
      outDir: out,
    });

    // The start is the account the simulator was given, valued at its first prices; one sample an hour after.
    const first = record.samples[0];
    expect(first?.timeMs).toBe(FROM);
    expect(first?.balances).toEqual({ USDC: "300", USDT: "700" });
    const usdc = new D(first?.pricesUsdt.USDC ?? "0");
    expect(new D(first?.valueUsdt ?? "0").toFixed(6)).toBe(usdc.mul(300).plus(700).toFixed(6));
    expect(first?.pricesUsdt.BTC).toBeDefined();
    expect(record.samples.map((s) => s.timeMs)).toEqual([
      FROM,
      FROM + HOUR,
      FROM + 2 * HOUR,
      FROM + 3 * HOUR,
    ]);

    // Fills are the bots' own trades, attributed through the journal, oldest first.
    expect(record.fills.length).toBeGreaterThan(0);
    expect(record.fills.every((f) => f.bot !== "manual")).toBe(true);
    expect(record.fills.map((f) => f.timeMs)).toEqual(
      [...record.fills.map((f) => f.timeMs)].sort((a, b) => a - b),
    );
    const byBot = record.bots.reduce((n, b) => n + b.fills, 0);
    expect(byBot).toBe(record.fills.length);
    expect(record.bots.some((b) => b.orders > 0 && b.fills > 0)).toBe(true);
    const fees = record.fills.reduce((s, f) => s.plus(f.feeUsdt), new D(0));
    expect(fees.gt(0)).toBe(true);

    // The messages the suite would have sent, as plain text (no HTML tags), in time order.
    expect(record.messages.length).toBeGreaterThan(0);
    expect(record.messages.some((m) => /<\/?(b|i|code|pre)>/.test(m.text))).toBe(false);
    expect(record.messages.every((m) => m.timeMs >= FROM)).toBe(true);

    expect(record.overrides).toEqual(overrides);
    expect(record).toMatchObject({ fromMs: FROM, toMs: FROM + 3 * HOUR, interval: "15m" });
    expect(record.startBalances).toEqual({ USDT: "700", USDC: "300" });
    // record.json holds exactly the record (the report reads it back).
    const onDisk = JSON.parse(readFileSync(join(out, "record.json"), "utf8")) as ReplayRecord;
    expect(onDisk).toEqual(record);
  }, 300_000);
});
