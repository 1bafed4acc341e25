import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/index.js";
import { WeightLimiter } from "../../src/api/limiter.js";
import { LimiterFile } from "../../src/api/limiter-file.js";
import { VirtualClock } from "../../src/clock.js";
import { captureLogger, clientFor, rejection, sleep, start, totalRequests } from "./sim-helpers.js";

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "limiter-file-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const POOL = "ip:GET /api/v3/klines";
const limitFor = () => ({ budget: 5, windowMs: 1000, margin: 0 });

describe("the limiter's state across processes (limiter.json)", () => {
  it("a second client on the same data dir right after a 429 waits the Retry-After instead of sending", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 2, 6));
    // The simulator bans (418) whoever sends during the back-off of its 429: the behaviour MEXC documents.
    const sim = await start({ clock, rateLimit: { enabled: true, requestsPerSecond: 3 } });
    const path = join(dataDir(), "limiter.json");
    // The first process believes in more than the exchange allows, so it meets the 429.
    const generous = { requestsPerSecond: 50 };
    const fileA = new LimiterFile({ path, clock, logger: captureLogger().logger });
    const a = clientFor(sim, { clock, limits: generous, retry: { retries: 0 }, limiterFile: fileA });
    for (let i = 0; i < 3; i++) await a.tickerPrice("BTCUSDT");
    const err = await rejection(a.tickerPrice("BTCUSDT"));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe("rate-limited");
    const until = (err as ApiError).untilMs!;
    expect(until).toBeGreaterThan(clock.now());
    a.close();
    fileA.close();
    expect(JSON.parse(readFileSync(path, "utf8")).pauseUntil).toBe(until);

    // A new process: a new client and limiter, the same file, nothing shared in memory.
    const { logger, lines } = captureLogger();
    const fileB = new LimiterFile({ path, clock, logger });
    const b = clientFor(sim, { clock, limits: generous, retry: { retries: 0 }, limiterFile: fileB });
    expect(lines.some((l) => l.includes("no request is sent before then"))).toBe(true);
    const sentBefore = totalRequests(sim);
    let answered = false;
    const price = b.tickerPrice("BTCUSDT").then((p) => {
      answered = true;
      return p;
    });
    // Real time passes, the virtual clock does not: the request waits in the limiter, unsent.
    await sleep(150);
    expect(answered).toBe(false);
    expect(totalRequests(sim)).toBe(sentBefore);
    await clock.advance(until - clock.now() + 1);
    await price;
    expect(answered).toBe(true);
    expect(sim.sim.stats.count418).toBe(0);
    b.close();
    fileB.close();
    await sim.close();
  });

  it("a new limiter counts the weight the previous process spent until it leaves the window", async () => {
    const clock = new VirtualClock(1_000_000);
    const path = join(dataDir(), "limiter.json");
    const fileA = new LimiterFile({ path, clock, logger: captureLogger().logger });
    const a = new WeightLimiter({ clock, limitFor, onStateChange: () => fileA.touched() });
    fileA.attach(a);
    for (let i = 0; i < 5; i++) (await a.acquire([{ bucket: POOL, weight: 1 }])).release();
    fileA.close();

    const fileB = new LimiterFile({ path, clock, logger: captureLogger().logger });
    const b = new WeightLimiter({ clock, limitFor });
    fileB.attach(b);
    expect(b.usage(POOL)).toBe(5);
    let granted = false;
    void b.acquire([{ bucket: POOL, weight: 1 }]).then(() => (granted = true));
    await clock.advance(900);
    expect(granted).toBe(false);
    await clock.advance(200);
    expect(granted).toBe(true);
  });

  it("writes at most every everyMs while requests flow, and the latest state at close", async () => {
    const clock = new VirtualClock(1_000_000);
    const path = join(dataDir(), "limiter.json");
    const file = new LimiterFile({ path, clock, logger: captureLogger().logger, everyMs: 2_000 });
    const limiter = new WeightLimiter({
      clock,
      limitFor: () => ({ budget: 50, windowMs: 10_000, margin: 0 }),
      onStateChange: () => file.touched(),
    });
    file.attach(limiter);
    const spentInFile = () =>
      (JSON.parse(readFileSync(path, "utf8")).buckets[POOL]?.spent ?? []).reduce(
        (sum: number, [, w]: [number, number]) => sum + w,
        0,
      );
    (await limiter.acquire([{ bucket: POOL, weight: 1 }])).release();
    expect(spentInFile()).toBe(1);
    (await limiter.acquire([{ bucket: POOL, weight: 2 }])).release();
    expect(spentInFile()).toBe(1); // within 2 s of the last write: not yet
    await clock.advance(500);
    (await limiter.acquire([{ bucket: POOL, weight: 1 }])).release();
    await clock.advance(1_500);
    expect(spentInFile()).toBe(4);
    await clock.advance(100);
    (await limiter.acquire([{ bucket: POOL, weight: 1 }])).release();
    expect(spentInFile()).toBe(4);
    await clock.advance(8_000);
    (await limiter.acquire([{ bucket: POOL, weight: 1 }])).release();
    file.close();
    // What is left of the window at close (10.1 s): the first two answers left it at 10 s, three are still in it.
    expect(spentInFile()).toBe(3);
  });

  it("a missing file starts fresh with a log line", () => {
    const clock = new VirtualClock(1_000_000);
    const { logger, lines } = captureLogger();
    const file = new LimiterFile({ path: join(dataDir(), "limiter.json"), clock, logger });
    const limiter = new WeightLimiter({ clock, limitFor });
    file.attach(limiter);
    expect(lines.some((l) => l.startsWith("info no rate limiter state") && l.includes("starts fresh"))).toBe(
      true,
    );
    expect(limiter.pausedUntil).toBe(0);
    expect(limiter.usage(POOL)).toBe(0);
  });

  it.each([
    ["not JSON", "{half a file"],
    ["a wrong format", JSON.stringify({ format: 99, pauseUntil: 0, banUntil: 0, buckets: {} })],
    [
      "a bad entry",
      JSON.stringify({ format: 1, pauseUntil: 0, banUntil: 0, buckets: { x: { spent: [["a", 1]] } } }),
    ],
    [
      "a pause past MEXC's longest ban",
      JSON.stringify({ format: 1, pauseUntil: 1_000_000 + 30 * 86_400_000, banUntil: 0, buckets: {} }),
    ],
  ])("a corrupt file (%s) starts fresh with a log line", (_, text) => {
    const clock = new VirtualClock(1_000_000);
    const path = join(dataDir(), "limiter.json");
    writeFileSync(path, text);
    const { logger, lines } = captureLogger();
    const file = new LimiterFile({ path, clock, logger });
    const limiter = new WeightLimiter({ clock, limitFor });
    file.attach(limiter);
    expect(lines.some((l) => l.startsWith("warn the rate limiter's state is unreadable"))).toBe(true);
    expect(limiter.pausedUntil).toBe(0);
    // And the next write replaces it with a good one.
    file.close();
    expect(JSON.parse(readFileSync(path, "utf8")).format).toBe(1);
  });

  it("a 418 deadline reaches the next process, which holds every request until it ends", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 2, 6));
    const sim = await start({ clock, rateLimit: { enabled: true, requestsPerSecond: 2, banMs: 120_000 } });
    const path = join(dataDir(), "limiter.json");
    const generous = { requestsPerSecond: 50 };
    const fileA = new LimiterFile({ path, clock, logger: captureLogger().logger });
    const a = clientFor(sim, { clock, limits: generous, retry: { retries: 0 }, limiterFile: fileA });
    // Two at once past the limit: the second is sent during the first one's back-off, as a careless client would.
    await a.tickerPrice("BTCUSDT");
    await a.tickerPrice("BTCUSDT");
    await Promise.allSettled([a.tickerPrice("BTCUSDT"), a.tickerPrice("BTCUSDT")]);
    expect(sim.sim.stats.count418).toBeGreaterThan(0);
    a.close();
    fileA.close();
    const saved = JSON.parse(readFileSync(path, "utf8"));
    expect(saved.banUntil).toBeGreaterThanOrEqual(clock.now() + 119_000);

    const { logger, lines } = captureLogger();
    const fileB = new LimiterFile({ path, clock, logger });
    const b = clientFor(sim, { clock, limits: generous, retry: { retries: 0 }, limiterFile: fileB });
    expect(lines.some((l) => l.includes("banned this IP (418)"))).toBe(true);
    const sentBefore = totalRequests(sim);
    const price = b.tickerPrice("BTCUSDT");
    await sleep(100);
    expect(totalRequests(sim)).toBe(sentBefore);
    await clock.advance(saved.banUntil - clock.now() + 1);
    await price;
    expect(totalRequests(sim)).toBe(sentBefore + 1);
    b.close();
    fileB.close();
    await sim.close();
  });
});
