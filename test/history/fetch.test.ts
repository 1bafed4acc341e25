import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { runHistory, tempDir } from "./run.js";

const HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sim: RunningSim;

/** The simulator's own answer, read without our client: what the file must hold, digit for digit. */
async function raw(path: string): Promise<unknown> {
  const res = await fetch(`${sim.url}${path}`);
  return res.json();
}

async function rawKlines(symbol: string, interval: string, start: number, end: number): Promise<string[]> {
  const lines: string[] = [];
  for (let t = start; t < end; ) {
    const rows = (await raw(
      `/api/v3/klines?symbol=${symbol}&interval=${interval}&startTime=${t}&endTime=${end - 1}&limit=1000`,
    )) as unknown[][];
    if (rows.length === 0) break;
    for (const r of rows) lines.push(r.map(String).join(","));
    t = Number(rows[rows.length - 1]?.[0]) + 1;
  }
  return lines;
}

beforeAll(async () => {
  sim = await startSim({ port: 0, seed: 7, generatedAlts: 30, rateLimit: { enabled: false } });
});
afterAll(async () => {
  await sim.close();
});

const FROM = Date.UTC(2025, 2, 1);
const TO = Date.UTC(2025, 2, 3); // two days of 1m candles: 2,880 rows, three requests a symbol

