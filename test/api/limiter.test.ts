import { describe, expect, it } from "vitest";
import { type BucketLimit, WeightLimiter } from "../../src/api/limiter.js";
import { Priority } from "../../src/api/weights.js";
import { VirtualClock } from "../../src/clock.js";
import { seeded } from "./random.js";
import { runUntil } from "./virtual-run.js";

const LIMIT: BucketLimit = { budget: 500, windowMs: 10_000, margin: 25 };
const K = "ip:GET /api/v3/klines";

function setup(maxInFlight?: number) {
  const clock = new VirtualClock(0);
  const limiter = new WeightLimiter({
    clock,
    limitFor: () => LIMIT,
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
  });
  return { clock, limiter };
}

describe("sliding-window weight limiter", () => {
  it("never lets any sliding window exceed budget − margin, and stays close to it", async () => {
    const { clock, limiter } = setup();
    const rnd = seeded(42);
    const grants: { t: number; w: number }[] = [];
    let finished = 0;
    const N = 1500;
    for (let i = 0; i < N; i++) {
      const weight = rnd.pick([1, 1, 1, 2, 3, 10]);
      const hold = rnd.int(0, 800);
      void (async () => {
        const permit = await limiter.acquire([{ bucket: K, weight }], Priority.market);
        grants.push({ t: clock.now(), w: weight });
        await clock.sleep(hold);
        permit.release();
        finished++;
      })();
    }
    await runUntil(clock, () => finished === N);
    expect(finished).toBe(N);
    // Every window (g − W, g] ending at a grant: the heaviest windows all end at a grant.
    let maxWindow = 0;
    for (let i = 0, j = 0, sum = 0; i < grants.length; i++) {
      sum += grants[i]!.w;
      while (grants[j]!.t <= grants[i]!.t - LIMIT.windowMs) sum -= grants[j++]!.w;
      maxWindow = Math.max(maxWindow, sum);
    }
    expect(maxWindow).toBeLessThanOrEqual(475);
    expect(maxWindow).toBeGreaterThan(440);
  });

  it("holds room for a request until a window after its answer, whatever the latency", async () => {
    const { clock, limiter } = setup();
    const first = await limiter.acquire([{ bucket: K, weight: 475 }]);
    let granted = false;
    void limiter.acquire([{ bucket: K, weight: 1 }]).then(() => {
      granted = true;
    });
    await clock.advance(30_000); // the answer takes 30 s: still in flight, still counted
    expect(granted).toBe(false);
    first.release();
    await clock.advance(9_999);
    expect(granted).toBe(false);
    await clock.advance(1);
    expect(granted).toBe(true);
  });

  it("serves orders before market data when requests queue", async () => {
    const { clock, limiter } = setup(1);
    const busy = await limiter.acquire([{ bucket: K, weight: 1 }]);
    const order: string[] = [];
    const take = (name: string, bucket: string, priority: Priority) =>
      limiter.acquire([{ bucket, weight: 1 }], priority).then((p) => {
        order.push(name);
        p.release();
      });
    const all = Promise.all([
      take("klines-1", K, Priority.market),
      take("klines-2", K, Priority.market),
      take("account", "uid:GET /api/v3/account", Priority.account),
      take("order", "uid:POST /api/v3/order", Priority.order),
    ]);
    await clock.advance(1);
    busy.release();
    await all;
    expect(order).toEqual(["order", "account", "klines-1", "klines-2"]);
  });

  it("does not let light requests starve a heavy one in the same bucket, nor block other buckets", async () => {
    const { clock, limiter } = setup();
    const fill = await limiter.acquire([{ bucket: K, weight: 470 }]);
    fill.release();
    const got: string[] = [];
    void limiter.acquire([{ bucket: K, weight: 40 }]).then(() => got.push("heavy"));
    await clock.advance(1);
    void limiter.acquire([{ bucket: K, weight: 1 }]).then(() => got.push("light-same-bucket"));
    void limiter
      .acquire([{ bucket: "ip:GET /api/v3/depth", weight: 1 }])
      .then(() => got.push("other-bucket"));
    await clock.advance(1);
    expect(got).toEqual(["other-bucket"]);
    await clock.advance(10_000);
    expect(got).toEqual(["other-bucket", "heavy", "light-same-bucket"]);
  });

  it("holds every grant during a shared pause", async () => {
    const { clock, limiter } = setup();
    limiter.pauseUntil(clock.now() + 7_000);
    let at = -1;
    void limiter.acquire([{ bucket: "uid:POST /api/v3/order", weight: 1 }], Priority.order).then(() => {
      at = clock.now();
    });
    await clock.advance(6_999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(7_000);
  });

  it("refuses a weight that could never fit instead of waiting forever", async () => {
    const { limiter } = setup();
    await expect(limiter.acquire([{ bucket: K, weight: 476 }])).rejects.toThrow(RangeError);
  });

  it("lets an aborted waiter leave the queue", async () => {
    const { clock, limiter } = setup();
    (await limiter.acquire([{ bucket: K, weight: 475 }])).release();
    const ac = new AbortController();
    const p = limiter.acquire([{ bucket: K, weight: 5 }], Priority.market, ac.signal);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(limiter.queued).toBe(0);
    await clock.advance(10_000);
  });
});
