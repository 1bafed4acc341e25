import { describe, expect, it } from "vitest";
import { AbortError, RealClock, VirtualClock } from "../src/clock.js";

describe("VirtualClock", () => {
  it("wakes sleepers in time order and only when advanced", async () => {
    const clock = new VirtualClock(1_000);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(50);
    expect(woke).toEqual([]);
    await clock.advance(1_000);
    expect(woke).toEqual(["a@1100", "b@1300"]);
    expect(clock.now()).toBe(2_050);
  });

  it("runs a loop of sleeps at each of its instants", async () => {
    const clock = new VirtualClock(0);
    const ticks: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(60_000);
        ticks.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(10 * 60_000);
    await done;
    expect(ticks).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
  });

  it("rejects an aborted sleep with AbortError and forgets it", async () => {
    const clock = new VirtualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(clock.pending).toBe(0);
  });
});

describe("RealClock", () => {
  it("sleeps about as long as asked and can be aborted", async () => {
    const clock = new RealClock();
    const t0 = clock.now();
    await clock.sleep(20);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(15);
    const ac = new AbortController();
    const p = clock.sleep(10_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });

  it("waits longer than Node's timer limit (2^31 − 1 ms) without waking at once", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const clock = new RealClock();
      const ac = new AbortController();
      let woke = false;
      const p = clock.sleep(35 * 24 * 3600_000, ac.signal).then(() => {
        woke = true;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(woke).toBe(false);
      ac.abort();
      await expect(p).rejects.toBeInstanceOf(AbortError);
      expect(warnings.filter((w) => w.name === "TimeoutOverflowWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
