import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSim, startSim } from "../../src/sim/index.js";
import { eventually } from "../support/exchange.js";
import { isolatedEnv, spawnTsx } from "../support/spawn.js";
import { runHistory, tempDir } from "./run.js";

let sim: RunningSim;
let reference: string;
const SYMBOL = "ETHUSDC";
// 30 days of 15m candles: 2,880 rows, three requests.
const ARGS = [
  "fetch",
  "--symbols",
  SYMBOL,
  "--interval",
  "15m",
  "--from",
  "2025-04-01",
  "--to",
  "2025-04-30",
];
const ROWS = 2880;
const file = (dir: string) => join(dir, `${SYMBOL}-15m.csv`);
const klineRequests = () => sim.sim.stats.requests["GET /api/v3/klines"] ?? 0;
const rowsIn = (dir: string) =>
  existsSync(file(dir)) ? readFileSync(file(dir), "utf8").split("\n").length - 2 : 0;

beforeAll(async () => {
  sim = await startSim({ port: 0, seed: 11, generatedAlts: 5, rateLimit: { enabled: false } });
  const dir = tempDir();
  const r = await runHistory([...ARGS, "--out", dir], { baseUrl: sim.url });
  expect(r.code).toBe(0);
  reference = readFileSync(file(dir), "utf8");
  expect(reference.split("\n").length).toBe(ROWS + 2);
});
afterAll(async () => {
  await sim.close();
});

describe("an interrupted fetch continues where it stopped", () => {
  it("cuts a torn last line and ends byte for byte as an uninterrupted fetch", async () => {
    // Cut inside the header, inside a row of the first request's batch, and one byte short of the end.
    for (const cut of [20, Math.floor(reference.length / 4) + 7, reference.length - 1]) {
      const dir = tempDir();
      writeFileSync(file(dir), reference);
      truncateSync(file(dir), cut);
      const r = await runHistory([...ARGS, "--out", dir], { baseUrl: sim.url });
      expect(r.code).toBe(0);
      expect(readFileSync(file(dir), "utf8")).toBe(reference);
    }
  });

  it("aborted between two requests, the next run completes the same file", async () => {
    const dir = tempDir();
    const stop = new AbortController();
    sim.sim.faults.slow(150);
    const before = klineRequests();
    const running = runHistory([...ARGS, "--out", dir], { baseUrl: sim.url, signal: stop.signal });
    await eventually(() => klineRequests() >= before + 2);
    stop.abort();
    const r = await running;
    sim.sim.faults.clear();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run the same command again to continue");
    expect(rowsIn(dir)).toBeGreaterThan(0);
    expect(rowsIn(dir)).toBeLessThan(ROWS);
    const again = await runHistory([...ARGS, "--out", dir], { baseUrl: sim.url });
    expect(again.code).toBe(0);
    expect(readFileSync(file(dir), "utf8")).toBe(reference);
  });

  it("killed (SIGKILL) mid-way, the next run completes the same file", async () => {
    const home = tempDir();
    const dir = join(home, "data", "history");
    sim.sim.faults.slow(400);
    const child = spawnTsx("src/cli/history.ts", ARGS, isolatedEnv(home, { MEXC_BASE_URL: sim.url }));
    try {
      await eventually(() => rowsIn(dir) > 0, 30_000);
      child.child.kill("SIGKILL");
      await child.exited;
    } finally {
      sim.sim.faults.clear();
    }
    expect(rowsIn(dir)).toBeLessThan(ROWS);
    const again = await runHistory([...ARGS], { baseUrl: sim.url, dataDir: join(home, "data") });
    expect(again.code).toBe(0);
    expect(readFileSync(file(dir), "utf8")).toBe(reference);
  });

  it("a second run over a complete file asks for nothing more and changes nothing", async () => {
    const dir = tempDir();
    writeFileSync(file(dir), reference);
    const before = klineRequests();
    const r = await runHistory([...ARGS, "--out", dir], { baseUrl: sim.url });
    expect(r.code).toBe(0);
    expect(klineRequests()).toBe(before);
    expect(readFileSync(file(dir), "utf8")).toBe(reference);
  });

  it("refuses to continue a damaged file, naming the line", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const lines = reference.split("\n");
    lines[100] = (lines[100] as string).replace(/,[^,]+,/, ",abc,");
    writeFileSync(file(dir), lines.slice(0, 500).join("\n") + "\n");
    const r = await runHistory([...ARGS, "--out", dir], { baseUrl: sim.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file(dir)}:101:`);
    expect(r.stderr).toContain("delete it");
  });
});
