import { afterEach, describe, expect, it } from "vitest";
import { DailyLossGuard } from "../../src/bots/daily-loss.js";
import type { RuntimeEvent } from "../../src/bots/events.js";
import type { MonitorRuntime } from "../../src/bots/runtime.js";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { HOUR, MIN, makeRuntime, openStore, testBot } from "./helpers.js";

let runtime: MonitorRuntime | undefined;
let store: Store | undefined;
afterEach(async () => {
  await runtime?.stop({ graceMs: 0 });
  await store?.close();
  runtime = undefined;
  store = undefined;
});

async function setup(clock: VirtualClock, dir?: string) {
  const opened = await openStore(clock, dir);
  store = opened.store;
  const buyer = testBot("buyer", MIN, undefined, true);
  const seller = testBot("pnl", MIN);
  runtime = makeRuntime(clock, opened.store, opened.stopPath, [buyer, seller]);
  const events: Extract<RuntimeEvent, { type: "risk-pause" }>[] = [];
  runtime.events.on("risk-pause", (e) => {
    events.push(e);
  });
  runtime.start();
  const guard = new DailyLossGuard({ store: opened.store, buyers: runtime, limitUsd: new D(25) });
  return { ...opened, runtime, guard, events, buyer, seller };
}

const pausedWhy = (r: MonitorRuntime, name: string) => {
  const s = r.status().find((b) => b.name === name);
  return s?.paused ? s.why : [];
};

describe("daily loss limit", () => {
  it("pauses buyers, not sellers, when the day's loss passes the limit, and alerts", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 22, 8));
    const { runtime, guard, events, buyer, seller } = await setup(clock);
    expect(await guard.observe(clock.now(), new D(1000))).toMatchObject({ state: "ok" });
    expect((await guard.observe(clock.now(), new D("975"))).state).toBe("ok");
    const status = await guard.observe(clock.now(), new D("974.99"));
    expect(status).toMatchObject({ state: "tripped" });
    expect(pausedWhy(runtime, "buyer")).toEqual(["daily loss limit"]);
    expect(pausedWhy(runtime, "pnl")).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: "risk-pause", active: true })]);
    expect((events[0] as { reason: string }).reason).toMatch(/lost 25\.01 USD today .* more than the 25 USD/);

    const buyerRuns = buyer.starts.length;
    const sellerRuns = seller.starts.length;
    await clock.advance(10 * MIN);
    expect(buyer.starts.length).toBe(buyerRuns);
    expect(seller.starts.length).toBeGreaterThan(sellerRuns);
  });

  it("a new UTC day starts a new baseline and lifts the pause", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 22, 23));
    const { runtime, guard, events } = await setup(clock);
    await guard.observe(clock.now(), new D(1000));
    await guard.observe(clock.now(), new D(900));
    expect(pausedWhy(runtime, "buyer")).toEqual(["daily loss limit"]);
    await clock.advance(HOUR);
    expect(await guard.observe(clock.now(), new D(900))).toMatchObject({ state: "ok", day: "2026-11-23" });
    expect(pausedWhy(runtime, "buyer")).toEqual([]);
    expect(events.map((e) => e.active)).toEqual([true, false]);
  });

  it("the owner's reset re-baselines and resumes the buyers", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 22, 8));
    const { runtime, guard } = await setup(clock);
    await guard.observe(clock.now(), new D(1000));
    await guard.observe(clock.now(), new D(900));
    await guard.reset(clock.now(), new D(900));
    expect(pausedWhy(runtime, "buyer")).toEqual([]);
    expect(await guard.observe(clock.now(), new D(880))).toMatchObject({ state: "ok" });
  });

  it("a restart keeps today's trip and baseline", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 22, 8));
    const first = await setup(clock);
    await first.guard.observe(clock.now(), new D(1000));
    await first.guard.observe(clock.now(), new D(950));
    await first.runtime.stop({ graceMs: 0 });
    await first.store.close();

    const again = await setup(clock, first.dir);
    expect(pausedWhy(again.runtime, "buyer")).toEqual(["daily loss limit"]);
    expect(await again.guard.observe(clock.now(), new D(960))).toMatchObject({
      state: "tripped",
      startValue: new D(1000),
    });
  });
});
