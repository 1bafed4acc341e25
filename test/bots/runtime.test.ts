import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../../src/bots/events.js";
import type { MonitorRuntime } from "../../src/bots/runtime.js";
import { backoffMs } from "../../src/bots/runtime.js";
import { VirtualClock } from "../../src/clock.js";
import type { Store } from "../../src/store/index.js";
import { captureLog, HOUR, MIN, makeRuntime, openStore, testBot } from "./helpers.js";

const T0 = Date.UTC(2026, 0, 5);
let clock: VirtualClock;
let store: Store;
let dir: string;
let stopPath: string;
let runtimes: MonitorRuntime[];

beforeEach(async () => {
  clock = new VirtualClock(T0);
  ({ store, dir, stopPath } = await openStore(clock));
  runtimes = [];
});

afterEach(async () => {
  for (const r of runtimes) await r.stop({ graceMs: 0 });
  await store.close();
});

function start(
  ...args: Parameters<typeof makeRuntime> extends [unknown, unknown, unknown, ...infer R] ? R : never
) {
  const runtime = makeRuntime(clock, store, stopPath, ...args);
  runtimes.push(runtime);
  runtime.start();
  return runtime;
}

function collect(runtime: MonitorRuntime): RuntimeEvent[] {
  const events: RuntimeEvent[] = [];
  runtime.events.onAny((e) => {
    if (e.type !== "decision") events.push(e);
  });
  return events;
}

