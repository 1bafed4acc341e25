import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Simulator } from "../../src/sim/index.js";

/**
 * The simulator keeps the formatted rows of closed candles (market-views.ts). A kept row must be exactly what a
 * simulator that never saw the question would answer, at any instant, and must go when the market changes.
 */
const T0 = Date.UTC(2026, 0, 14, 13, 37, 21, 500);

const fresh = (clock: VirtualClock): Simulator =>
  new Simulator({ clock, generatedAlts: 0, rateLimit: { enabled: false } });
const klines = async (sim: Simulator, query: string): Promise<string> =>
  (await sim.handle({ method: "GET", path: "/api/v3/klines", query })).body;

describe("the simulator's kept klines rows", () => {
  it("answer what a fresh simulator answers, while time moves inside and across candles", async () => {
    const clock = new VirtualClock(T0);
    const kept = fresh(clock);
    const queries = [
      "symbol=ETHUSDT&interval=15m&limit=100",
      "symbol=ETHUSDT&interval=1m&limit=30",
      "symbol=BTCUSDT&interval=60m&limit=48",
      `symbol=BTCUSDT&interval=15m&startTime=${T0 - 86_400_000}&limit=20`,
    ];
    for (let step = 0; step < 12; step++) {
      for (const q of queries) {
        const first = await klines(kept, q);
        expect(await klines(kept, q), `${q} asked again at step ${step}`).toBe(first);
        expect(first, `${q} at step ${step}`).toBe(await klines(fresh(new VirtualClock(clock.now())), q));
      }
      // Odd steps: some land inside the same minute and candle, some cross one.
      await clock.advance(step % 3 === 0 ? 17_250 : 7 * 60_000 + 13_500);
    }
  });

  it("the open candle moves with the clock; the closed ones stay", async () => {
    const clock = new VirtualClock(T0);
    const sim = fresh(clock);
    const q = "symbol=ETHUSDT&interval=15m&limit=5";
    const before = JSON.parse(await klines(sim, q)) as unknown[][];
    await clock.advance(20_000);
    const after = JSON.parse(await klines(sim, q)) as unknown[][];
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(after[4]![0]).toBe(before[4]![0]);
    expect(after[4]).not.toEqual(before[4]);
  });

  it("are dropped when a regime changes the market, even the past", async () => {
    const clock = new VirtualClock(T0);
    const sim = fresh(clock);
    const q = "symbol=DOTUSDT&interval=15m&limit=40";
    const calm = await klines(sim, q);
    const pump = { kind: "pump" as const, startMs: T0 - 6 * 3_600_000, durationMs: 3_600_000, change: 0.4 };
    sim.market.regime("DOTUSDT", pump);
    const pumped = await klines(sim, q);
    expect(pumped).not.toBe(calm);
    const twin = fresh(new VirtualClock(T0));
    twin.market.regime("DOTUSDT", pump);
    expect(pumped).toBe(await klines(twin, q));
  });
});

describe("the simulator's answers of one instant", () => {
  const get = async (sim: Simulator, path: string, query: string): Promise<string> =>
    (await sim.handle({ method: "GET", path, query })).body;
  const paths: [string, string][] = [
    ["/api/v3/ticker/24hr", "symbol=ETHUSDT"],
    ["/api/v3/ticker/24hr", ""],
    ["/api/v3/ticker/price", "symbol=ETHUSDT"],
    ["/api/v3/ticker/price", ""],
    ["/api/v3/ticker/bookTicker", "symbol=ETHUSDT"],
    ["/api/v3/klines", "symbol=ETHUSDT&interval=1m&limit=3"],
  ];

  it("are the same as a fresh simulator's, at the instant and a millisecond later", async () => {
    const clock = new VirtualClock(T0);
    const sim = fresh(clock);
    for (const step of [0, 1, 1, 29_998, 60_000]) {
      await clock.advance(step);
      for (const [p, q] of paths) {
        const first = await get(sim, p, q);
        expect(await get(sim, p, q)).toBe(first);
        expect(first, `${p}?${q} after ${step} ms`).toBe(
          await get(fresh(new VirtualClock(clock.now())), p, q),
        );
      }
    }
  });

  it("change at once when a regime moves the price now", async () => {
    const clock = new VirtualClock(T0);
    const sim = fresh(clock);
    const before = await Promise.all(paths.map(([p, q]) => get(sim, p, q)));
    sim.market.regime("ETHUSDT", { kind: "pump", startMs: T0 - 3_600_000, durationMs: 60_000, change: 0.3 });
    const after = await Promise.all(paths.map(([p, q]) => get(sim, p, q)));
    for (const [i, [p, q]] of paths.entries()) expect(after[i], `${p}?${q}`).not.toBe(before[i]);
  });
});
