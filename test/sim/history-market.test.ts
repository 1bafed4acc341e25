import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Simulator } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";
import { csv, historyDir, type Row, writeHistory } from "./history-files.js";

const S = Date.UTC(2025, 0, 1);
const H4 = 4 * 3_600_000;
const MIN = 60_000;

// Eight 4 h candles, chosen so every figure below can be worked out by hand.
const ROWS: Row[] = [
  ["100", "110", "95", "105", "10.125", "1000"], // up: 100 → 95 → 110 → 105
  ["105", "108", "90", "92", "20", "1900"], // down: 105 → 108 → 90 → 92
  ["92", "96", "91", "95", "5", "470"],
  ["95", "99", "94", "98", "7", "680"],
  ["98", "120", "97", "118", "30", "3300"],
  ["118", "119", "100", "101", "40", "4400"],
  ["101", "103", "99", "102", "8", "810"],
  ["102", "104", "100", "103.25", "9", "920"],
];

function market(extra: Record<string, unknown> = {}) {
  const dir = historyDir();
  writeHistory(dir, "BTCUSDT", "4h", csv(S, H4, ROWS));
  const clock = new VirtualClock(S);
  const sim = new Simulator({
    clock,
    history: { dir, interval: "4h" },
    rateLimit: { enabled: false },
    accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "10000" } }],
    ...extra,
  });
  return { dir, clock, sim, c: new TestClient({ sim }, () => clock.now()) };
}

describe("history market: the path inside a candle", () => {
  it("goes open → low → high → close in an up candle, open → high → low → close in a down one, linearly", async () => {
    const { clock, sim } = market();
    const at = async (ms: number): Promise<string> => {
      await clock.advanceTo(S + ms);
      return sim.market.price("BTCUSDT");
    };
    expect(await at(0)).toBe("100");
    expect(await at(40 * MIN)).toBe("97.5"); // halfway to the low (reached at 80 min)
    expect(await at(80 * MIN)).toBe("95");
    expect(await at(120 * MIN)).toBe("102.5");
    expect(await at(160 * MIN)).toBe("110");
    expect(await at(200 * MIN)).toBe("107.5");
    expect(await at(240 * MIN - 1)).toBe("105"); // the close, rounded to the tick
    expect(await at(H4)).toBe("105"); // next open
    expect(await at(H4 + 80 * MIN)).toBe("108"); // a down candle's high comes first
    expect(await at(H4 + 160 * MIN)).toBe("90");
    expect(await at(8 * H4 + 5 * MIN)).toBe("103.25"); // after the history: the last close
  });

  it("has no price before the first candle, and says which span every symbol covers", () => {
    const dir = historyDir();
    writeHistory(dir, "BTCUSDT", "4h", csv(S, H4, ROWS));
    writeHistory(dir, "ETHUSDT", "4h", csv(S + H4, H4, ROWS.slice(0, 4)));
    const clock = new VirtualClock(S - MIN);
    const sim = new Simulator({ clock, history: { dir, interval: "4h" } });
    expect(() => sim.market.price("BTCUSDT")).toThrow(/no price/);
    expect(sim.historyRange()).toEqual({ fromMs: S + H4, toMs: S + 5 * H4 });
    expect(new Simulator({ clock }).historyRange()).toBeUndefined();
  });
});

