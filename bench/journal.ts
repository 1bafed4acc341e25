/**
 * Journal growth: what OrderManager.place adds over client.newOrder when the journal already holds 100, 1,000 or
 * 10,000 ended orders, and how long the state and the journal take to open at that size. The simulator runs in a
 * process of its own (bench/sim-child.ts); both paths place the same MARKET buy, so the difference is our code:
 * the checks, the journal lines written (each fdatasync'd) before and after the POST, the GET of the fill.
 * The old journal is seeded into the state as the version before kept it; the order manager moves it at open.
 *
 *   node --import tsx bench/journal.ts [--sizes 100,1000,10000] [--orders 200] [--json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MexcClient } from "../src/api/index.js";
import { RealClock } from "../src/clock.js";
import { D } from "../src/decimal.js";
import { Store } from "../src/store/index.js";
import type { JournalEntry } from "../src/store/journal-schema.js";
import { newClientOrderId } from "../src/trading/client-id.js";
import { OrderManager } from "../src/trading/order-manager.js";
import { progress, quantile, type Row, report, type SimChildStats, startSimChild } from "./lib.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,10000" },
    orders: { type: "string", default: "200" },
    json: { type: "boolean", default: false },
  },
});
const SIZES = args.sizes.split(",").map(Number);
const N = Number(args.orders);
const SYMBOL = "ADAUSDT";

function endedEntry(i: number, now: number): JournalEntry {
  const id = `bench-${String(i).padStart(15, "0")}`;
  return {
    clientOrderId: id,
    bot: "bench",
    reason: "an order of an earlier day",
    intent: { symbol: SYMBOL, side: "BUY", type: "MARKET", quoteOrderQty: "6" },
    state: "FILLED",
    orderId: String(1_000_000 + i),
    executedQty: "10",
    cummulativeQuoteQty: "6",
    createdAt: now - 3_600_000,
    updatedAt: now - 3_600_000,
    notFound: 0,
    transitions: [
      { at: now - 3_600_000, from: null, to: "PENDING", note: "seeded" },
      { at: now - 3_600_000, from: "PENDING", to: "OPEN", note: "acknowledged" },
      { at: now - 3_600_000, from: "OPEN", to: "FILLED", note: "exchange status" },
    ],
  } as JournalEntry;
}

const sim = await startSimChild({
  seed: 1,
  generatedAlts: 20,
  rateLimit: { enabled: false },
  accounts: [{ apiKey: "k", apiSecret: "s", balances: { USDT: "100000000" } }],
});
const clock = new RealClock();
const client = new MexcClient({
  baseUrl: sim.url,
  apiKey: "k",
  apiSecret: "s",
  clock,
  limits: {
    budget: 1_000_000,
    ordersPerSecond: 1_000_000,
    accountPerSecond: 1_000_000,
    requestsPerSecond: 1_000_000,
  },
});

/** Our time of one call: the round trip minus the simulator's handling of it. */
async function ours(call: () => Promise<unknown>): Promise<number> {
  const s0: SimChildStats = await sim.stats();
  const t0 = performance.now();
  await call();
  const total = performance.now() - t0;
  const s1 = await sim.stats();
  return total - (s1.handleMs - s0.handleMs);
}

async function atSize(size: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-journal-"));
  try {
    const path = join(dir, "sim", "state.json");
    const seedStore = await Store.open({ path, mode: "sim", now: clock.now() });
    const now = clock.now();
    await seedStore.update((s) => {
      for (let i = 0; i < size; i++) {
        const e = endedEntry(i, now);
        s.journal[e.clientOrderId] = e;
      }
    });
    // The first open moves the seeded journal (today's code) or keeps it in the state (the code before).
    let manager = new OrderManager({ client, store: seedStore, clock, maxOpenOrders: 1_000_000 });
    await manager.reconcile([]);
    (manager as { close?: () => void }).close?.();
    await seedStore.close();

    const t0 = performance.now();
    const store = await Store.open({ path, mode: "sim", now: clock.now() });
    manager = new OrderManager({ client, store, clock, maxOpenOrders: 1_000_000 });
    const reopenMs = performance.now() - t0;
    if (manager.entries().length !== size)
      throw new Error(`journal holds ${manager.entries().length}, not ${size}`);

    const place = () =>
      manager.place({
        bot: "bench",
        reason: "benchmark",
        symbol: SYMBOL,
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D("6"),
      });
    const newOrder = () =>
      client.newOrder({
        symbol: SYMBOL,
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D("6"),
        clientOrderId: newClientOrderId("bench", clock.now()),
      });
    for (let i = 0; i < 20; i++) await place();
    const placed: number[] = [];
    const direct: number[] = [];
    // Alternated, so a slow moment of the machine falls on both alike.
    for (let i = 0; i < N; i++) {
      placed.push(await ours(place));
      direct.push(await ours(newOrder));
    }
    (manager as { close?: () => void }).close?.();
    await store.close();
    const over = (q: number) => quantile(placed, q) - quantile(direct, q);
    return [
      {
        measure: `journal of ${size}: OrderManager.place overhead over client.newOrder`,
        result: `p50 ${over(0.5).toFixed(2)} / p99 ${over(0.99).toFixed(2)} ms`,
        notes: `place() our time p50 ${quantile(placed, 0.5).toFixed(2)} / p99 ${quantile(placed, 0.99).toFixed(2)} ms (POST + GET, journal writes), newOrder alone p50 ${quantile(direct, 0.5).toFixed(2)} / p99 ${quantile(direct, 0.99).toFixed(2)} ms; ${N} each, alternated`,
      },
      {
        measure: `journal of ${size}: reopen (state + order manager)`,
        result: `${reopenMs.toFixed(1)} ms`,
        notes: "Store.open and the order manager's journal read, as a restart does",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const rows: Row[] = [];
  for (const size of SIZES) {
    progress(`journal growth: ${size} entries, ${N} orders each way`);
    rows.push(...(await atSize(size)));
  }
  report(rows);
} finally {
  client.close();
  await sim.close();
}
