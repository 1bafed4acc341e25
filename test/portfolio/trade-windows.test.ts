import { describe, expect, it } from "vitest";
import type { Trade } from "../../src/api/index.js";
import {
  MARGIN_MS,
  nextCursor,
  PAGE,
  RECENT_MS,
  type TradeWindow,
  tradeWindows,
  walkTradeWindows,
} from "../../src/portfolio/trade-windows.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);

/** An account's trades as MEXC would hold them; only id and time matter to the walk. */
function tradesAt(times: number[]): Trade[] {
  return times.map((time, i) => ({ id: String(i), time }) as Trade);
}

type Pick = "oldest" | "newest" | "random";

/** myTrades over a window, endTime inclusive, a full page holding the oldest, the newest or any `PAGE` rows. */
function exchange(all: Trade[], pick: Pick) {
  let seed = 7;
  const requests: TradeWindow[] = [];
  const fetch = async (w: TradeWindow): Promise<Trade[]> => {
    requests.push(w);
    const rows = all.filter((t) => t.time >= w.start && t.time <= w.end);
    if (rows.length <= PAGE) return rows;
    if (pick === "oldest") return rows.slice(0, PAGE);
    if (pick === "newest") return rows.slice(-PAGE);
    const shuffled = rows.map((t) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return { t, k: seed };
    });
    return shuffled
      .sort((a, b) => a.k - b.k)
      .slice(0, PAGE)
      .map((x) => x.t)
      .sort((a, b) => a.time - b.time);
  };
  return { fetch, requests };
}

async function walk(all: Trade[], pick: Pick, windows: TradeWindow[], maxRequests = 100) {
  const ex = exchange(all, pick);
  const seen = new Set<string>();
  const warned: TradeWindow[] = [];
  const result = await walkTradeWindows({
    windows,
    fetch: ex.fetch,
    seen: (ts) => {
      for (const t of ts) seen.add(t.id);
    },
    unsplittable: (w) => warned.push(w),
    maxRequests,
  });
  return { ...result, seen, warned, requests: ex.requests };
}

describe("tradeWindows", () => {
  it("covers from.. on without gaps, at most 7 days each, none straddling now − 7 d + margin, the last one open", () => {
    const line = NOW - RECENT_MS + MARGIN_MS;
    for (const from of [NOW - 30 * DAY + MARGIN_MS, NOW - 10 * DAY, NOW - 7 * DAY, line, NOW - 60_000, NOW]) {
      const ws = tradeWindows(from, NOW);
      expect(ws[0]?.start).toBe(from);
      // Open: no endTime, up to the exchange's own now; it starts inside the week.
      expect(ws.at(-1)?.end).toBe(Number.POSITIVE_INFINITY);
      expect(ws.at(-1)?.start).toBeGreaterThanOrEqual(line);
      for (const [i, w] of ws.entries()) {
        if (Number.isFinite(w.end)) expect(w.end - w.start + 1).toBeLessThanOrEqual(RECENT_MS);
        expect(w.start <= w.end).toBe(true);
        expect(w.start < line && w.end >= line).toBe(false);
        if (i > 0) expect(w.start).toBe((ws[i - 1] as TradeWindow).end + 1);
      }
    }
    // A month back: 4 closed windows before the line, then the open week.
    expect(tradeWindows(NOW - 30 * DAY + MARGIN_MS, NOW)).toHaveLength(5);
    expect(tradeWindows(NOW - 60_000, NOW)).toEqual([{ start: NOW - 60_000, end: Number.POSITIVE_INFINITY }]);
    expect(tradeWindows(NOW + 1, NOW)).toEqual([]);
  });
});

