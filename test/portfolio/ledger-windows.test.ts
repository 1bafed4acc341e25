import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import { Store } from "../../src/store/index.js";
import { startExchange, tempStatePath, tempStore } from "../support/exchange.js";

/**
 * The trade sync against MEXC's myTrades as it really answers (the simulator): nothing for a startTime older than 7
 * days (mexc-api-sdk issue #56), and a full page that may hold a window's oldest or its newest rows.
 */
let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const MYTRADES = "GET /api/v3/myTrades";
const SYMBOL = "ADAUSDT";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The simulator, the client and the ledger on one virtual clock, so a test can let days pass. */
async function setup(opts: { newestTradesPage?: boolean; statePath?: string } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 4, 4, 10));
  ex = await startExchange({
    client: { clock, limits: { ordersPerSecond: 1000, requestsPerSecond: 1000 } },
    sim: {
      clock,
      newestTradesPage: opts.newestTradesPage ?? false,
      accounts: [{ apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "100000" } }],
    },
  });
  const statePath = opts.statePath ?? tempStatePath();
  store = await tempStore(statePath);
  const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
  const ledger = new Ledger({ client: ex.client, store, fills, clock });
  const e = ex;
  let n = 0;
  const buy = () =>
    e.client.newOrder({
      symbol: SYMBOL,
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("6"),
      clientOrderId: `byhand${n++}`,
    });
  const calls = () => e.sim.stats.requests[MYTRADES] ?? 0;
  return { ex: e, clock, ledger, buy, calls, statePath, store };
}

describe("ledger: myTrades in windows of at most a week", () => {
  it("a fresh ledger books a trade made an hour ago, though MEXC answers nothing for a startTime a week old", async () => {
    const { clock, ledger, buy } = await setup();
    await buy();
    await clock.advance(HOUR);
    expect(await ledger.sync(SYMBOL)).toHaveLength(1);
    expect(store?.state.ledger.cursors[SYMBOL]?.coveredTo).toBe(clock.now());
  });

  it("a symbol whose last trade was 10 days ago books its next trade", async () => {
    const { clock, ledger, buy, calls } = await setup();
    await buy();
    expect(await ledger.sync(SYMBOL)).toHaveLength(1);
    await clock.advance(10 * DAY);
    await buy();
    const before = calls();
    expect(await ledger.sync(SYMBOL)).toHaveLength(1);
    // From the last coverage: the days before the week's line (the exchange answers nothing there), then the open
    // week.
    expect(calls() - before).toBe(2);
    expect(ledger.fillCount).toBe(2);
  });

  it("a cursor of an older state.json (lastTime only, 10 days ago) loads and syncs from there", async () => {
    const statePath = tempStatePath();
    const first = await tempStore(statePath);
    await first.close();
    const t0 = Date.UTC(2026, 4, 4, 10);
    const json = JSON.parse(readFileSync(statePath, "utf8"));
    json.ledger = { cursors: { [SYMBOL]: { lastTime: t0 - 10 * DAY } } };
    writeFileSync(statePath, JSON.stringify(json));
    const { clock, ledger, buy } = await setup({ statePath });
    expect(store?.state.ledger.cursors[SYMBOL]).toEqual({ lastTime: t0 - 10 * DAY });
    await buy();
    expect(await ledger.sync(SYMBOL)).toHaveLength(1);
    const cursor = store?.state.ledger.cursors[SYMBOL];
    expect(cursor?.coveredTo).toBe(clock.now());
    expect(cursor?.lastTime).toBeGreaterThan(t0 - HOUR);
    await store?.close();
    const again = await Store.open({ path: statePath, mode: "sim", now: clock.now() });
    expect(again.state.ledger.cursors[SYMBOL]).toEqual(cursor);
    store = again;
  });

  it.each([
    ["oldest", false],
    ["newest", true],
  ])("books all of 250 trades in one day when a full page holds a window's %s rows", async (_, newest) => {
    const { clock, ledger, buy, calls } = await setup({ newestTradesPage: newest });
    // The cursor of an earlier sync just before them, so the old one-page-after-another walk would start in reach.
    await store?.update((s) => {
      s.ledger.cursors[SYMBOL] = { lastTime: clock.now() - 60_000 };
    });
    const ids = new Set<string>();
    for (let i = 0; i < 250; i++) {
      ids.add((await buy()).orderId);
      await clock.advance(5 * 60_000);
    }
    const added = await ledger.sync(SYMBOL);
    expect(added).toHaveLength(250);
    expect(new Set(added.map((f) => f.orderId))).toEqual(ids);
    const before = calls();
    expect(await ledger.sync(SYMBOL)).toHaveLength(0);
    expect(calls() - before).toBe(1);
  });

  it("a sync with nothing new does not write state.json; coverage a day on does, once", async () => {
    const { clock, ledger, buy, statePath } = await setup();
    await buy();
    await ledger.sync(SYMBOL);
    const written = () => {
      const st = statSync(statePath, { bigint: true });
      return `${st.ino}:${st.mtimeNs}:${readFileSync(statePath, "utf8")}`;
    };
    const before = written();
    for (let minute = 0; minute < 5; minute++) {
      await clock.advance(60_000);
      expect(await ledger.sync(SYMBOL)).toHaveLength(0);
    }
    await clock.advance(DAY - 6 * 60_000);
    await ledger.sync(SYMBOL);
    expect(written()).toBe(before);
    await clock.advance(2 * 60_000);
    await ledger.sync(SYMBOL);
    const after = written();
    expect(after).not.toBe(before);
    expect(store?.state.ledger.cursors[SYMBOL]?.coveredTo).toBe(clock.now());
    await clock.advance(60_000);
    await ledger.sync(SYMBOL);
    expect(written()).toBe(after);
  });
});