describe("MonitorRuntime schedule", () => {
  it("runs each bot on its interval for a simulated day", async () => {
    const fast = testBot("scanner", 5 * MIN);
    const slow = testBot("reporter", HOUR);
    // Runs are timed by each bot's own sleep, not by the tick; a coarse tick only makes the day quicker to play.
    start([fast, slow], { tickMs: 10 * MIN });
    await clock.advance(24 * HOUR);
    expect(fast.starts).toHaveLength(24 * 12 + 1);
    expect(slow.starts).toHaveLength(25);
    expect(fast.starts.slice(0, 3)).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN]);
    expect(store.state.bots.reporter?.lastRunAt).toBe(T0 + 24 * HOUR);
  });

  it("never overlaps a bot's runs, and a slow bot delays nobody", async () => {
    const slow = testBot("slow", MIN, async () => {
      await clock.sleep(150_000);
      return undefined;
    });
    const fast = testBot("fast", MIN);
    start([slow, fast]);
    await clock.advance(10 * MIN);
    expect(slow.maxConcurrent).toBe(1);
    // Overdue after each long run: the next one starts as soon as the previous ends.
    expect(slow.starts.map((t) => (t - T0) / 1000)).toEqual([0, 150, 300, 450, 600]);
    expect(fast.starts).toHaveLength(11);
  });

  it("backs a failing bot off with growing delays while another keeps its schedule, alerting once", async () => {
    const bad = testBot("bad", MIN, async () => {
      throw new Error("exchange said no");
    });
    const good = testBot("good", MIN);
    const runtime = start([bad, good], { tickMs: 10 * MIN });
    const events = collect(runtime);
    await clock.advance(2 * HOUR);
    expect(bad.starts.map((t) => (t - T0) / MIN)).toEqual([0, 2, 6, 14, 30, 62]);
    expect(good.starts).toHaveLength(121);
    expect(events).toEqual([{ type: "bot-failing", bot: "bad", errors: 3, lastError: "exchange said no" }]);
    const status = runtime.status().find((s) => s.name === "bad");
    expect(status).toMatchObject({ errorCount: 6, consecutiveErrors: 6, lastError: "exchange said no" });
    expect(status?.nextRunAt).toBe(T0 + 62 * MIN + HOUR);
  });

  it("resets the back-off after a success and alerts again on a new streak", async () => {
    const flaky = testBot("flaky", MIN, async (_ctx, n) => {
      if (n <= 3 || n >= 5) throw new Error(`failure ${n}`);
      return { acted: true };
    });
    const runtime = start([flaky]);
    const events = collect(runtime);
    await clock.advance(40 * MIN);
    // Fails at 0, 2, 6; succeeds at 14; the interval resumes: fails at 15, 17, 21, then waits 8 min.
    expect(flaky.starts.map((t) => (t - T0) / MIN)).toEqual([0, 2, 6, 14, 15, 17, 21, 29]);
    expect(events.map((e) => e.type)).toEqual(["bot-failing", "bot-recovered", "bot-failing"]);
    expect(runtime.status()[0]).toMatchObject({ errorCount: 7, consecutiveErrors: 4 });
  });

  it("caps the back-off at an hour, or the interval when that is longer", () => {
    expect(backoffMs(MIN, 1)).toBe(2 * MIN);
    expect(backoffMs(MIN, 10)).toBe(HOUR);
    expect(backoffMs(4 * HOUR, 1)).toBe(4 * HOUR);
  });

  it("runSoon brings a run forward, and after a run in progress without overlap", async () => {
    const balancer = testBot("balancer", HOUR, async (_ctx, n) => {
      if (n === 2) await clock.sleep(10 * MIN);
      return undefined;
    });
    const runtime = start([balancer]);
    await clock.advance(5 * MIN);
    expect(runtime.runSoon("balancer")).toBe(true);
    await clock.advance(MIN);
    expect(balancer.starts).toEqual([T0, T0 + 5 * MIN]);
    // Asked again while the second run is still going: one more run right after it ends.
    runtime.runSoon("balancer");
    await clock.advance(20 * MIN);
    expect(balancer.starts).toEqual([T0, T0 + 5 * MIN, T0 + 15 * MIN]);
    expect(balancer.maxConcurrent).toBe(1);
    expect(runtime.runSoon("nobody")).toBe(false);
  });

  it("lets bots hand work over through events (funds-freed wakes the balancer)", async () => {
    const balancer = testBot("balancer", HOUR);
    const seller = testBot("seller", 10 * MIN, async (ctx, n) => {
      if (n === 2) ctx.emit({ type: "funds-freed", asset: "USDC", amount: "12.5", by: "seller" });
      return { acted: n === 2 };
    });
    const { log, lines } = captureLog();
    const runtime = start([balancer, seller], { log });
    runtime.events.on("funds-freed", () => {
      throw new Error("a broken listener must not stop the others");
    });
    runtime.events.on("funds-freed", (e) => {
      runtime.runSoon("balancer");
      expect(e.amount).toBe("12.5");
    });
    await clock.advance(15 * MIN);
    expect(seller.starts).toEqual([T0, T0 + 10 * MIN]);
    expect(balancer.starts).toEqual([T0, T0 + 10 * MIN]);
    expect(lines.filter((l) => l.msg === "event listener failed")).toMatchObject([
      { event: "funds-freed", err: { message: "a broken listener must not stop the others" } },
    ]);
  });
});

