import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { runHistory, tempDir } from "./run.js";

/**
 * MEXC has holes (a minute with no trade has no candle); the simulator has none. This exchange is the simulator
 * with some candles taken out of its klines answers, passed through over HTTP unchanged otherwise.
 */
let sim: RunningSim;
let holey: Server;
let url: string;
const missing = new Set<number>();

beforeAll(async () => {
  sim = await startSim({ port: 0, seed: 3, generatedAlts: 5, rateLimit: { enabled: false } });
  holey = createServer(async (req, res) => {
    const upstream = await fetch(`${sim.url}${req.url}`);
    let body = await upstream.text();
    if (req.url?.startsWith("/api/v3/klines") && upstream.ok) {
      const rows = (JSON.parse(body) as unknown[][]).filter((r) => !missing.has(Number(r[0])));
      body = JSON.stringify(rows);
    }
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((r) => holey.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(holey.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => holey.close(r));
  await sim.close();
});

const MIN = 60_000;
const FROM = Date.UTC(2025, 5, 1);

describe("candles the exchange has not got", () => {
  it("are filled flat at the previous close with zero volume, counted and reported", async () => {
    missing.clear();
    missing.add(FROM + 10 * MIN);
    missing.add(FROM + 11 * MIN);
    // A hole wider than one request (1,000 candles): a whole window comes back empty in the middle.
    for (let m = 1200; m < 2300; m++) missing.add(FROM + m * MIN);
    const dir = tempDir();
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        "BTCUSDT",
        "--interval",
        "1m",
        "--from",
        "2025-06-01",
        "--to",
        "2025-06-02",
        "--out",
        dir,
      ],
      { baseUrl: url },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("1102 candles the exchange has not got, filled flat at the previous close");
    expect(r.stderr).toContain("2025-06-01 00:10 (2)");
    expect(r.stderr).toContain("2025-06-01 20:00 (1100)");
    const rows = readFileSync(join(dir, "BTCUSDT-1m.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    expect(rows.length).toBe(2880);
    expect(rows.map((row) => Number(row[0]))).toEqual(rows.map((_, i) => FROM + i * MIN));
    const prevClose = rows[9]?.[4];
    expect(rows[10]).toEqual([
      String(FROM + 10 * MIN),
      prevClose,
      prevClose,
      prevClose,
      prevClose,
      "0",
      String(FROM + 11 * MIN),
      "0",
    ]);
    expect(rows[11]?.slice(1, 6)).toEqual([prevClose, prevClose, prevClose, prevClose, "0"]);
    expect(rows[12]?.[5]).not.toBe("0");
    expect(rows[2299]?.[1]).toBe(rows[1199]?.[4]);
  });

  it("a hole at the end is not invented: the file stops at the last candle there is, and says so", async () => {
    missing.clear();
    for (let m = 1000; m < 1440; m++) missing.add(FROM + m * MIN);
    const dir = tempDir();
    const r = await runHistory(
      [
        "fetch",
        "--symbols",
        "BTCUSDT",
        "--interval",
        "1m",
        "--from",
        "2025-06-01",
        "--to",
        "2025-06-01",
        "--out",
        dir,
      ],
      { baseUrl: url },
    );
    expect(r.code).toBe(0);
    const rows = readFileSync(join(dir, "BTCUSDT-1m.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows.length).toBe(1000);
    expect(r.stderr).toContain("ends at 2025-06-01 16:39 UTC: the exchange has no later candle");
  });
});
