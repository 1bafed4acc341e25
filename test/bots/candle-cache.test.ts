import { describe, expect, it } from "vitest";
import { type HttpRequest, type KlineInterval, MexcClient, type Transport } from "../../src/api/index.js";
import { CandleCache } from "../../src/bots/candle-cache.js";
import { createScan } from "../../src/bots/market-scan.js";
import { VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import { Simulator } from "../../src/sim/index.js";
import { SIM_KEY, SIM_SECRET } from "../support/exchange.js";

/**
 * The candle cache against the simulator over its in-process transport, on a virtual clock moving across candle
 * closes: what it returns must be what a fresh full read returns at the same instant. A transport in front of
 * the simulator counts the klines requests and the candles they carry, and can tamper with an answer the way a
 * flaky exchange could (a candle missing, a candle re-opened at another price).
 */

const START = Date.UTC(2026, 10, 2, 9, 0, 13);
const SECOND = 1_000;

interface Sent {
  symbol: string;
  startTime: string | null;
  rows: number;
}

type Tamper = (rows: unknown[][], q: URLSearchParams) => unknown[][];

function exchange(opts: { alts?: number } = {}) {
  const clock = new VirtualClock(START);
  const sim = new Simulator({ clock, generatedAlts: opts.alts ?? 4, rateLimit: { enabled: false } });
  const inner = inProcessTransport(sim, clock);
  const sent: Sent[] = [];
  let tamper: Tamper | undefined;
  const counting: Transport = {
    async send(req: HttpRequest) {
      const res = await inner.send(req);
      const url = new URL(req.url);
      if (url.pathname !== "/api/v3/klines" || res.status !== 200) return res;
      const q = url.searchParams;
      let rows = JSON.parse(res.body) as unknown[][];
      if (tamper && q.has("startTime")) rows = tamper(rows, q);
      sent.push({ symbol: q.get("symbol") ?? "", startTime: q.get("startTime"), rows: rows.length });
      return { ...res, body: JSON.stringify(rows) };
    },
  };
  const make = (transport: Transport) =>
    new MexcClient({
      baseUrl: "http://in-process.test",
      apiKey: SIM_KEY,
      apiSecret: SIM_SECRET,
      clock,
      transport,
    });
  return {
    clock,
    sim,
    sent,
    /** Reads through the counting (and possibly tampering) transport. */
    counted: make(counting),
    /** Reads straight from the simulator: the reference a cached series must equal. */
    plain: make(inner),
    setTamper(t: Tamper | undefined) {
      tamper = t;
    },
  };
}

/** Runs `p` to its end, moving the clock by small steps whenever the client waits on it (its weight limiter). */
async function settle<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  while (!done) await clock.advance(clock.pending > 0 ? 100 : 0);
  return out;
}

/** Steps of uneven length, most shorter than a candle, some longer, so reads land before, at and after closes. */
const STEPS = [17, 43, 60, 1, 119, 7, 240, 59, 61, 300, 3, 900, 29, 31, 600].map((s) => s * SECOND);

