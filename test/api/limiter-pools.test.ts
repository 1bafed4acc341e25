import { describe, expect, it } from "vitest";
import { type CeilingChange, WeightLimiter } from "../../src/api/limiter.js";
import { DEFAULT_RATE_LIMITS, poolLimits } from "../../src/api/rate-limits.js";
import { type Charge, chargesFor, ENDPOINTS, Priority } from "../../src/api/weights.js";
import { VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { clientLimits } from "../../src/connect.js";
import { seeded } from "./random.js";
import { runUntil } from "./virtual-run.js";

const LIMITS = poolLimits(DEFAULT_RATE_LIMITS);
const KLINES = chargesFor(ENDPOINTS.klines);
const ORDER = chargesFor(ENDPOINTS.newOrder);

function pools(onCeilingChange?: (c: CeilingChange) => void) {
  const clock = new VirtualClock(0);
  const limiter = new WeightLimiter({
    clock,
    limitFor: LIMITS,
    maxInFlight: 32,
    ...(onCeilingChange ? { onCeilingChange } : {}),
  });
  return { clock, limiter };
}

interface Grant {
  readonly t: number;
  readonly charges: readonly Charge[];
  /** Each charged pool's ceiling at the grant, as the limiter reports it. */
  readonly ceilings: ReadonlyMap<string, number>;
}

/** The heaviest sliding window (t − W, t] of every pool, each ending at a grant; and any window over its ceiling. */
function windows(grants: readonly Grant[]) {
  const peak = new Map<string, number>();
  const over: string[] = [];
  const byBucket = new Map<string, { t: number; w: number; ceiling: number }[]>();
  for (const g of grants) {
    for (const c of g.charges) {
      const list = byBucket.get(c.bucket) ?? [];
      list.push({ t: g.t, w: c.weight, ceiling: g.ceilings.get(c.bucket)! });
      byBucket.set(c.bucket, list);
    }
  }
  for (const [bucket, list] of byBucket) {
    const { windowMs } = LIMITS(bucket);
    for (let i = 0, j = 0, sum = 0; i < list.length; i++) {
      sum += list[i]!.w;
      while (list[j]!.t <= list[i]!.t - windowMs) sum -= list[j++]!.w;
      peak.set(bucket, Math.max(peak.get(bucket) ?? 0, sum));
      if (sum > list[i]!.ceiling) over.push(`${bucket}: ${sum} > ${list[i]!.ceiling} at ${list[i]!.t}`);
    }
  }
  return { peak, over };
}

const MIX = [
  { spec: ENDPOINTS.klines },
  { spec: ENDPOINTS.klines },
  { spec: ENDPOINTS.klines },
  { spec: ENDPOINTS.depth },
  { spec: ENDPOINTS.tickerPrice },
  { spec: ENDPOINTS.ticker24hr, allSymbols: true },
  { spec: ENDPOINTS.exchangeInfo },
  { spec: ENDPOINTS.newOrder },
  { spec: ENDPOINTS.newOrder },
  { spec: ENDPOINTS.cancelOrder },
  { spec: ENDPOINTS.getOrder },
  { spec: ENDPOINTS.openOrders },
  { spec: ENDPOINTS.account },
  { spec: ENDPOINTS.myTrades },
] as const;

/** Random requests from the mix, arriving over time, each answered after a random latency; some answered 429. */
async function randomMix(seed: number, n: number, p429: number) {
  const { clock, limiter } = pools();
  const rnd = seeded(seed);
  const grants: Grant[] = [];
  let finished = 0;
  for (let i = 0; i < n; i++) {
    const pick = rnd.pick(MIX);
    const charges = chargesFor(pick.spec, "allSymbols" in pick);
    const arriveAt = rnd.int(0, 60_000);
    const hold = rnd.int(0, 1500);
    const limited = rnd.next() < p429;
    void (async () => {
      await clock.sleep(arriveAt);
      const permit = await limiter.acquire(charges, pick.spec.priority);
      grants.push({
        t: clock.now(),
        charges,
        ceilings: new Map(charges.map((c) => [c.bucket, limiter.ceiling(c.bucket)])),
      });
      await clock.sleep(hold);
      if (limited) permit.rateLimited();
      permit.release();
      finished++;
    })();
  }
  await runUntil(clock, () => finished === n, 25, 3_600_000);
  expect(finished).toBe(n);
  return windows(grants);
}

describe("every pool at once (IP and UID per endpoint, 20 requests/s, 12 orders/s)", () => {
  it("never lets a sliding window of any pool exceed its ceiling, over random request mixes", async () => {
    for (const seed of [1, 2, 3]) {
      const { peak, over } = await randomMix(seed, 1500, 0);
      expect(over).toEqual([]);
      // The binding pools run close to their ceilings: 20/s − margin 1 = 19; 12/s − 1 = 11.
      expect(peak.get("rate:requests")).toBeGreaterThanOrEqual(17); // market data alone stops at 17
      expect(peak.get("rate:requests")).toBeLessThanOrEqual(19);
      expect(peak.get("rate:orders")).toBeGreaterThanOrEqual(5);
      expect(peak.get("rate:orders")).toBeLessThanOrEqual(11);
      expect(peak.get("rate:account")).toBeLessThanOrEqual(2);
      expect(peak.get("ip:GET /api/v3/ticker/24hr")).toBeLessThanOrEqual(285);
      expect(peak.get("uid:GET /api/v3/myTrades")).toBeLessThanOrEqual(475);
    }
  });

  it("still never exceeds the ceiling in force while random 429s cut it and it climbs back", async () => {
    for (const seed of [11, 12, 13]) {
      const { over } = await randomMix(seed, 800, 0.05);
      expect(over).toEqual([]);
    }
  });

  it("counts every request once against the global 20/s, whatever its endpoint and weight", async () => {
    const { clock, limiter } = pools();
    const at: number[] = [];
    const specs = [ENDPOINTS.klines, ENDPOINTS.depth, ENDPOINTS.tickerPrice, ENDPOINTS.bookTicker];
    for (let i = 0; i < 60; i++) {
      const spec = specs[i % specs.length]!;
      void limiter.acquire(chargesFor(spec), spec.priority).then((p) => {
        at.push(clock.now());
        p.release(); // answered at once: each stays counted for one second
      });
    }
    await clock.advance(0);
    // Market data: 20 − margin 1 − 2 left to orders = 17 per second.
    expect(at).toHaveLength(17);
    await clock.advance(999);
    expect(at).toHaveLength(17);
    await clock.advance(1);
    expect(at).toHaveLength(34);
    await clock.advance(2_000);
    expect(at).toHaveLength(60);
  });

  it("keeps room in the global rate for an order while market data saturates it", async () => {
    const { clock, limiter } = pools();
    for (let i = 0; i < 100; i++) {
      void limiter.acquire(KLINES, Priority.market).then((p) => p.release());
    }
    await clock.advance(500);
    expect(limiter.usage("rate:requests")).toBe(17);
    let orderAt = -1;
    void limiter.acquire(ORDER, Priority.order).then((p) => {
      orderAt = clock.now();
      p.release();
    });
    await clock.advance(0);
    expect(orderAt).toBe(500); // at once, not at the next free slot a second later
  });

  it("a request blocked on its own endpoint's pool does not hold the global rate that every request shares", async () => {
    const clock = new VirtualClock(0);
    const limiter = new WeightLimiter({
      clock,
      limitFor: poolLimits({ ...DEFAULT_RATE_LIMITS, ipBudget: 18 }),
    });
    for (let i = 0; i < 17; i++) (await limiter.acquire(KLINES, Priority.market)).release(); // ip:klines 17 of 17
    await clock.advance(1000); // the global rate is free again; the klines pool is not (10 s window)
    const got: string[] = [];
    void limiter.acquire(KLINES, Priority.market).then(() => got.push("klines"));
    void limiter.acquire(chargesFor(ENDPOINTS.depth), Priority.market).then(() => got.push("depth"));
    await clock.advance(0);
    expect(got).toEqual(["depth"]);
    await clock.advance(9_000);
    expect(got).toEqual(["depth", "klines"]);
  });

  it("holds new orders and cancels together to 12/s − margin: 11 per second", async () => {
    const { clock, limiter } = pools();
    const at: number[] = [];
    for (let i = 0; i < 40; i++) {
      const spec = i % 2 === 0 ? ENDPOINTS.newOrder : ENDPOINTS.cancelOrder;
      void limiter.acquire(chargesFor(spec), spec.priority).then((p) => {
        at.push(clock.now());
        p.release();
      });
    }
    await clock.advance(0);
    expect(at).toHaveLength(11);
    await clock.advance(1000);
    expect(at).toHaveLength(22);
    await clock.advance(2000);
    expect(at).toHaveLength(40);
  });

  it("charges a new order on both sides (IP and UID), the order rate and the global rate", () => {
    expect(ORDER.map((c) => c.bucket).sort()).toEqual([
      "ip:POST /api/v3/order",
      "rate:orders",
      "rate:requests",
      "uid:POST /api/v3/order",
    ]);
    expect(LIMITS("ip:GET /api/v3/klines")).toMatchObject({ budget: 300, margin: 15, windowMs: 10_000 });
    expect(LIMITS("uid:GET /api/v3/myTrades")).toMatchObject({ budget: 500, margin: 25, windowMs: 10_000 });
    expect(LIMITS("rate:requests")).toMatchObject({ budget: 20, margin: 1, windowMs: 1000 });
    expect(LIMITS("rate:orders")).toMatchObject({ budget: 12, margin: 1, windowMs: 1000 });
    expect(LIMITS("rate:account")).toMatchObject({ budget: 2, margin: 0, windowMs: 1000 });
  });
});

describe("after a 429: cut the pools that request charged, climb back slowly", () => {
  it("halves each charged pool once per burst, never below the floor, and climbs 10 % per window", async () => {
    const changes: CeilingChange[] = [];
    const { clock, limiter } = pools((c) => changes.push(c));
    const a = await limiter.acquire(KLINES, Priority.market);
    const b = await limiter.acquire(KLINES, Priority.market);
    a.rateLimited();
    b.rateLimited(); // sent before the cut: the same burst, no second cut
    a.release();
    b.release();
    expect(limiter.ceiling("rate:requests")).toBe(9);
    expect(limiter.ceiling("ip:GET /api/v3/klines")).toBe(142);
    expect(limiter.ceiling("ip:GET /api/v3/depth")).toBe(285); // not charged: untouched
    expect(changes).toEqual([
      expect.objectContaining({ bucket: "ip:GET /api/v3/klines", from: 285, to: 142, reason: "429" }),
      expect.objectContaining({ bucket: "rate:requests", from: 19, to: 9, reason: "429" }),
    ]);
    // Sent after the cut and still 429: cut again (each a second later, after one climb step of 2), never below
    // the floor (10 % of 19 → 2): 9 → 11 → 5, 5 → 7 → 3, 3 → 5 → 2, 2 → 4 → 2.
    for (let i = 0; i < 4; i++) {
      await clock.advance(1000);
      const p = await limiter.acquire(KLINES, Priority.market);
      p.rateLimited();
      p.release();
    }
    expect(limiter.ceiling("rate:requests")).toBe(2);
    expect(changes.filter((c) => c.bucket === "rate:requests").map((c) => c.to)).toEqual([9, 5, 3, 2, 2]);
    // Climb: + round(10 % of 19) = 2 per whole second without a 429, up to 19, announced once.
    const seen: number[] = [];
    for (let s = 0; s < 10; s++) {
      seen.push(limiter.ceiling("rate:requests"));
      await clock.advance(1000);
    }
    expect(seen).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 19]);
    expect(changes.filter((c) => c.reason === "restored" && c.bucket === "rate:requests")).toHaveLength(1);
    // The per-endpoint pool climbs per 10 s window: + round(10 % of 285) = 29.
    const klines = limiter.ceiling("ip:GET /api/v3/klines");
    await clock.advance(10_000);
    expect(limiter.ceiling("ip:GET /api/v3/klines")).toBe(Math.min(285, klines + 29));
  });

  it("grants only the cut ceiling while it is lowered", async () => {
    const { clock, limiter } = pools();
    const first = await limiter.acquire(KLINES, Priority.market);
    first.rateLimited();
    first.release();
    await clock.advance(1000); // the first request has left the window
    const at: number[] = [];
    for (let i = 0; i < 30; i++) {
      void limiter.acquire(chargesFor(ENDPOINTS.depth), Priority.market).then((p) => {
        at.push(clock.now());
        p.release();
      });
    }
    await clock.advance(0);
    // Ceiling 9 + one climb step of 2 after a whole second = 11; market data leaves 2 to orders: 9.
    expect(limiter.ceiling("rate:requests")).toBe(11);
    expect(at).toHaveLength(9);
  });

  it("lets a request heavier than the cut ceiling wait for the climb, and refuses one heavier than the pool", async () => {
    const { clock, limiter } = pools();
    const one = [{ bucket: "ip:GET /api/v3/ticker/24hr", weight: 1 }];
    // Four 429s in a row, each to a request sent after the cut before: 285 → 142 → 71 → 35 → 29, the floor.
    for (let i = 0; i < 4; i++) {
      const q = await limiter.acquire(one, Priority.market);
      q.rateLimited();
      q.rateLimited(); // idempotent: one cut per request
      q.release();
    }
    expect(limiter.ceiling("ip:GET /api/v3/ticker/24hr")).toBe(29); // 10 % of 285, rounded up
    let grantedAt = -1;
    void limiter.acquire(chargesFor(ENDPOINTS.ticker24hr, true), Priority.market).then((g) => {
      grantedAt = clock.now(); // weight 40: more than 29, less than 285
      g.release();
    });
    await clock.advance(9_999);
    expect(grantedAt).toBe(-1);
    await runUntil(clock, () => grantedAt >= 0, 1000, 120_000);
    expect(grantedAt).toBe(10_000); // one whole window later: 29 + 29 = 58, and the four have left the window
    await expect(
      limiter.acquire([{ bucket: "ip:GET /api/v3/ticker/24hr", weight: 286 }], Priority.market),
    ).rejects.toThrow(/can never fit pool ip:GET \/api\/v3\/ticker\/24hr: its ceiling is 285 per 10000 ms/);
  });
});

