import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Simulator } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";
import { csv, historyDir, type Row, writeHistory } from "./history-files.js";

const S = Date.UTC(2025, 0, 1);
const M15 = 15 * 60_000;
// More candles than the views keep formatted (512), so the walk below wraps their ring more than once.
const N = 1_300;

function rows(): Row[] {
  const out: Row[] = [];
  let p = 100;
  for (let i = 0; i < N; i++) {
    const o = p;
    p = Math.round(p * (1 + (((i * 7919) % 13) - 6) / 400) * 100) / 100;
    const hi = (Math.max(o, p) + 0.5).toFixed(2);
    const lo = (Math.min(o, p) - 0.5).toFixed(2);
    out.push([o.toFixed(2), hi, lo, p.toFixed(2), `${1 + (i % 9)}.5`, `${(i % 9) * 100 + 150}.25`]);
  }
  return out;
}

function market(dir: string) {
  const clock = new VirtualClock(S);
  const sim = new Simulator({
    clock,
    history: { dir, interval: "15m" },
    rateLimit: { enabled: false },
    accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "1000" } }],
  });
  return { clock, c: new TestClient({ sim }, () => clock.now()) };
}

describe("history market: formatted rows kept between answers", () => {
  it("answers klines byte for byte as a simulator that formats every row afresh", async () => {
    const dir = historyDir();
    writeHistory(dir, "BTCUSDT", "15m", csv(S, M15, rows()));
    const warm = market(dir);
    for (let k = 150; k <= N; k += 37) {
      const now = S + k * M15;
      await warm.clock.advanceTo(now);
      const cold = market(dir);
      await cold.clock.advanceTo(now);
      for (const q of [{ limit: 100 }, { limit: 3 }, { startTime: S + (k - 140) * M15, limit: 20 }]) {
        const query = { symbol: "BTCUSDT", interval: "15m", ...q };
        const a = (await warm.c.get("/api/v3/klines", query)).text;
        expect(a).toBe((await cold.c.get("/api/v3/klines", query)).text);
      }
      // A longer interval is built from the base rows, never from the kept ones.
      const h1 = { symbol: "BTCUSDT", interval: "60m", limit: 5 };
      expect((await warm.c.get("/api/v3/klines", h1)).text).toBe(
        (await cold.c.get("/api/v3/klines", h1)).text,
      );
    }
  });
});
