import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Simulator } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";

const DAY = 86_400_000;
const STEP = Math.floor((40 * DAY) / 150);

describe("history windows: myTrades (100 rows, one month, startTime within a week) and allOrders (24 h default, 7 days max)", () => {
  const clock = new VirtualClock(Date.UTC(2026, 3, 1));
  const sim = new Simulator({
    clock,
    generatedAlts: 0,
    accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "10000" } }],
    rateLimit: { enabled: false },
  });
  const c = new TestClient({ sim }, () => clock.now());
  const placedAt: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 150; i++) {
      const r = await c.order({
        symbol: "ETHUSDT",
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: "10",
        newClientOrderId: `h-${i}`,
      });
      expect(r.status).toBe(200);
      placedAt.push(clock.now());
      await clock.advance(STEP);
    }
  });

  const trades = async (p: Record<string, string | number> = {}) =>
    (await c.signed("GET", "/api/v3/myTrades", { symbol: "ETHUSDT", ...p })).json as {
      id: string;
      orderId: string;
      time: number;
    }[];

  it("returns at most 100 rows, the most recent by default, oldest first", async () => {
    const rows = await trades();
    expect(rows).toHaveLength(100);
    expect((await trades({ limit: 500 })).length).toBe(100);
    expect((await trades({ limit: 20 })).length).toBe(20);
    const times = rows.map((r) => r.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times.at(-1)).toBe(placedAt.at(-1));
  });

  it("never reaches back more than a month", async () => {
    const now = clock.now();
    const rows = await trades({ endTime: now });
    expect(rows.length).toBe(100);
    for (const r of rows) expect(r.time).toBeGreaterThanOrEqual(now - 30 * DAY);
    const inMonth = placedAt.filter((t) => t >= now - 30 * DAY);
    expect(inMonth.length).toBeGreaterThan(100);
    expect(rows.map((r) => r.time)).toEqual(inMonth.slice(-100));
    expect(await trades({ endTime: now - 31 * DAY })).toEqual([]);
  });

  it("a startTime older than 7 days answers nothing (mexc-api-sdk issue #56), though the month holds trades", async () => {
    const now = clock.now();
    for (const startTime of [0, now - 40 * DAY, now - 8 * DAY, now - 7 * DAY - 1])
      expect(await trades({ startTime })).toEqual([]);
    expect(await trades({ startTime: now - 10 * DAY, endTime: now - 8 * DAY })).toEqual([]);
    const week = await trades({ startTime: now - 7 * DAY });
    expect(week.map((r) => r.time)).toEqual(placedAt.filter((t) => t >= now - 7 * DAY));
    expect(week.length).toBeGreaterThan(0);
  });

  it("pages forward with startTime and fromId; filters by orderId", async () => {
    const now = clock.now();
    const from = now - 6 * DAY;
    const rows = await trades({ startTime: from });
    expect(rows.length).toBe(placedAt.filter((t) => t >= from).length);
    for (const r of rows) expect(r.time).toBeGreaterThanOrEqual(from);
    expect((await trades({ startTime: from, limit: 3 })).map((r) => r.time)).toEqual(
      placedAt.filter((t) => t >= from).slice(0, 3),
    );
    const all = await trades();
    const tenth = all[9] as { id: string; orderId: string };
    const page = await trades({ fromId: tenth.id, limit: 5 });
    expect(page.map((r) => r.id)).toEqual(all.slice(9, 14).map((r) => r.id));
    const one = await trades({ orderId: tenth.orderId });
    expect(one.every((r) => r.orderId === tenth.orderId)).toBe(true);
    expect(one.length).toBeGreaterThan(0);
  });

  it("allOrders: last 24 h by default, at most 7 days back, limit up to 1000", async () => {
    const now = clock.now();
    const get = async (p: Record<string, string | number> = {}) =>
      (await c.signed("GET", "/api/v3/allOrders", { symbol: "ETHUSDT", ...p })).json as {
        time: number;
        clientOrderId: string;
      }[];
    const day = await get();
    expect(day.length).toBe(placedAt.filter((t) => t >= now - DAY).length);
    expect(day.length).toBeGreaterThan(0);
    const week = await get({ startTime: now - 30 * DAY, endTime: now });
    expect(week.length).toBe(placedAt.filter((t) => t >= now - 7 * DAY).length);
    for (const o of week) expect(o.time).toBeGreaterThanOrEqual(now - 7 * DAY);
    expect((await get({ startTime: now - 7 * DAY, limit: 2 })).map((o) => o.time)).toEqual(
      placedAt.filter((t) => t >= now - 7 * DAY).slice(0, 2),
    );
    expect((await get({ startTime: now - 7 * DAY, limit: 5000 })).length).toBe(week.length);
    expect(day.at(-1)?.clientOrderId).toBe("h-149");
  });
});

describe("myTrades' newest-page variant (newestTradesPage: MEXC does not say which rows a full page holds)", () => {
  it("a full page of a window holds its newest rows, oldest first; fromId and the default page are as before", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 3, 1));
    const sim = new Simulator({
      clock,
      generatedAlts: 0,
      accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "10000" } }],
      rateLimit: { enabled: false },
      newestTradesPage: true,
    });
    const c = new TestClient({ sim }, () => clock.now());
    const at: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await c.order({ symbol: "ETHUSDT", side: "BUY", type: "MARKET", quoteOrderQty: "10" });
      expect(r.status).toBe(200);
      at.push(clock.now());
      await clock.advance(60 * 60_000);
    }
    const trades = async (p: Record<string, string | number>) =>
      (await c.signed("GET", "/api/v3/myTrades", { symbol: "ETHUSDT", ...p })).json as {
        id: string;
        time: number;
      }[];
    const start = at[2] as number;
    const end = at[9] as number;
    expect((await trades({ startTime: start, endTime: end, limit: 3 })).map((r) => r.time)).toEqual(
      at.slice(7, 10),
    );
    expect((await trades({ startTime: start, limit: 4 })).map((r) => r.time)).toEqual(at.slice(8));
    // Not full: the whole window, as always.
    expect((await trades({ startTime: start, endTime: end })).map((r) => r.time)).toEqual(at.slice(2, 10));
    const all = await trades({});
    ids.push(...all.map((r) => r.id));
    expect(all.map((r) => r.time)).toEqual(at);
    expect((await trades({ fromId: ids[3] as string, limit: 2 })).map((r) => r.id)).toEqual(ids.slice(3, 5));
  });
});