describe("rateLimits in src/config.ts", () => {
  it("defaults to the client's strict defaults, and the schema names a wrong key", () => {
    const limits = clientLimits(parseConfig(userConfig));
    expect({ ...DEFAULT_RATE_LIMITS, ...limits }).toEqual(DEFAULT_RATE_LIMITS);
    const bad = structuredClone(userConfig);
    bad.rateLimits.requestsPerSec = 0;
    bad.rateLimits.climbPct = 0;
    const tight = structuredClone(userConfig);
    tight.rateLimits.accountPerSec = 1;
    tight.rateLimits.marginPct = 50;
    expect(() => parseConfig(tight)).toThrow(/rateLimits\.accountPerSec = 1: leaves nothing to send/);
    expect(() => parseConfig(bad)).toThrow(
      /rateLimits\.requestsPerSec = 0: must be at least 1[\s\S]*rateLimits\.climbPct/,
    );
  });
});

describe("which pools an endpoint charges", () => {
  it("every cancel, one order or all of a symbol's, counts against the orders-per-second pool as the simulator does", () => {
    for (const spec of [ENDPOINTS.newOrder, ENDPOINTS.cancelOrder, ENDPOINTS.cancelAllOpenOrders]) {
      expect(chargesFor(spec).map((c) => c.bucket)).toContain("rate:orders");
    }
    expect(chargesFor(ENDPOINTS.openOrders).map((c) => c.bucket)).not.toContain("rate:orders");
  });
});