describe("MonitorRuntime pauses", () => {
  it("persists pause and resume per bot and for all across a new runtime on the same store", async () => {
    const a = testBot("a", MIN);
    const b = testBot("b", MIN);
    const first = start([a, b]);
    await first.pause("a");
    await clock.advance(5 * MIN);
    expect(a.starts).toEqual([T0]);
    expect(b.starts).toHaveLength(6);
    await first.stop({ graceMs: 0 });

    const a2 = testBot("a", MIN);
    const b2 = testBot("b", MIN);
    const second = start([a2, b2]);
    await clock.advance(5 * MIN);
    expect(a2.starts).toEqual([]);
    expect(b2.starts).toHaveLength(5);
    expect(second.status().find((s) => s.name === "a")).toMatchObject({
      paused: true,
      why: ["paused by owner"],
    });

    await second.pause("all");
    await clock.advance(5 * MIN);
    expect(b2.starts).toHaveLength(5);
    expect(store.state.bots.b?.paused).toBe(true);

    await second.resume("all");
    await clock.advance(0);
    // a is long overdue and runs at once; b too, its interval having passed while paused.
    expect(a2.starts).toEqual([clock.now()]);
    expect(b2.starts).toHaveLength(6);
    await expect(second.pause("nobody")).rejects.toThrow(/no bot is named "nobody"/);
  });

  it("pauses every bot within one tick of the emergency-stop file, and resumes when it goes", async () => {
    const a = testBot("a", 10_000);
    const b = testBot("b", MIN);
    const runtime = start([a, b]);
    const events = collect(runtime);
    // Created half a second before a's next run: the run must not slip through before the tick sees it.
    await clock.advance(9_500);
    writeFileSync(stopPath, "");
    await clock.advance(500);
    expect(events).toEqual([{ type: "emergency-stop", active: true, path: stopPath }]);
    expect(runtime.status().every((s) => s.paused && s.why.includes("emergency stop file"))).toBe(true);
    await clock.advance(10 * MIN);
    expect(a.starts).toEqual([T0]);
    expect(b.starts).toEqual([T0]);
    expect(store.state.bots.a?.paused).toBe(false);

    rmSync(stopPath);
    await clock.advance(1_000);
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ type: "emergency-stop", active: false, path: stopPath });
    expect(a.starts).toHaveLength(2);
    expect(b.starts).toHaveLength(2);
    expect(runtime.status()[0]?.paused).toBe(false);
  });

  it("runs nothing while the kill switch is active, and shows why", async () => {
    await store.update((s) => {
      s.killSwitch = { active: true, since: T0, reason: "test" };
      s.bots.retired = { paused: true };
    });
    const a = testBot("a", MIN);
    const runtime = start([a]);
    await clock.advance(HOUR);
    expect(a.starts).toEqual([]);
    expect(runtime.status()).toMatchObject([
      { name: "a", enabled: true, paused: true, why: ["kill switch"], nextRunAt: T0 + HOUR },
      { name: "retired", enabled: false, paused: true, why: ["kill switch", "paused by owner"] },
    ]);
    await store.update((s) => {
      s.killSwitch = { active: false };
    });
    // Noticed at the next tick.
    await clock.advance(1_000);
    expect(a.starts).toEqual([T0 + HOUR + 1_000]);
  });

  it("pauses only buying bots on the daily loss limit", async () => {
    const buyer = testBot("buyer", MIN, undefined, true);
    const seller = testBot("seller", MIN);
    const runtime = start([buyer, seller]);
    const events = collect(runtime);
    runtime.pauseBuyers("lost 30 USD today, limit 25");
    await clock.advance(10 * MIN);
    expect(buyer.starts).toEqual([T0]);
    expect(seller.starts).toHaveLength(11);
    expect(runtime.riskPause).toEqual({ reason: "lost 30 USD today, limit 25", since: T0 });
    expect(runtime.status()[0]).toMatchObject({ paused: true, why: ["daily loss limit"] });
    runtime.resumeBuyers();
    await clock.advance(0);
    expect(buyer.starts).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(["risk-pause", "risk-pause"]);
  });
});

describe("MonitorRuntime pauses reach a run in progress", () => {
  /** A run of five minutes that notes whether its signal was aborted by the end, and why. */
  function longRun(seen: Record<string, string>, name: string, buys = false) {
    return testBot(
      name,
      HOUR,
      async (ctx) => {
        await clock.sleep(5 * MIN);
        seen[name] = ctx.signal.aborted ? (ctx.signal.reason as Error).message : "not aborted";
        return undefined;
      },
      buys,
    );
  }

  it("the owner's pause and the loss limit abort the run's signal, so its next order is not sent", async () => {
    const seen: Record<string, string> = {};
    const bots = [longRun(seen, "owner"), longRun(seen, "buyer", true), longRun(seen, "seller")];
    const runtime = start(bots);
    await clock.advance(MIN);
    await runtime.pause("owner");
    runtime.pauseBuyers("lost 30 USD today, limit 25");
    await clock.advance(5 * MIN);
    expect(seen).toEqual({
      owner: "paused (paused by owner)",
      buyer: "paused (daily loss limit)",
      seller: "not aborted",
    });
  });

  it("the emergency-stop file and the kill switch abort every run within a tick", async () => {
    const seen: Record<string, string> = {};
    const a = longRun(seen, "a");
    start([a]);
    await clock.advance(MIN);
    writeFileSync(stopPath, "");
    await clock.advance(5 * MIN);
    rmSync(stopPath);
    expect(seen).toEqual({ a: "paused (emergency stop file)" });
    // The next run starts at T0 + 1 h; a minute into it the kill switch goes on.
    await clock.advance(55 * MIN);
    expect(a.starts).toHaveLength(2);
    await store.update((s) => {
      s.killSwitch = { active: true, since: clock.now(), reason: "test" };
    });
    await clock.advance(5 * MIN);
    expect(seen).toEqual({ a: "paused (kill switch)" });
  });
});