describe("history fetch against the simulator", () => {
  it("writes MEXC's rows verbatim, one per candle, and the symbols' exchangeInfo objects", async () => {
    const dir = tempDir();
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        "BTCUSDC,ETHUSDT",
        "--interval",
        "1m",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-02",
        "--out",
        dir,
      ],
      { baseUrl: sim.url },
    );
    expect(r.stderr).toContain("BTCUSDC: 2,880 rows");
    expect(r.code).toBe(0);
    for (const symbol of ["BTCUSDC", "ETHUSDT"]) {
      const text = readFileSync(join(dir, `${symbol}-1m.csv`), "utf8");
      const lines = text.split("\n");
      expect(lines[0]).toBe(HEADER);
      expect(lines.pop()).toBe("");
      expect(lines.slice(1)).toEqual(await rawKlines(symbol, "1m", FROM, TO));
      expect(lines.length - 1).toBe(2880);
      expect(lines[1]?.startsWith(`${FROM},`)).toBe(true);
    }
    const info = (await raw("/api/v3/exchangeInfo?symbols=BTCUSDC,ETHUSDT")) as { symbols: unknown[] };
    const written = JSON.parse(readFileSync(join(dir, "exchangeInfo.json"), "utf8")) as unknown[];
    expect(written).toEqual(info.symbols);
    expect(JSON.stringify(written)).toBe(JSON.stringify(info.symbols));
  });

  it("starts at the listing when --from is before it, and reports a symbol with no candles in the range", async () => {
    const info = (await raw("/api/v3/exchangeInfo")) as { symbols: { symbol: string }[] };
    // A generated alt listed after 2020: its first daily candle is its listing.
    let symbol = "";
    let listing = 0;
    for (const s of info.symbols) {
      const first = (await raw(
        `/api/v3/klines?symbol=${s.symbol}&interval=1d&startTime=0&endTime=${Date.UTC(2026, 0, 1)}&limit=1`,
      )) as unknown[][];
      const t = Number(first[0]?.[0]);
      if (t > Date.UTC(2021, 0, 1) && t < Date.UTC(2025, 6, 1)) {
        symbol = s.symbol;
        listing = t;
        break;
      }
    }
    expect(symbol).not.toBe("");
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const dir = tempDir();
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        symbol,
        "--interval",
        "60m",
        "--from",
        day(listing - 3 * DAY),
        "--to",
        day(listing + 2 * DAY),
        "--out",
        dir,
      ],
      { baseUrl: sim.url },
    );
    expect(r.code).toBe(0);
    const rows = readFileSync(join(dir, `${symbol}-60m.csv`), "utf8")
      .trim()
      .split("\n")
      .slice(1);
    expect(rows[0]?.split(",")[0]).toBe(String(listing));
    expect(rows.length).toBe(3 * 24);
    expect(r.stderr).toContain("the exchange has no earlier candle (the listing)");

    const before = tempDir();
    const none = await runHistory(
      [
        "fetch",
        "--symbols",
        symbol,
        "--interval",
        "60m",
        "--from",
        day(listing - 9 * DAY),
        "--to",
        day(listing - 5 * DAY),
        "--out",
        before,
      ],
      { baseUrl: sim.url },
    );
    expect(none.code).toBe(0);
    expect(none.stderr).toContain(`${symbol}: no candles`);
    expect(existsSync(join(before, `${symbol}-60m.csv`))).toBe(false);
  });

  it("top:N takes the USDT pairs with the highest 24 h quote volume", async () => {
    const tickers = (await raw("/api/v3/ticker/24hr")) as { symbol: string; quoteVolume: string }[];
    const expected = tickers
      .filter((t) => t.symbol.endsWith("USDT"))
      .sort((a, b) => Number(b.quoteVolume) - Number(a.quoteVolume))
      .slice(0, 3)
      .map((t) => t.symbol)
      .sort();
    const dir = tempDir();
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        "top:3",
        "--interval",
        "1d",
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-10",
        "--out",
        dir,
      ],
      { baseUrl: sim.url },
    );
    expect(r.code).toBe(0);
    const written = (
      JSON.parse(readFileSync(join(dir, "exchangeInfo.json"), "utf8")) as { symbol: string }[]
    ).map((s) => s.symbol);
    expect(written).toEqual(expected);
    for (const s of expected) expect(existsSync(join(dir, `${s}-1d.csv`))).toBe(true);
  });

  it("extends a file to a later --to, and will not leave out the start of an earlier --from", async () => {
    const dir = tempDir();
    const args = (from: string, to: string, out: string) => [
      "fetch",
      "--symbols",
      "BTCUSDC",
      "--interval",
      "60m",
      "--from",
      from,
      "--to",
      to,
      "--out",
      out,
    ];
    expect((await runHistory(args("2025-03-10", "2025-03-11", dir), { baseUrl: sim.url })).code).toBe(0);
    const extended = await runHistory(args("2025-03-10", "2025-03-13", dir), { baseUrl: sim.url });
    expect(extended.stderr).toContain("BTCUSDC: 96 rows, 2025-03-10 00:00 to 2025-03-13 23:00 UTC (48 new)");
    const fresh = tempDir();
    expect((await runHistory(args("2025-03-10", "2025-03-13", fresh), { baseUrl: sim.url })).code).toBe(0);
    const file = (d: string) => readFileSync(join(d, "BTCUSDC-60m.csv"), "utf8");
    expect(file(dir)).toBe(file(fresh));
    const earlier = await runHistory(args("2025-03-05", "2025-03-13", dir), { baseUrl: sim.url });
    expect(earlier.code).toBe(1);
    expect(earlier.stderr).toContain(
      "starts at 2025-03-10 00:00 UTC but the exchange has BTCUSDC candles from 2025-03-05 00:00 UTC",
    );
    expect(earlier.stderr).toContain("delete the file");
    expect(file(dir)).toBe(file(fresh));
  });

  it("refuses wrong arguments with exit 2, naming the argument", async () => {
    const cases: [string[], string][] = [
      [["fetch", "--symbols", "NOPEUSDT", "--from", "2025-01-01"], "NOPEUSDT"],
      [["fetch", "--symbols", "BTCUSDT", "--from", "2025-01-01", "--interval", "1h"], "--interval"],
      [["fetch", "--symbols", "BTCUSDT"], "--from"],
      [["fetch", "--from", "2025-01-01"], "--symbols"],
      [["fetch", "--symbols", "BTCUSDT", "--from", "2025-02-30"], "--from"],
      [["fetch", "--symbols", "BTCUSDT", "--from", "2025-02-03", "--to", "2025-02-01"], "--to"],
      [["fetch", "--symbols", "BTCUSDT", "--from", "2025-01-01", "--limit", "5"], "--limit"],
      [["fetch", "--symbols", "BTCUSDT", "--from", "2099-01-01"], "--from"],
      [["download"], "fetch or import"],
    ];
    for (const [argv, named] of cases) {
      const r = await runHistory(argv, { baseUrl: sim.url });
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toContain(named);
    }
  });

  it("fails with exit 1 and what to do when the exchange cannot be reached", async () => {
    const r = await runHistory(["fetch", "--symbols", "BTCUSDT", "--from", "2025-01-01"], {
      baseUrl: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Check MEXC_BASE_URL");
  });
});