describe("candle cache", () => {
  for (const interval of ["1m", "5m"] as KlineInterval[]) {
    it(`equals a fresh full read at every instant (${interval}, limit 100)`, async () => {
      const ex = exchange();
      const cache = new CandleCache({ client: ex.counted });
      const symbols = ["BTCUSDT", "ETHUSDT"];
      for (let round = 0; round < 3; round++) {
        for (const step of STEPS) {
          await ex.clock.advance(step);
          for (const symbol of symbols) {
            const got = await cache.candles(symbol, interval, 100, ex.clock.now());
            const want = await ex.plain.klines(symbol, interval, { limit: 100 });
            expect(got).toEqual(want);
            expect(got).toHaveLength(100);
          }
        }
      }
      // Only the first read of each symbol was whole; every later one asked from the last kept candle on.
      expect(cache.stats.full).toBe(symbols.length);
      expect(cache.stats.fallbacks).toBe(0);
      expect(ex.sent.filter((s) => s.startTime === null)).toHaveLength(symbols.length);
    });
  }

  it("asks only for the candles from the last kept one on, and answers what it keeps frozen", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted });
    const first = await cache.candles("BTCUSDT", "1m", 100, ex.clock.now());
    // Callers share the kept series: one that tried to trim it would change the next answer.
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as unknown[]).length = 0;
    }).toThrow(TypeError);
    expect(first).toHaveLength(100);
    await ex.clock.advance(150 * SECOND);
    const second = await cache.candles("BTCUSDT", "1m", 100, ex.clock.now());
    expect(second).toEqual(await ex.plain.klines("BTCUSDT", "1m", { limit: 100 }));
    const last = ex.sent.at(-1);
    // 09:00 was the open candle at 09:00:13; 2.5 min later it comes again with 09:01 and the open 09:02.
    expect(last).toEqual({ symbol: "BTCUSDT", startTime: String(Date.UTC(2026, 10, 2, 9, 0)), rows: 3 });
  });

  it("falls back to a full read when the answer leaves a gap", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted });
    await cache.candles("BTCUSDT", "1m", 100, ex.clock.now());
    await ex.clock.advance(4 * 60 * SECOND);
    ex.setTamper((rows) => rows.filter((_, i) => i !== 2));
    const got = await cache.candles("BTCUSDT", "1m", 100, ex.clock.now());
    expect(got).toEqual(await ex.plain.klines("BTCUSDT", "1m", { limit: 100 }));
    expect(cache.stats).toEqual({ full: 2, incremental: 0, fallbacks: 1 });
    expect(ex.sent.map((s) => s.startTime === null)).toEqual([true, false, true]);
  });

  it("falls back to a full read when the kept candle comes back re-opened at another price", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted });
    await cache.candles("ETHUSDT", "1m", 50, ex.clock.now());
    await ex.clock.advance(30 * SECOND);
    ex.setTamper((rows) => rows.map((r, i) => (i === 0 ? [r[0], "1", ...r.slice(2)] : r)));
    await cache.candles("ETHUSDT", "1m", 50, ex.clock.now());
    expect(cache.stats).toEqual({ full: 2, incremental: 0, fallbacks: 1 });
  });

  it("reads whole again when the kept series is older than limit intervals, or the limit changed", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted });
    await cache.candles("BTCUSDT", "1m", 20, ex.clock.now());
    await ex.clock.advance(20 * 60 * SECOND);
    const late = await cache.candles("BTCUSDT", "1m", 20, ex.clock.now());
    expect(late).toEqual(await ex.plain.klines("BTCUSDT", "1m", { limit: 20 }));
    const wider = await cache.candles("BTCUSDT", "1m", 30, ex.clock.now());
    expect(wider).toEqual(await ex.plain.klines("BTCUSDT", "1m", { limit: 30 }));
    // Another interval is another series: read whole, and the 1m one is still kept.
    await cache.candles("BTCUSDT", "5m", 30, ex.clock.now());
    expect(cache.stats).toEqual({ full: 4, incremental: 0, fallbacks: 0 });
    expect(ex.sent.every((s) => s.startTime === null)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it("keeps at most maxEntries series, dropping the least recently read", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted, maxEntries: 2 });
    for (const s of ["BTCUSDT", "ETHUSDT", "BTCUSDT", "BTCUSDC"])
      await cache.candles(s, "1m", 10, ex.clock.now());
    expect(cache.size).toBe(2);
    await ex.clock.advance(61 * SECOND);
    await cache.candles("BTCUSDT", "1m", 10, ex.clock.now());
    await cache.candles("ETHUSDT", "1m", 10, ex.clock.now());
    // BTCUSDT was kept (read again before BTCUSDC came); ETHUSDT had been dropped for it.
    expect(ex.sent.slice(-2).map((s) => [s.symbol, s.startTime === null])).toEqual([
      ["BTCUSDT", false],
      ["ETHUSDT", true],
    ]);
  });

  it("drops series not read for limit intervals", async () => {
    const ex = exchange();
    const cache = new CandleCache({ client: ex.counted });
    await cache.candles("ETHUSDT", "1m", 10, ex.clock.now());
    await ex.clock.advance(11 * 60 * SECOND);
    await cache.candles("BTCUSDT", "1m", 10, ex.clock.now());
    expect(cache.size).toBe(1);
  });

  it("a scanner's scans after the first carry a few candles per pair instead of the whole series", async () => {
    const ex = exchange({ alts: 20 });
    const raw = structuredClone(userConfig);
    raw.scanner.maxPairs = 0;
    raw.scanner.minQuoteVolume24hUsdt = "0" as never;
    const config = parseConfig(raw);
    const scan = createScan({ client: ex.counted, config });
    const perScan: { requests: number; full: number; rows: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const from = ex.sent.length;
      const report = await settle(ex.clock, scan(undefined, ex.clock.now()));
      expect(report.failed).toEqual([]);
      expect(report.scanned).toBeGreaterThan(5);
      const sent = ex.sent.slice(from);
      perScan.push({
        requests: sent.length,
        full: sent.filter((s) => s.startTime === null).length,
        rows: sent.reduce((n, s) => n + s.rows, 0),
      });
      await ex.clock.advance(config.scanner.intervalSec * SECOND);
    }
    const [first, ...later] = perScan;
    if (!first) throw new Error("no scan");
    expect(first.full).toBe(first.requests);
    expect(first.rows).toBe(first.requests * config.scanner.klineLimit);
    for (const s of later) {
      expect(s.full).toBe(0);
      expect(s.rows).toBeLessThanOrEqual(s.requests * 3);
    }
  });
});