describe("MonitorRuntime restart and stop", () => {
  it("resumes intervals and cooldowns from the store after a restart", async () => {
    const hourly = testBot("hourly", HOUR);
    const cooling = testBot("cooling", MIN, async (ctx) => ({
      acted: true,
      cooldownUntil: ctx.now + 10 * MIN,
    }));
    const first = start([hourly, cooling]);
    await clock.advance(0);
    await first.stop({ graceMs: 0 });
    // The process restarts from disk two minutes later.
    await store.close();
    await clock.advance(2 * MIN);
    ({ store } = await openStore(clock, dir));
    expect(store.state.bots.cooling).toMatchObject({ lastRunAt: T0, cooldownUntil: T0 + 10 * MIN });

    const hourly2 = testBot("hourly", HOUR);
    const cooling2 = testBot("cooling", MIN);
    const overdue = testBot("overdue", MIN);
    await store.update((s) => {
      s.bots.overdue = { paused: false, lastRunAt: T0 - HOUR };
    });
    const second = start([hourly2, cooling2, overdue]);
    expect(second.status().find((s) => s.name === "cooling")?.nextRunAt).toBe(T0 + 10 * MIN);
    await clock.advanceTo(T0 + 10 * MIN - 1);
    expect(cooling2.starts).toEqual([]);
    expect(overdue.starts[0]).toBe(T0 + 2 * MIN);
    await clock.advance(1);
    expect(cooling2.starts).toEqual([T0 + 10 * MIN]);
    await clock.advanceTo(T0 + HOUR);
    expect(hourly2.starts).toEqual([T0 + HOUR]);
  });

  it("commitLimits puts the run's start and the cooldown on disk before it returns (issue 13)", async () => {
    let onDisk: unknown;
    const buyer = testBot("buyer", MIN, async (ctx) => {
      await ctx.commitLimits(ctx.now + 10 * MIN);
      // What a crash right now would leave: the file itself, not the store's memory.
      onDisk = JSON.parse(readFileSync(store.path, "utf8")).bots.buyer;
      return { acted: true, cooldownUntil: ctx.now + 10 * MIN };
    });
    start([buyer]);
    await clock.advance(0);
    expect(onDisk).toMatchObject({ lastRunAt: T0, cooldownUntil: T0 + 10 * MIN });
  });

  it("a cooldown holds from the moment it is committed, not from the run's start: a slow run keeps the gap", async () => {
    const slow = testBot("slow", MIN, async (ctx) => {
      await clock.sleep(5_000); // a slow book read before the orders
      await ctx.commitLimits(ctx.now + 12_000);
      return { acted: true, cooldownUntil: ctx.now + 12_000 };
    });
    const runtime = start([slow]);
    await clock.advance(5_000);
    await store.update(() => {});
    expect(store.state.bots.slow?.cooldownUntil).toBe(T0 + 5_000 + 12_000);
    expect(runtime.status().find((s) => s.name === "slow")?.cooldownUntil).toBe(T0 + 5_000 + 12_000);
    runtime.runSoon("slow");
    await clock.advance(11_000);
    expect(slow.starts).toEqual([T0]);
    await clock.advance(2 * MIN);
    expect(slow.starts[1]).toBeGreaterThanOrEqual(T0 + 17_000);
  });

  it("a cooldown committed again after the last order holds from that order (purchase.ts does this)", async () => {
    const twoParts = testBot("two", MIN, async (ctx) => {
      await ctx.commitLimits(ctx.now + 12_000);
      await clock.sleep(3_000); // the orders of the purchase, one after the other
      await ctx.commitLimits(ctx.now + 12_000);
      return { acted: true, cooldownUntil: ctx.now + 12_000 };
    });
    const runtime = start([twoParts]);
    await clock.advance(3_000);
    await store.update(() => {});
    expect(store.state.bots.two?.cooldownUntil).toBe(T0 + 3_000 + 12_000);
    expect(runtime.status().find((s) => s.name === "two")?.cooldownUntil).toBe(T0 + 3_000 + 12_000);
  });

  it("a committed cooldown is taken back when the run sends nothing, kept when the run throws", async () => {
    const quiet = testBot("quiet", MIN, async (ctx) => {
      await ctx.commitLimits(ctx.now + 10 * MIN);
      return { acted: false, summary: "the order was rejected" };
    });
    const broken = testBot("broken", MIN, async (ctx) => {
      await ctx.commitLimits(ctx.now + 10 * MIN);
      throw new Error("lost after the order left");
    });
    const runtime = start([quiet, broken]);
    await clock.advance(0);
    await store.update(() => {});
    const status = runtime.status();
    expect(status.find((s) => s.name === "quiet")?.cooldownUntil).toBeUndefined();
    expect(store.state.bots.quiet?.cooldownUntil).toBeUndefined();
    expect(status.find((s) => s.name === "broken")?.cooldownUntil).toBe(T0 + 10 * MIN);
    await clock.advance(2 * MIN);
    expect(quiet.starts).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(broken.starts).toEqual([T0]);
  });

  it("stop() aborts the signal and waits for a running decision within grace", async () => {
    const slow = testBot("slow", MIN, async (ctx) => {
      await clock.sleep(5_000);
      return { summary: ctx.signal.aborted ? "wound down" : "done" };
    });
    const { log, lines } = captureLog();
    const runtime = start([slow], { log });
    await clock.advance(1_000);
    let stopped: { unfinished: string[] } | undefined;
    const stopping = runtime.stop({ graceMs: 10_000 }).then((r) => {
      stopped = r;
    });
    await clock.advance(3_000);
    expect(stopped).toBeUndefined();
    await clock.advance(1_000);
    await stopping;
    expect(stopped).toEqual({ unfinished: [] });
    expect(slow.signals[0]?.aborted).toBe(true);
    expect(lines.find((l) => l.msg === "decision")?.summary).toBe("wound down");
    expect(clock.pending).toBe(0);
    await clock.advance(HOUR);
    expect(slow.starts).toHaveLength(1);
  });

  it("stop() gives up after the grace and names the unfinished bots", async () => {
    const stuck = testBot("stuck", MIN, async () => {
      await clock.sleep(HOUR);
      return undefined;
    });
    const runtime = start([stuck]);
    await clock.advance(0);
    const stopping = runtime.stop({ graceMs: 2_000 });
    await clock.advance(2_000);
    await expect(stopping).resolves.toEqual({ unfinished: ["stuck"] });
  });
});

describe("MonitorRuntime log lines", () => {
  it("ends every run in one structured line", async () => {
    const good = testBot("good", MIN, async () => {
      await clock.sleep(1_500);
      return { acted: true, summary: "bought 0.01 BTC", reasons: ["score 82", "funds 50 USDC"] };
    });
    const bad = testBot("bad", MIN, async () => {
      throw Object.assign(new Error("timeout"), { code: "ETIMEDOUT" });
    });
    const { log, lines } = captureLog();
    start([good, bad], { log });
    await clock.advance(2_000);
    const decision = lines.filter((l) => l.msg === "decision");
    expect(decision).toHaveLength(1);
    expect(decision[0]).toMatchObject({
      level: 30,
      bot: "good",
      acted: true,
      summary: "bought 0.01 BTC",
      reasons: ["score 82", "funds 50 USDC"],
      durationMs: 1_500,
    });
    const failed = lines.filter((l) => l.msg === "run failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 50,
      bot: "bad",
      err: { message: "timeout", code: "ETIMEDOUT" },
      consecutiveErrors: 1,
      retryInMs: 2 * MIN,
    });
  });
});
