import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { MonitorRuntime } from "../../src/bots/runtime.js";
import { flushAsync, VirtualClock } from "../../src/clock.js";
import { replayConfig } from "../../src/replay/config.js";
import { parseReplayArgs, ReplayArgsError } from "../../src/replay/options.js";
import { CandleGrid, pacedConfig } from "../../src/replay/pace.js";
import type { ReplayRecord } from "../../src/replay/record.js";
import type { Report } from "../../src/replay/report.js";
import { renderConsole } from "../../src/replay/report-render.js";
import { runReplay } from "../../src/replay/runner.js";
import type { Store } from "../../src/store/index.js";
import { MIN, makeRuntime, openStore, testBot } from "../bots/helpers.js";

const HOUR = 60 * MIN;
const FROM = Date.UTC(2025, 0, 1);
const out = mkdtempSync(join(tmpdir(), "mpb-replay-pace-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the candle pace as a transformation of the config", () => {
  it("runs every bot at most once a 15m candle, on the grid, and says what it changed", async () => {
    const config = await replayConfig(undefined, {});
    const { config: paced, pace, timers } = pacedConfig(config, 15 * MIN, "candle");
    expect(pace.botPeriodsSec).toEqual({
      alts: 900,
      balancer: 900,
      buyer: 900,
      pnl: 900,
      reporter: 3600,
      scanner: 900,
    });
    // Cooldowns shorter than a candle never hold a run at the next close: left as configured.
    expect(paced.balanceBuyer.cooldownSec).toBe(300);
    expect(paced.balancer5050.cooldownSec).toBe(60);
    expect(pace.changed).toEqual({
      "scanner.intervalSec": [600, 900],
      "balanceBuyer.intervalSec": [60, 900],
      "pnlSeller.intervalSec": [60, 900],
      "altsSeller.intervalSec": [60, 900],
      "balancer5050.intervalSec": [60, 900],
      "pnlSeller.notifyEverySec": [600, 900],
      "altsSeller.notifyEverySec": [600, 900],
    });
    expect(timers).toEqual({
      stepMs: 15 * MIN,
      followEveryMs: MIN,
      gateTickMs: 15 * MIN,
      watchEveryMs: 15 * MIN,
      timeSyncMs: undefined,
    });
    expect(pace.timersSec).toEqual({ gateTick: 900, portfolioWatch: 900, orderFollowUp: 60, timeSync: 300 });
    // The config it was given is untouched (a sweep builds every point from the same one).
    expect(config.pnlSeller.intervalSec).toBe(60);
    expect(config.telegram.valueSampleEverySec).toBe(900);
  });

  it("rounds periods and cooldowns of a candle or more up to whole candles (4h, 5m)", async () => {
    const config = await replayConfig(undefined, { "balancer5050.cooldownSec": "400" });
    const h4 = pacedConfig(config, 4 * HOUR, "candle");
    expect(h4.pace.botPeriodsSec.reporter).toBe(4 * 3600);
    expect(h4.config.pnlSeller.rebalanceEverySec).toBe(4 * 3600);
    expect(h4.config.telegram.valueSampleEverySec).toBe(4 * 3600);
    expect(h4.config.balancer5050.cooldownSec).toBe(400);
    const m5 = pacedConfig(config, 5 * MIN, "candle");
    expect(m5.config.balanceBuyer.cooldownSec).toBe(300);
    expect(m5.config.balancer5050.cooldownSec).toBe(600);
    expect(m5.pace.changed["balancer5050.cooldownSec"]).toEqual([400, 600]);
    expect(m5.pace.botPeriodsSec.reporter).toBe(3600);
  });

  it("leaves the config as it is at the bot pace", async () => {
    const config = await replayConfig(undefined, {});
    const { config: same, pace, timers } = pacedConfig(config, 15 * MIN, "bot");
    expect(same).toEqual(config);
    expect(pace.changed).toEqual({});
    expect(pace.botPeriodsSec).toEqual({
      alts: 60,
      balancer: 60,
      buyer: 60,
      pnl: 60,
      reporter: 3600,
      scanner: 600,
    });
    expect(timers).toEqual({ stepMs: MIN, gateTickMs: MIN, watchEveryMs: undefined, timeSyncMs: undefined });
  });

  it("is a flag of npm run replay, candle by default", () => {
    const base = ["--from", "2025-01-01", "--to", "2025-01-02"];
    expect(parseReplayArgs(base).pace).toBe("candle");
    expect(parseReplayArgs([...base, "--pace", "bot"]).pace).toBe("bot");
    expect(() => parseReplayArgs([...base, "--pace", "minute"])).toThrow(ReplayArgsError);
    expect(() => parseReplayArgs([...base, "--pace", "minute"])).toThrow(/candle .* or bot/);
  });
});

describe("CandleGrid on the real runtime", () => {
  const I = 15 * MIN;
  let store: Store | undefined;
  let runtime: MonitorRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop({ graceMs: 0 });
    await store?.close();
  });

  /**
   * A buyer whose run waits 2 s on the rate limiter before its order and commits a 300 s cooldown then, and a
   * seller that frees funds 1 s into its run (suite.ts answers with runSoon): both 15 min apart.
   */
  async function play(grid: boolean): Promise<number[]> {
    const clock = new VirtualClock(FROM);
    const opened = await openStore(clock);
    store = opened.store;
    const buyer = testBot("buyer", I, async (ctx) => {
      await clock.sleep(2_000);
      await ctx.commitLimits(ctx.now + 300_000);
      return { acted: true, cooldownUntil: ctx.now + 300_000 };
    });
    const seller = testBot("pnl", I, async () => {
      await clock.sleep(1_000);
      runtime?.runSoon("buyer");
      return undefined;
    });
    runtime = makeRuntime(clock, store, opened.stopPath, [seller, buyer], { tickMs: I });
    const pace = pacedConfig(await replayConfig(undefined, {}), I, "candle").pace;
    const candles = new CandleGrid(runtime, FROM, grid ? pace : { ...pace, mode: "bot" });
    runtime.start();
    for (let i = 0; i < 12; i++) {
      await clock.advance(I);
      if (candles.atStep(clock.now())) for (let k = 0; k < 5; k++) await flushAsync();
    }
    return buyer.starts.map((t) => t - FROM);
  }

  it("keeps every run on a close although the limiter and a wake-up would move it", async () => {
    const starts = await play(true);
    expect(starts).toEqual(Array.from({ length: 13 }, (_, i) => i * I));
  });

  it("without it (the bot pace) the same bots leave the closes", async () => {
    const starts = await play(false);
    expect(starts.some((t) => t % I !== 0)).toBe(true);
  });
});