describe("history market: market data", () => {
  let m: ReturnType<typeof market>;
  beforeEach(() => {
    m = market();
  });

  it("serves defaultSymbols and plausible exchangeInfo rules built from the file", async () => {
    const info = (await m.c.get("/api/v3/exchangeInfo", { symbol: "BTCUSDT" })).json;
    expect(info.symbols[0]).toMatchObject({
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      quotePrecision: 2,
      baseAssetPrecision: 3,
      baseSizePrecision: "0.001",
      quoteAmountPrecision: "1",
      makerCommission: "0",
      takerCommission: "0.0005",
    });
    expect((await m.c.get("/api/v3/defaultSymbols")).json.data).toEqual(["BTCUSDT"]);
    expect((await m.c.get("/api/v3/exchangeInfo", { symbol: "ETHUSDT" })).json.code).toBe(-1121);
  });

  it("lists only closed candles, with the file's own texts", async () => {
    await m.clock.advanceTo(S + 7 * H4 + 60 * MIN);
    const rows = (await m.c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "4h" })).json;
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual([S, "100", "110", "95", "105", "10.125", S + H4, "1000"]);
    expect(rows[6][0]).toBe(S + 6 * H4);
    await m.clock.advanceTo(S + 8 * H4);
    const all = (await m.c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "4h", limit: 2 })).json;
    expect(all.map((r: unknown[]) => r[4])).toEqual(["102", "103.25"]);
  });

  it("builds longer candles from the history's and refuses shorter ones", async () => {
    await m.clock.advanceTo(S + 8 * H4);
    const day = (await m.c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1d" })).json;
    // The second day has only two of its six candles: not closed, not listed.
    expect(day).toEqual([[S, "100", "120", "90", "101", "112.125", S + 6 * H4, "11750"]]);
    const fine = await m.c.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "60m" });
    expect(fine.status).toBe(400);
    expect(fine.json).toMatchObject({ code: -1121 });
    expect(fine.json.msg).toMatch(/4h candles/);
  });

  it("computes the 24 h ticker from the last 24 h of the path and the closed candles' volumes", async () => {
    await m.clock.advanceTo(S + 7 * H4);
    const t = (await m.c.get("/api/v3/ticker/24hr", { symbol: "BTCUSDT" })).json;
    // Window: candles 1..6 whole (opened at S + 4 h), then the open of candle 7.
    expect(t).toMatchObject({
      lastPrice: "102",
      openPrice: "105",
      prevClosePrice: "105",
      priceChange: "-3",
      priceChangePercent: "-0.0286",
      highPrice: "120",
      lowPrice: "90",
      volume: "110",
      quoteVolume: "11560",
      openTime: S + H4,
      closeTime: S + 7 * H4,
    });
    await m.clock.advanceTo(S + 7 * H4 + 40 * MIN);
    const later = (await m.c.get("/api/v3/ticker/24hr", { symbol: "BTCUSDT" })).json;
    // 40 min into candle 7 (up: 102 → 100 at 80 min): the path so far is in, its volume is not yet; the
    // window now opens 40 min into candle 1 (105 → 108 at 80 min).
    expect(later).toMatchObject({ lastPrice: "101", volume: "90" }); // candles 2..6
    expect(Number(later.openPrice)).toBeCloseTo(105 + (108 - 105) * (40 / 80), 2);
  });

  it("puts the book around the path's price: bookTicker and depth agree with ticker/price", async () => {
    await m.clock.advanceTo(S + 40 * MIN);
    const price = (await m.c.get("/api/v3/ticker/price", { symbol: "BTCUSDT" })).json.price;
    const book = (await m.c.get("/api/v3/ticker/bookTicker", { symbol: "BTCUSDT" })).json;
    const depth = (await m.c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 5 })).json;
    expect(price).toBe("97.5");
    // A thin market (1,000 USDT in 4 h): the widest spread, 100 bps; 10 USDT a level at the least.
    expect(book).toEqual({
      symbol: "BTCUSDT",
      bidPrice: "97.01",
      bidQty: "0.102",
      askPrice: "97.99",
      askQty: "0.102",
    });
    expect(depth.asks[0]).toEqual(["97.99", "0.102"]);
    expect(depth.bids).toHaveLength(5);
    expect(Number(depth.asks[1][0])).toBeGreaterThan(97.99);
  });
});

