import { describe, expect, it } from "vitest";
import { MexcClient } from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import { Simulator } from "../../src/sim/index.js";
import { KEY, SECRET } from "./helpers.js";
import { csv, historyDir, type Row, writeHistory } from "./history-files.js";

/**
 * No look-ahead: what the history market tells at an instant depends on the candles before it only (and, at a
 * candle's open, on that open price). Checked through the project's own client, as a replayed bot reads it.
 */
const S = Date.UTC(2025, 2, 1);
const M15 = 15 * 60_000;
const N = 300;

/** A seeded random walk of 15 min candles; prices and volumes always with the same decimals. */
function walk(seed: number, n: number, start = 100): Row[] {
  let x = seed >>> 0;
  const rnd = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
  const rows: Row[] = [];
  let price = start;
  for (let i = 0; i < n; i++) {
    const o = price;
    const c = o * (1 + (rnd() - 0.5) * 0.02);
    const h = Math.max(o, c) * (1 + rnd() * 0.005);
    const l = Math.min(o, c) * (1 - rnd() * 0.005);
    const v = 10 + rnd() * 100;
    rows.push([o, h, l, c].map((p) => p.toFixed(2)).concat([v.toFixed(4), (v * o).toFixed(2)]) as Row);
    price = Number(c.toFixed(2));
  }
  return rows;
}

function client(rows: Row[], at: number): { clock: VirtualClock; api: MexcClient } {
  const dir = historyDir();
  writeHistory(dir, "BTCUSDT", "15m", csv(S, M15, rows));
  const clock = new VirtualClock(at);
  const sim = new Simulator({ clock, history: { dir, interval: "15m" }, rateLimit: { enabled: false } });
  const api = new MexcClient({
    baseUrl: "http://in-process.test",
    apiKey: KEY,
    apiSecret: SECRET,
    clock,
    transport: inProcessTransport(sim, clock),
  });
  return { clock, api };
}

/** Every market-data answer a bot can read, as comparable text. */
async function everything(api: MexcClient): Promise<string> {
  const answers = await Promise.all([
    api.klines("BTCUSDT", "15m", { limit: 1000 }),
    api.klines("BTCUSDT", "60m", { limit: 1000 }),
    api.klines("BTCUSDT", "1d", { limit: 1000 }),
    api.ticker24hr("BTCUSDT"),
    api.tickerPrice("BTCUSDT"),
    api.bookTicker("BTCUSDT"),
    api.depth("BTCUSDT", 20),
  ]);
  return JSON.stringify(answers);
}

describe("history market: no look-ahead", () => {
  const rows = walk(7, N);

  it("serves only candles closed before now, at the open of each candle and inside it", async () => {
    const { clock, api } = client(rows, S);
    for (let k = 1; k < N; k += 2) {
      const now = S + k * M15 + (((k - 1) / 2) % 3) * 7 * 60_000;
      await clock.advanceTo(now);
      const klines = await api.klines("BTCUSDT", "15m", { limit: 1000 });
      expect(klines.every((c) => c.closeTime <= now)).toBe(true);
      expect(klines.at(-1)?.openTime).toBe(S + (k - 1) * M15);
      const hourly = await api.klines("BTCUSDT", "60m", { limit: 1000 });
      expect(hourly.every((c) => c.closeTime <= now)).toBe(true);
      const t = await api.ticker24hr("BTCUSDT");
      // Volumes count closed candles only: the open candle's volume is known at its close.
      const closedVolume = rows
        .slice(Math.max(0, k - 96 + (now % M15 === 0 ? 0 : 1)), k)
        .reduce((s, r) => s + Number(r[4]), 0);
      expect(Number(t.volume)).toBeCloseTo(closedVolume, 3);
    }
  });

  it("answers the same at a candle's open whatever that candle and the later ones hold", async () => {
    for (const k of [1, 17, 96, 150, 299]) {
      // The same past and the same open; a different candle k (its high, low, close, volume) and a different future.
      const o = Number(rows[k]?.[0]);
      const fork: Row = [o, o * 1.04, o * 0.97, o * 1.03]
        .map((p) => p.toFixed(2))
        .concat(["77.7777", "1234.56"]) as Row;
      const forked = [...rows.slice(0, k), fork, ...walk(1000 + k, N - k - 1, o * 1.03)];
      const at = S + k * M15;
      const a = client(rows, at);
      const b = client(forked, at);
      expect(await everything(b.api)).toBe(await everything(a.api));
      // Inside candle k its own path shows, but nothing after it does.
      const later = [...rows.slice(0, k + 1), ...walk(2000 + k, N - k - 1, 50)];
      const c = client(later, at + 11 * 60_000);
      const d = client(rows, at + 11 * 60_000);
      expect(await everything(c.api)).toBe(await everything(d.api));
    }
  });

  it('gives a "buy if the next close is higher" rule nothing to go on', async () => {
    const { clock, api } = client(rows, S);
    let peeked = 0;
    let right = 0;
    let decided = 0;
    for (let k = 2; k < N; k++) {
      const open = S + k * M15;
      await clock.advanceTo(open);
      const klines = await api.klines("BTCUSDT", "15m", { limit: 1000 });
      const ticker = await api.ticker24hr("BTCUSDT");
      // A rule that would know candle k's close if the market served it...
      const current = klines.find((c) => c.openTime === open);
      if (current) peeked++;
      // ...and, since it is not served, the best it can do from the past: the last closed candle's direction.
      const last = klines.at(-1);
      if (!last || !ticker.lastPrice) continue;
      const guessUp = last.close > last.open;
      const wentUp = Number(rows[k]?.[3]) > Number(rows[k]?.[0]);
      decided++;
      if (guessUp === wentUp) right++;
    }
    expect(peeked).toBe(0);
    expect(decided).toBe(N - 2);
    // On a random walk the past tells nothing of the next candle: about half right (300 candles: ±3 sd is ±0.09).
    expect(right / decided).toBeGreaterThan(0.4);
    expect(right / decided).toBeLessThan(0.6);
  });
});