describe("the pace in the record and the report", () => {
  // Two simulated hours on the synthetic market at each pace: the record says what was simulated.
  it("candle: bot periods of a candle in record.json, report.json and the screen", async () => {
    const dir = join(out, "candle");
    const record = await runReplay({
      fromMs: FROM,
      toMs: FROM + 2 * HOUR,
      interval: "15m",
      config: await replayConfig(undefined, {}),
      overrides: {},
      outDir: dir,
    });
    expect(record.pace?.mode).toBe("candle");
    expect(record.pace?.stepSec).toBe(900);
    expect(record.pace?.botPeriodsSec.pnl).toBe(900);
    const onDisk = JSON.parse(readFileSync(join(dir, "record.json"), "utf8")) as ReplayRecord;
    expect(onDisk.pace).toEqual(record.pace);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
    expect(report.pace).toEqual(record.pace);
    expect(renderConsole(report)).toContain(
      "Pace: candle (at 15m closes) · every 900 s: alts, balancer, buyer, pnl, scanner · 3600 s: reporter",
    );
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("balanceBuyer.intervalSec 60 → 900 s");
  }, 300_000);

  it("bot: the configured periods, a minute's step, nothing changed", async () => {
    const dir = join(out, "bot");
    const record = await runReplay({
      fromMs: FROM,
      toMs: FROM + HOUR,
      interval: "15m",
      pace: "bot",
      config: await replayConfig(undefined, {}),
      overrides: {},
      outDir: dir,
    });
    expect(record.pace).toEqual({
      mode: "bot",
      stepSec: 60,
      botPeriodsSec: { alts: 60, balancer: 60, buyer: 60, pnl: 60, reporter: 3600, scanner: 600 },
      timersSec: { gateTick: 60, portfolioWatch: 60, orderFollowUp: 5, timeSync: 300 },
      changed: {},
    });
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
    expect(renderConsole(report)).toContain(
      "Pace: bot (each at its own period) · every 60 s: alts, balancer",
    );
  }, 300_000);
});
