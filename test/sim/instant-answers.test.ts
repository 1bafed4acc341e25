import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Simulator } from "../../src/sim/index.js";
import { KEY, SECRET, TestClient } from "./helpers.js";
import { csv, historyDir, type Row, writeHistory } from "./history-files.js";

const S = Date.UTC(2025, 0, 1);
const M15 = 15 * 60_000;

function rows(n: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const o = 100 + (i % 7);
    const c = 100 + ((i * 3) % 7);
    out.push([
      `${o}`,
      `${Math.max(o, c) + 1}.5`,
      `${Math.min(o, c) - 1}.25`,
      `${c}`,
      `${1 + (i % 5)}.5`,
      "310.75",
    ]);
  }
  return out;
}

function market(dir: string) {
  const clock = new VirtualClock(S + 200 * M15);
  const sim = new Simulator({
    clock,
    history: { dir, interval: "15m" },
    rateLimit: { enabled: false },
    accounts: [{ apiKey: KEY, apiSecret: SECRET, balances: { USDT: "1000" } }],
  });
  return { clock, c: new TestClient({ sim }, () => clock.now()) };
}

describe("history market: public answers kept for the current instant", () => {
  it("answers a repeated request as a fresh simulator does, at one instant and after the clock moved", async () => {
    const dir = historyDir();
    writeHistory(dir, "BTCUSDT", "15m", csv(S, M15, rows(400)));
    writeHistory(dir, "ETHUSDT", "15m", csv(S, M15, rows(400)));
    const warm = market(dir);
    const asks: [string, Record<string, string | number>][] = [
      ["/api/v3/ticker/price", {}],
      ["/api/v3/ticker/24hr", { symbol: "ETHUSDT" }],
      ["/api/v3/ticker/bookTicker", {}],
      ["/api/v3/depth", { symbol: "BTCUSDT", limit: 5 }],
      ["/api/v3/klines", { symbol: "BTCUSDT", interval: "15m", limit: 3 }],
      ["/api/v3/time", {}],
    ];
    let moved = 0;
    for (const step of [0, 7 * 60_000, 1, 3 * M15 + 11_000]) {
      await warm.clock.advanceTo(warm.clock.now() + step);
      const cold = market(dir);
      await cold.clock.advanceTo(warm.clock.now());
      for (const [path, q] of asks) {
        const first = (await warm.c.get(path, q)).text;
        const again = (await warm.c.get(path, q)).text;
        const fresh = (await cold.c.get(path, q)).text;
        expect(first, `${path} at +${step}`).toBe(fresh);
        expect(again, `${path} again at +${step}`).toBe(fresh);
      }
      moved++;
    }
    expect(moved).toBe(4);
  });
});
