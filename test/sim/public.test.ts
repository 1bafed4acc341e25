import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, Simulator, startSim } from "../../src/sim/index.js";
import { TestClient } from "./helpers.js";

const T0 = Date.UTC(2026, 0, 14, 13, 37, 21, 500);
const D = (s: string): number => Number(s);

describe("public endpoints over HTTP", () => {
  const clock = new VirtualClock(T0);
  let running: RunningSim;
  let c: TestClient;

  beforeAll(async () => {
    running = await startSim({ clock, generatedAlts: 300, rateLimit: { enabled: false } });
    c = new TestClient({ url: running.url }, () => clock.now());
  });
  afterAll(() => running.close());

  it("ping, time, defaultSymbols", async () => {
    expect((await c.get("/api/v3/ping")).json).toEqual({});
    expect((await c.get("/api/v3/time")).json).toEqual({ serverTime: T0 });
    const d = (await c.get("/api/v3/defaultSymbols")).json;
    expect(d.code).toBe(200);
    expect(d.msg).toBeNull();
    for (const s of ["BTCUSDT", "ETHUSDC", "USDCUSDT", "MXUSDT", "AVAXUSDC", "MATICUSDT"])
      expect(d.data).toContain(s);
    expect(d.data.length).toBeLessThan(316);
  });

  it("exchangeInfo: all, one, several, unknown; MEXC field types and a realistic variety", async () => {
    const all = (await c.get("/api/v3/exchangeInfo")).json;
    expect(Object.keys(all)).toEqual(["timezone", "serverTime", "rateLimits", "exchangeFilters", "symbols"]);
    expect(all.symbols).toHaveLength(316);
    const btc = all.symbols.find((s: { symbol: string }) => s.symbol === "BTCUSDC");
    expect(btc).toMatchObject({
      status: "1",
      baseAsset: "BTC",
      quoteAsset: "USDC",
      baseAssetPrecision: 6,
      quotePrecision: 2,
      quoteAssetPrecision: 2,
      isSpotTradingAllowed: true,
      permissions: ["SPOT"],
      // Issue 12: BTCUSDC carries a price band by default (symbol-rules.test.ts).
      filters: [{ filterType: "PERCENT_PRICE_BY_SIDE", bidMultiplierUp: "1.1", askMultiplierDown: "0.9" }],
      tradeSideType: "1",
    });
    for (const f of [
      "baseSizePrecision",
      "quoteAmountPrecision",
      "maxQuoteAmount",
      "makerCommission",
      "takerCommission",
    ]) {
      expect(typeof btc[f]).toBe("string");
    }
    const symbols = all.symbols as Record<string, unknown>[];
    const distinct = (f: string): Set<unknown> => new Set(symbols.map((s) => s[f]));
    expect([...distinct("baseAssetPrecision")].length).toBeGreaterThanOrEqual(7);
    expect(Math.min(...(distinct("baseAssetPrecision") as Set<number>))).toBe(0);
    expect(Math.max(...(distinct("baseAssetPrecision") as Set<number>))).toBe(8);
    expect(Math.min(...(distinct("quotePrecision") as Set<number>))).toBe(2);
    expect(Math.max(...(distinct("quotePrecision") as Set<number>))).toBe(8);
    expect(distinct("quoteAmountPrecision")).toEqual(new Set(["1", "5"]));
    expect(distinct("status")).toEqual(new Set(["1", "2"]));
    expect(distinct("tradeSideType").has("3")).toBe(true);

    const one = (await c.get("/api/v3/exchangeInfo", { symbol: "MXUSDT" })).json;
    expect(one.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["MXUSDT"]);
    const two = (await c.get("/api/v3/exchangeInfo", { symbols: "BTCUSDT,ETHUSDC" })).json;
    expect(two.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDC"]);
    const bad = await c.get("/api/v3/exchangeInfo", { symbol: "NOPEUSDT" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ code: -1121, msg: "Invalid symbol." });
  });

  it("seed pairs have sensible prices", async () => {
    const price = async (s: string): Promise<number> =>
      D((await c.get("/api/v3/ticker/price", { symbol: s })).json.price);
    expect(await price("BTCUSDC")).toBeGreaterThan(40000);
    expect(await price("BTCUSDC")).toBeLessThan(90000);
    expect(await price("ETHUSDT")).toBeGreaterThan(2000);
    expect(await price("ETHUSDT")).toBeLessThan(4500);
    expect(Math.abs((await price("USDCUSDT")) - 1)).toBeLessThan(0.003);
  });

  it("depth respects limit and is a sane book", async () => {
    const d = (await c.get("/api/v3/depth", { symbol: "ETHUSDT", limit: 7 })).json;
    expect(d.lastUpdateId).toBeTypeOf("number");
    expect(d.bids).toHaveLength(7);
    expect(d.asks).toHaveLength(7);
    const bids = d.bids.map((l: string[]) => D(l[0] as string));
    const asks = d.asks.map((l: string[]) => D(l[0] as string));
    for (let i = 1; i < 7; i++) {
      expect(bids[i]).toBeLessThan(bids[i - 1]);
      expect(asks[i]).toBeGreaterThan(asks[i - 1]);
    }
    expect(bids[0]).toBeLessThan(asks[0]);
    expect(typeof d.bids[0][1]).toBe("string");
    expect((await c.get("/api/v3/depth", { symbol: "ETHUSDT" })).json.bids).toHaveLength(100);
    expect((await c.get("/api/v3/depth", { symbol: "ETHUSDT", limit: 9000 })).json.asks).toHaveLength(5000);
    const book = (await c.get("/api/v3/ticker/bookTicker", { symbol: "ETHUSDT" })).json;
    expect(book).toEqual({
      symbol: "ETHUSDT",
      bidPrice: d.bids[0][0],
      bidQty: d.bids[0][1],
      askPrice: d.asks[0][0],
      askQty: d.asks[0][1],
    });
  });

  it("klines: row shape, MEXC intervals, selection by limit/startTime/endTime", async () => {
    const rows = (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 3 })).json;
    expect(rows).toHaveLength(3);
    const last = rows[2];
    expect(last).toHaveLength(8);
    expect(last[0]).toBe(Math.floor(T0 / 60000) * 60000);
    expect(last[6]).toBe(last[0] + 60000);
    for (const i of [1, 2, 3, 4, 5, 7]) expect(typeof last[i]).toBe("string");
    expect((await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m" })).json).toHaveLength(500);
    expect(
      (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: 5000 })).json,
    ).toHaveLength(1000);
    const bad = await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1h" });
    expect(bad.status).toBe(400);
    expect(bad.json.msg).toBe("Invalid interval.");
    const from = Date.UTC(2026, 0, 13, 10, 7);
    const ranged = (
      await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "15m", startTime: from, limit: 4 })
    ).json;
    expect(ranged.map((r: number[]) => r[0])).toEqual(
      [0, 1, 2, 3].map((i) => Date.UTC(2026, 0, 13, 10, 15 + 15 * i)),
    );
    const until = (
      await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "60m", endTime: from, limit: 2 })
    ).json;
    expect(until.map((r: number[]) => r[0])).toEqual([Date.UTC(2026, 0, 13, 9), Date.UTC(2026, 0, 13, 10)]);
    const weeks = (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1W", limit: 3 })).json;
    for (const w of weeks) expect(new Date(w[0]).getUTCDay()).toBe(1);
    const months = (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1M", limit: 14 })).json;
    expect(months).toHaveLength(14);
    for (const m of months) expect(new Date(m[0]).getUTCDate()).toBe(1);
    expect(new Date(months[13][6]).getUTCMonth()).toBe(1);
  });

  it("every interval is an aggregate of the same minute path", async () => {
    const check = async (interval: string, minutes: number, symbol: string): Promise<void> => {
      const big = (
        await c.get("/api/v3/klines", { symbol, interval, endTime: T0 - 86_400_000 * 3, limit: 1 })
      ).json[0];
      const small = (
        await c.get("/api/v3/klines", { symbol, interval: "1m", startTime: big[0], limit: minutes })
      ).json as string[][];
      expect(small).toHaveLength(minutes);
      expect(small[0]?.[1]).toBe(big[1]);
      expect(small[minutes - 1]?.[4]).toBe(big[4]);
      expect(Math.max(...small.map((r) => D(r[2] as string)))).toBe(D(big[2]));
      expect(Math.min(...small.map((r) => D(r[3] as string)))).toBe(D(big[3]));
      const vol = small.reduce((s, r) => s + D(r[5] as string), 0);
      expect(Math.abs(vol - D(big[5])) / D(big[5])).toBeLessThan(1e-3);
    };
    await check("5m", 5, "ETHUSDT");
    await check("60m", 60, "ADAUSDC");
    await check("4h", 240, "BTCUSDT");
    const day = (
      await c.get("/api/v3/klines", {
        symbol: "LINKUSDT",
        interval: "1d",
        endTime: T0 - 86_400_000 * 3,
        limit: 1,
      })
    ).json[0];
    const hours = (
      await c.get("/api/v3/klines", { symbol: "LINKUSDT", interval: "60m", startTime: day[0], limit: 24 })
    ).json as string[][];
    expect(hours[0]?.[1]).toBe(day[1]);
    expect(hours[23]?.[4]).toBe(day[4]);
    expect(Math.max(...hours.map((r) => D(r[2] as string)))).toBe(D(day[2]));
  });

  it("tickers agree with each other and with the path now", async () => {
    const t = (await c.get("/api/v3/ticker/24hr", { symbol: "ETHUSDT" })).json;
    expect(Object.keys(t)).toEqual([
      "symbol",
      "priceChange",
      "priceChangePercent",
      "prevClosePrice",
      "lastPrice",
      "bidPrice",
      "bidQty",
      "askPrice",
      "askQty",
      "openPrice",
      "highPrice",
      "lowPrice",
      "volume",
      "quoteVolume",
      "openTime",
      "closeTime",
      "count",
    ]);
    expect(t.closeTime).toBe(T0);
    expect(t.openTime).toBe(T0 - 86_400_000);
    const price = (await c.get("/api/v3/ticker/price", { symbol: "ETHUSDT" })).json.price;
    expect(t.lastPrice).toBe(price);
    expect(running.sim.market.price("ETHUSDT")).toBe(price);
    const minute = (await c.get("/api/v3/klines", { symbol: "ETHUSDT", interval: "1m", limit: 1 })).json[0];
    expect(minute[4]).toBe(price);
    expect(D(t.bidPrice)).toBeLessThan(D(t.askPrice));
    expect(D(t.bidPrice)).toBeLessThanOrEqual(D(price));
    expect(D(t.askPrice)).toBeGreaterThanOrEqual(D(price));
    expect(D(t.highPrice)).toBeGreaterThanOrEqual(D(price));
    expect(D(t.lowPrice)).toBeLessThanOrEqual(D(price));
    expect(D(t.priceChange)).toBeCloseTo(D(t.lastPrice) - D(t.openPrice), 6);
    expect(D(t.priceChangePercent)).toBeCloseTo((D(t.lastPrice) - D(t.openPrice)) / D(t.openPrice), 4);
    expect(t.priceChangePercent).not.toContain("e");
    expect(D(t.quoteVolume)).toBeGreaterThan(0);
    const all = (await c.get("/api/v3/ticker/24hr")).json;
    expect(all).toHaveLength(316);
    expect(all.find((x: { symbol: string }) => x.symbol === "ETHUSDT")).toEqual(t);
    expect((await c.get("/api/v3/ticker/price")).json).toHaveLength(316);
    expect((await c.get("/api/v3/ticker/bookTicker")).json).toHaveLength(316);
    for (const x of all) expect(`${x.lastPrice}${x.volume}${x.quoteVolume}`).not.toMatch(/e|NaN|Infinity/);
  });

  it("answers unknown paths and bad parameters like MEXC", async () => {
    const nf = await c.get("/api/v3/nothing");
    expect(nf.status).toBe(404);
    expect(nf.json).toEqual({ code: 404, msg: "Not Found" });
    expect((await c.raw("POST", "/api/v3/ping")).status).toBe(405);
    const missing = await c.get("/api/v3/depth");
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      code: 700004,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
    expect(
      (await c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: "ten" })).json.code,
    ).toBe(700008);
    expect((await c.get("/api/v3/ticker/24hr", { symbol: "btcusdt" })).json.code).toBe(-1121);
  });
});

