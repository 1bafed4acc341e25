import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MexcClient } from "../src/api/index.js";
import { isolatedEnv, type Spawned, spawnTsx } from "./support/spawn.js";

/**
 * `npm run check:live` against a standalone simulator in its own process, the way a user runs it against
 * api.mexc.com: every verdict comes from the exchange's answers, and the exchange's own counters prove that no
 * order was placed.
 */

const KEY = "sim-api-key";
const SECRET = "sim-api-secret";
const SHAPES = ["LIMIT BUY BTCUSDC", "MARKET BUY BTCUSDT by quoteOrderQty", "LIMIT SELL BTCUSDC"];

let sim: Spawned;
let url = "";

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/__sim/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
}

interface Stats {
  requests: Record<string, number>;
  ordersCreated: number;
}

async function checkLive(env: Record<string, string> = {}, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "mpb-check-live-"));
  const run = spawnTsx(
    "src/cli/check-live.ts",
    args,
    isolatedEnv(dir, { MEXC_BASE_URL: url, MEXC_API_KEY: KEY, MEXC_API_SECRET: SECRET, ...env }),
  );
  const { code } = await run.exited;
  return { code, stdout: run.out.stdout, stderr: run.out.stderr };
}

/** The table's row for a check: "PASS  LIMIT BUY BTCUSDC  ...". */
const row = (stdout: string, check: string) =>
  stdout.split("\n").find((l) => new RegExp(`^(PASS|WARN|FAIL|SKIP)\\s+${check}\\s`).test(l));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "mpb-check-live-sim-"));
  sim = spawnTsx("test/fixtures/funded-sim.ts", [], isolatedEnv(dir));
  await waitFor(() => /listening on http:\/\/\S+/.test(sim.out.stdout));
  url = /listening on (http:\/\/\S+)/.exec(sim.out.stdout)![1]!;
}, 60_000);

afterAll(async () => {
  sim.child.kill("SIGTERM");
  await sim.exited;
});

beforeEach(async () => {
  await control("faults/clear", {});
  await control("stats/reset", {});
});

async function expectNoOrderPlaced(): Promise<void> {
  const stats = (await control("stats")) as Stats;
  expect(stats.ordersCreated).toBe(0);
  expect(stats.requests["POST /api/v3/order"]).toBeUndefined();
  // And as the account sees it: nothing open, nothing in the order history of the pairs tested.
  const client = new MexcClient({ baseUrl: url, apiKey: KEY, apiSecret: SECRET });
  try {
    for (const symbol of ["BTCUSDC", "BTCUSDT"]) {
      expect(await client.openOrders(symbol)).toEqual([]);
      expect(await client.allOrders(symbol)).toEqual([]);
    }
  } finally {
    client.close();
  }
}

describe("npm run check:live", () => {
  it("passes every check on a healthy exchange, says loudly it places no order, and places none", async () => {
    const r = await checkLive();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PLACES NO ORDER");
    expect(r.stdout).toContain("placed no order");
    for (const check of ["server", "clock", "api key", "can trade", "balances", ...SHAPES])
      expect(row(r.stdout, check), check).toMatch(/^PASS/);
    expect(r.stdout).not.toMatch(/^FAIL/m);
    // Each shape went to MEXC's validation, once.
    const stats = (await control("stats")) as Stats;
    expect(stats.requests["POST /api/v3/order/test"]).toBe(SHAPES.length);
    await expectNoOrderPlaced();
  }, 90_000);

  it("a wrong key: FAIL with what to do, the order checks skipped, exit 2, the secret nowhere", async () => {
    const wrong = "not-the-secret-0123456789";
    const r = await checkLive({ MEXC_API_SECRET: wrong });
    expect(r.code).toBe(2);
    expect(row(r.stdout, "api key")).toMatch(/^FAIL/);
    expect(r.stdout).toContain("MEXC → API Management");
    for (const check of SHAPES.slice(0, 2)) expect(row(r.stdout, check), check).toMatch(/^SKIP/);
    expect(r.stderr).toContain("api key");
    expect(r.stdout + r.stderr).not.toContain(wrong);
    const stats = (await control("stats")) as Stats;
    expect(stats.requests["POST /api/v3/order/test"]).toBeUndefined();
    await expectNoOrderPlaced();
  }, 90_000);

  it("a pair the exchange does not list: FAIL rows for the pair and its sell, exit 2", async () => {
    const r = await checkLive({}, ["--config", "test/fixtures/missing-pair-config.ts"]);
    expect(r.code).toBe(2);
    expect(row(r.stdout, "pair NOPEUSDC")).toMatch(/^FAIL/);
    expect(row(r.stdout, "LIMIT SELL NOPEUSDC")).toMatch(/^FAIL/);
    expect(r.stdout).toContain("not a market of the exchange");
    // The other shapes are still tested and pass.
    expect(row(r.stdout, "LIMIT BUY BTCUSDC")).toMatch(/^PASS/);
    expect(r.stderr).toContain("NOPEUSDC");
    await expectNoOrderPlaced();
  }, 90_000);

  it("MEXC refusing a test order: a FAIL row naming the code and what to do, exit 2", async () => {
    await control("faults/failNext", {
      endpoint: "POST /api/v3/order/test",
      status: 400,
      body: { code: 30002, msg: "The minimum transaction volume cannot be less than :5USDC" },
    });
    const r = await checkLive();
    expect(r.code).toBe(2);
    const first = row(r.stdout, SHAPES[0]!);
    expect(first).toMatch(/^FAIL/);
    expect(first).toContain("code 30002");
    expect(r.stdout).toContain("do not go live");
    for (const check of SHAPES.slice(1)) expect(row(r.stdout, check), check).toMatch(/^PASS/);
    await expectNoOrderPlaced();
  }, 90_000);

  it("on the stock standalone simulator (no BTC held): the sell WARNs that its shape is unproven, exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-check-live-stock-"));
    const stock = spawnTsx("src/sim/cli.ts", ["--port", "0", "--alts", "20"], isolatedEnv(dir));
    try {
      await waitFor(() => /listening on http:\/\/\S+/.test(stock.out.stdout));
      const stockUrl = /listening on (http:\/\/\S+)/.exec(stock.out.stdout)![1]!;
      const r = await checkLive({ MEXC_BASE_URL: stockUrl });
      expect(r.code).toBe(0);
      const sell = row(r.stdout, "LIMIT SELL BTCUSDC");
      expect(sell).toMatch(/^WARN/);
      expect(sell).toContain("for the balance");
      expect(r.stdout).toContain("run check:live again");
      for (const check of SHAPES.slice(0, 2)) expect(row(r.stdout, check), check).toMatch(/^PASS/);
    } finally {
      stock.child.kill("SIGTERM");
      await stock.exited;
    }
  }, 90_000);

  it("refuses to run without keys and says what to set (exit 2)", async () => {
    const r = await checkLive({ MEXC_API_KEY: "", MEXC_API_SECRET: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("MEXC_API_KEY and MEXC_API_SECRET");
    expect(r.stdout).toBe("");
  }, 60_000);
});