describe("history market: trading", () => {
  it("fills a market buy across the book's levels, taker fee on top", async () => {
    const { clock, sim, c } = market();
    await clock.advanceTo(S + 40 * MIN);
    const depth = (await c.get("/api/v3/depth", { symbol: "BTCUSDT", limit: 3 })).json;
    const r = await c.order({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.3" });
    expect(r.status).toBe(200);
    const trades = (await c.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" })).json;
    const [a0, a1, a2] = depth.asks as [string, string][];
    expect(trades.map((t: Record<string, string>) => [t.price, t.qty])).toEqual([
      a0,
      a1,
      [a2?.[0], "0.088"], // 0.3 − 0.102 − 0.110
    ]);
    const cost = trades.reduce((s: number, t: Record<string, string>) => s + Number(t.quoteQty), 0);
    const fees = trades.reduce((s: number, t: Record<string, string>) => s + Number(t.commission), 0);
    expect(fees).toBeCloseTo(cost * 0.0005, 8);
    expect(Number(sim.account().balances.USDT?.free)).toBeCloseTo(10000 - cost - fees, 6);
    expect(sim.account().balances.BTC?.free).toBe("0.3");
  });

  it("fills a resting limit buy where the path brings the ask down to it, a level a minute", async () => {
    const { clock, sim, c } = market();
    await clock.advanceTo(S + 40 * MIN);
    const r = await c.order({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", price: "96", quantity: "0.5" });
    expect(r.json.status ?? "NEW").toBe("NEW");
    await clock.advanceTo(S + 100 * MIN);
    await sim.market.tick();
    const trades = (await c.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" })).json;
    // The ask (path × 1.005) reaches 96 in minute 71 (path 95.5 at its end) and stays there to minute 82;
    // each minute fills the top level, 10 USDT / price, rounded down to 0.001.
    expect(trades.map((t: Record<string, string>) => t.qty)).toEqual([
      "0.104",
      "0.104",
      "0.104",
      "0.104",
      "0.084",
    ]);
    expect(trades.map((t: Record<string, unknown>) => t.time)).toEqual(
      [71, 72, 73, 74, 75].map((m) => S + m * MIN + 30_000),
    );
    expect(trades.every((t: Record<string, unknown>) => t.price === "96" && t.isMaker === true)).toBe(true);
    const order = (await c.getOrder("BTCUSDT", r.json.orderId)).json;
    expect(order).toMatchObject({ status: "FILLED", executedQty: "0.5" });
  });

  it("fills a resting limit sell in the first minute the bid rises to it", async () => {
    const { clock, sim, c } = market({
      accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "10000", BTC: "1" } }],
    });
    await clock.advanceTo(S + 4 * H4);
    const r = await c.order({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      price: "110",
      quantity: "0.05",
    });
    await clock.advanceTo(S + 5 * H4);
    await sim.market.tick();
    // Candle 4 goes 98 → 97 (80 min) → 120 (160 min); the bid (path × 0.995) reaches 110 in minute 127.
    const trades = (await c.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" })).json;
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ price: "110", qty: "0.05", time: S + 4 * H4 + 127 * MIN + 30_000 });
    expect((await c.getOrder("BTCUSDT", r.json.orderId)).json.status).toBe("FILLED");
    expect(sim.account().balances.USDT?.free).toBe("10005.5");
  });

  it("leaves a resting sell untouched while the path stays below it", async () => {
    const { clock, sim, c } = market({
      accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "10000", BTC: "1" } }],
    });
    const r = await c.order({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      price: "121",
      quantity: "0.5",
    });
    await clock.advanceTo(S + 8 * H4);
    await sim.market.tick();
    expect((await c.getOrder("BTCUSDT", r.json.orderId)).json.status).toBe("NEW");
  });
});

describe("history market: files and rules", () => {
  it("takes exchangeInfo.json verbatim where it has the symbol", async () => {
    const { dir } = market();
    const info = {
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      quotePrecision: 2,
      quoteAmountPrecision: "5",
      extra: "kept",
    };
    writeFileSync(join(dir, "exchangeInfo.json"), JSON.stringify([info]));
    const clock = new VirtualClock(S + MIN);
    const sim = new Simulator({ clock, history: { dir, interval: "4h" }, rateLimit: { enabled: false } });
    const c = new TestClient({ sim }, () => clock.now());
    expect((await c.get("/api/v3/exchangeInfo")).json.symbols).toEqual([info]);
    const small = await c.order({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      price: "90",
      quantity: "0.04",
    });
    expect(small.json).toMatchObject({ code: 30002 });
  });

  it("refuses a malformed file with its name and line", () => {
    const bad = (rows: string, why: RegExp): void => {
      const dir = historyDir();
      writeHistory(dir, "BTCUSDT", "4h", rows);
      expect(() => new Simulator({ history: { dir, interval: "4h" } })).toThrow(why);
    };
    const good = csv(S, H4, ROWS).split("\n");
    bad(["open,high", ...good.slice(1)].join("\n"), /BTCUSDT-4h\.csv:1: the header/);
    bad([...good.slice(0, 3), ...good.slice(4)].join("\n"), /BTCUSDT-4h\.csv:4: gap/);
    bad(
      [...good.slice(0, 2), good[1], ...good.slice(2)].join("\n"),
      /BTCUSDT-4h\.csv:3: open_time is not ascending/,
    );
    bad(good.join("\n").replace(",110,95,105,", ",110,106,105,"), /:2: impossible candle/);
    bad(good.join("\n").replace(",110,95,", ",1.1e2,95,"), /:2: "1.1e2" is not a plain decimal/);
    bad(good.join("\n").replace(`${S + H4},1000`, `${S + H4 + 5},1000`), /:2: close_time/);
    expect(() => new Simulator({ history: { dir: historyDir(), interval: "4h" } })).toThrow(
      /no history in .* for interval 4h/,
    );
    expect(() => new Simulator({ history: { dir: historyDir(), interval: "1h" } })).toThrow(
      /not one of MEXC's/,
    );
  });

  it("says which pairs MX fees need when the history lacks them", () => {
    const { dir } = market();
    expect(() => new Simulator({ history: { dir, interval: "4h" }, feeAsset: "MX" })).toThrow(/MXUSDT/);
    expect(() => new Simulator({ history: { dir, interval: "4h" }, upstream: "http://127.0.0.1:1" })).toThrow(
      /either history or upstream/,
    );
  });
});
