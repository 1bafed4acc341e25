import { describe, expect, it } from "vitest";
import { TimeSync } from "../../src/api/time-sync.js";
import { VirtualClock } from "../../src/clock.js";

describe("time sync", () => {
  it("measures the offset at the request midpoint and refreshes lazily when stale", async () => {
    const clock = new VirtualClock(1_000_000);
    let calls = 0;
    const sync = new TimeSync({
      clock,
      refreshMs: 300_000,
      fetchServerTime: async () => {
        calls++;
        const sentAt = clock.now();
        // Server is 1500 ms ahead; the round trip takes 200 ms, the server reads its clock half-way.
        const serverTime = sentAt + 100 + 1500;
        return { serverTime, sentAt, receivedAt: sentAt + 200 };
      },
    });
    expect(sync.offsetMs).toBeUndefined();
    await sync.ensureFresh();
    expect(sync.offsetMs).toBe(1500);
    expect(sync.serverNow()).toBe(clock.now() + 1500);
    await sync.ensureFresh();
    expect(calls).toBe(1);
    await clock.advance(300_200);
    await sync.ensureFresh();
    expect(calls).toBe(2);
    await Promise.all([sync.resync(), sync.resync(), sync.resync()]);
    expect(calls).toBe(3);
  });

  it("keeps an older offset when a refresh fails, but fails the first sync", async () => {
    const clock = new VirtualClock(0);
    let fail = true;
    const failures: unknown[] = [];
    const sync = new TimeSync({
      clock,
      refreshMs: 1000,
      fetchServerTime: async () => {
        if (fail) throw new Error("down");
        return { serverTime: clock.now() - 6000, sentAt: clock.now(), receivedAt: clock.now() };
      },
      onStaleRefreshFailure: (e) => failures.push(e),
    });
    await expect(sync.ensureFresh()).rejects.toThrow("down");
    fail = false;
    await sync.ensureFresh();
    expect(sync.offsetMs).toBe(-6000);
    fail = true;
    await clock.advance(2000);
    await sync.ensureFresh();
    expect(sync.offsetMs).toBe(-6000);
    expect(failures).toHaveLength(1);
  });
});