describe("walkTradeWindows", () => {
  const day = tradeWindows(NOW - DAY, NOW);
  it.each(["oldest", "newest", "random"] as const)(
    "reads every trade whatever rows a full page holds (%s): 250 in a day, 130 in one burst",
    async (pick) => {
      const spread = Array.from({ length: 250 }, (_, i) => NOW - DAY + 1 + Math.floor((i * DAY) / 260));
      const burst = Array.from({ length: 130 }, (_, i) => NOW - 5_000 + Math.floor(i / 3));
      const all = tradesAt([...spread, ...burst]);
      const r = await walk(all, pick, day);
      expect(r.seen.size).toBe(all.length);
      expect(r).toMatchObject({ capped: false, coveredTo: Number.POSITIVE_INFINITY, warned: [] });
      // Split at the rows a page showed, not at the window's middle: a handful of requests, not one per halving.
      expect(r.requests.length).toBeLessThanOrEqual(16);
      // In time order, each request inside the day, none asked twice.
      const keys = r.requests.map((w) => `${w.start}-${w.end}`);
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  it("a full page of one millisecond cannot be split: it is read once, warned about, and the walk goes on", async () => {
    const all = tradesAt([...Array.from({ length: 150 }, () => NOW - 1_000), NOW - 10]);
    for (const pick of ["oldest", "newest"] as const) {
      const r = await walk(all, pick, day);
      expect(r.warned).toEqual([{ start: NOW - 1_000, end: NOW - 1_000 }]);
      expect(r.seen.has("150")).toBe(true);
      expect(r.capped).toBe(false);
    }
  });

  it("stops at the request cap; coverage ends with the last window fully read", async () => {
    const older = tradesAt(Array.from({ length: 120 }, (_, i) => NOW - 2 * DAY + i));
    const windows = [
      { start: NOW - 3 * DAY, end: NOW - DAY - 1 },
      { start: NOW - DAY, end: NOW },
    ];
    // The first window needs 3 requests (a full page, then its halves).
    expect((await walk(older, "oldest", windows)).requests).toHaveLength(4);
    const r = await walk(older, "oldest", windows, 3);
    expect(r).toMatchObject({ capped: true, coveredTo: NOW - DAY - 1 });
    // Two requests: the full page and its earlier half (up to the page's median row, 49 ms in).
    expect(await walk(older, "oldest", windows, 2)).toMatchObject({
      capped: true,
      coveredTo: NOW - 2 * DAY + 49,
    });
    expect(await walk(older, "oldest", windows, 1)).toMatchObject({ capped: true, coveredTo: undefined });
  });
});

describe("nextCursor", () => {
  const cursor = { lastTime: NOW - 3 * DAY, coveredTo: NOW - 2 * 60_000 };
  it("writes when lastTime moves or coverage moved a day past the written one; else keeps coverage in memory", () => {
    const walked = {
      from: cursor.coveredTo - 120_000,
      now: NOW,
      newest: -Infinity,
      coveredTo: Number.POSITIVE_INFINITY,
    };
    expect(nextCursor(cursor, walked)).toEqual({ coveredTo: NOW });
    expect(nextCursor(cursor, { ...walked, newest: NOW - 5 })).toEqual({
      written: { lastTime: NOW - 5, coveredTo: NOW },
    });
    // A trade seen again in the look-back does not count as a change.
    expect(nextCursor(cursor, { ...walked, newest: cursor.lastTime })).toEqual({ coveredTo: NOW });
    const dayLater = {
      ...walked,
      now: cursor.coveredTo + DAY,
      coveredTo: Number.POSITIVE_INFINITY,
    };
    expect(nextCursor(cursor, dayLater)).toEqual({
      written: { lastTime: cursor.lastTime, coveredTo: cursor.coveredTo + DAY },
    });
    expect(nextCursor(cursor, { ...dayLater, now: dayLater.now - 1 })).toEqual({
      coveredTo: cursor.coveredTo + DAY - 1,
    });
    // A cursor of an older file (no coverage) and a fresh symbol are written once.
    expect(nextCursor({ lastTime: cursor.lastTime }, walked)).toEqual({
      written: { lastTime: cursor.lastTime, coveredTo: NOW },
    });
    expect(nextCursor(undefined, walked)).toEqual({ written: { lastTime: walked.from, coveredTo: NOW } });
  });

  it("after a capped walk, lastTime counts only trades inside the coverage, and nothing is written without one", () => {
    const capped = { from: NOW - 3 * DAY, now: NOW, newest: NOW - 10, coveredTo: NOW - DAY };
    expect(nextCursor(cursor, capped)).toEqual({ coveredTo: cursor.coveredTo });
    expect(nextCursor(undefined, capped)).toEqual({
      written: { lastTime: NOW - 3 * DAY, coveredTo: NOW - DAY },
    });
    expect(nextCursor(cursor, { ...capped, coveredTo: undefined })).toBeUndefined();
  });
});