describe("the market over time", () => {
  it("moves only when the virtual clock moves, and is the same for the same seed", async () => {
    const mk = (seed: number, clock: VirtualClock): Simulator =>
      new Simulator({ clock, seed, generatedAlts: 40, rateLimit: { enabled: false } });
    const c1 = new VirtualClock(T0);
    const c2 = new VirtualClock(T0);
    const a = mk(42, c1);
    const b = mk(42, c2);
    const other = mk(43, new VirtualClock(T0));
    const ask = async (s: Simulator, path: string, query = ""): Promise<string> =>
      (await s.handle({ method: "GET", path, query })).body;
    const paths: [string, string][] = [
      ["/api/v3/exchangeInfo", ""],
      ["/api/v3/ticker/24hr", ""],
      ["/api/v3/klines", "symbol=ETHUSDT&interval=15m&limit=200"],
      ["/api/v3/depth", "symbol=BTCUSDT&limit=50"],
      ["/api/v3/defaultSymbols", ""],
    ];
    for (const [p, q] of paths) expect(await ask(a, p, q)).toBe(await ask(b, p, q));
    expect(await ask(other, "/api/v3/ticker/24hr")).not.toBe(await ask(a, "/api/v3/ticker/24hr"));
    expect(await ask(other, "/api/v3/exchangeInfo")).not.toBe(await ask(a, "/api/v3/exchangeInfo"));

    const before = a.market.price("BTCUSDT");
    expect(a.market.price("BTCUSDT")).toBe(before);
    await c1.advance(5 * 60_000);
    expect(a.market.price("BTCUSDT")).not.toBe(before);
    await c2.advance(5 * 60_000);
    expect(await ask(a, "/api/v3/ticker/24hr")).toBe(await ask(b, "/api/v3/ticker/24hr"));
  });

  it("a past window is the same whether asked for early or late", async () => {
    const clock = new VirtualClock(T0);
    const sim = new Simulator({ clock, generatedAlts: 0 });
    const q = `symbol=DOTUSDT&interval=30m&startTime=${T0 - 10 * 86_400_000}&limit=100`;
    const early = (await sim.handle({ method: "GET", path: "/api/v3/klines", query: q })).body;
    await clock.advance(3 * 86_400_000);
    const late = (await sim.handle({ method: "GET", path: "/api/v3/klines", query: q })).body;
    expect(late).toBe(early);
  });

  it("pump, dip and trend regimes move the price and volume as asked", async () => {
    const clock = new VirtualClock(T0);
    const twin = new VirtualClock(T0);
    const sim = new Simulator({ clock, generatedAlts: 0 });
    const base = new Simulator({ clock: twin, generatedAlts: 0 });
    sim.market.regime("AVAXUSDT", { kind: "pump", startMs: T0 });
    sim.market.regime("DOTUSDT", { kind: "dip", startMs: T0, durationMs: 30 * 60_000 });
    sim.market.regime("LINKUSDT", { kind: "trend", startMs: T0, durationMs: 6 * 3_600_000, change: 0.5 });
    await clock.advance(3_600_000);
    await twin.advance(3_600_000);
    const ratio = (s: string): number => D(sim.market.price(s)) / D(base.market.price(s));
    expect(ratio("AVAXUSDT")).toBeCloseTo(1.3, 2);
    expect(ratio("DOTUSDT")).toBeCloseTo(0.9, 2);
    expect(ratio("LINKUSDT")).toBeCloseTo(1.5 ** (1 / 6), 2);
    expect(ratio("BTCUSDT")).toBe(1);
    const vol = async (s: Simulator): Promise<number> => {
      const r = await s.handle({
        method: "GET",
        path: "/api/v3/klines",
        query: "symbol=AVAXUSDT&interval=60m&limit=2",
      });
      return D((JSON.parse(r.body) as string[][])[1]?.[5] as string);
    };
    expect((await vol(sim)) / (await vol(base))).toBeGreaterThan(4);
  });
});
