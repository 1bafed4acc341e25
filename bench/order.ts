/**
 * Order round trip overhead: the time our code adds to placing an order over loopback, i.e. the whole round trip
 * minus the time the exchange (Simulator.handle, in a process of its own: bench/sim-child.ts) spent on it.
 *
 * Two paths, MARKET buys of 6 USDT on ADAUSDT, after a warm-up:
 * - OrderManager.place, as a bot places an order: refusal checks, the journal entry written (fsync) before the
 *   request leaves, POST /api/v3/order, the acknowledgement journaled, GET /api/v3/order to learn the fill, the fill
 *   journaled. "Ours" includes the journal writes, the client, axios and loopback TCP on both sides.
 * - client.newOrder alone (rules check, sign, send, parse): the client's share of a POST /order.
 * The limiter's budgets are raised so that no order waits for it (the waits are reported): this measures code,
 * not MEXC's 10 orders/s.
 *
 *   node --import tsx bench/order.ts [--orders 300] [--warmup 30] [--json]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ClientMetrics, MexcClient } from "../src/api/index.js";
import { RealClock } from "../src/clock.js";
import { D } from "../src/decimal.js";
import { Store } from "../src/store/index.js";
import { newClientOrderId } from "../src/trading/client-id.js";
import { OrderManager } from "../src/trading/order-manager.js";
import { mib, progress, quantile, report, type SimChildStats, startSimChild } from "./lib.js";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    warmup: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
  },
});
const N = Number(args.orders);
const WARMUP = Number(args.warmup);
const SYMBOL = "ADAUSDT";
const POST_ORDER = "POST /api/v3/order";

const sim = await startSimChild({
  seed: 1,
  generatedAlts: 20,
  rateLimit: { enabled: false },
  accounts: [{ apiKey: "k", apiSecret: "s", balances: { USDT: "100000000" } }],
});
const dir = mkdtempSync(join(tmpdir(), "bench-order-"));
try {
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
  const store = await Store.open({ path: join(dir, "sim", "state.json"), mode: "sim", now: clock.now() });
  // Time every journal write (each update resolves once its change is fsynced).
  let journalMs = 0;
  let journalWrites = 0;
  const update = store.update.bind(store);
  store.update = async (change) => {
    const t0 = performance.now();
    try {
      await update(change);
    } finally {
      journalMs += performance.now() - t0;
      journalWrites++;
    }
  };
  const manager = new OrderManager({ client, store, clock, maxOpenOrders: 100_000 });
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

  interface Sample {
    totalMs: number;
    simMs: number;
    oursMs: number;
    journalMs: number;
    journalWrites: number;
    requests: number;
    overheadMs: number;
    httpMs: number;
    waitMs: number;
  }
  /** One timed call; the simulator's counters are read before and after, outside the timed span. */
  async function measure(call: () => Promise<unknown>): Promise<Sample> {
    const s0: SimChildStats = await sim.stats();
    const m0: ClientMetrics = client.metrics();
    const j0 = { ms: journalMs, n: journalWrites };
    const t0 = performance.now();
    await call();
    const totalMs = performance.now() - t0;
    const m1 = client.metrics();
    const s1 = await sim.stats();
    const simMs = s1.handleMs - s0.handleMs;
    return {
      totalMs,
      simMs,
      oursMs: totalMs - simMs,
      journalMs: journalMs - j0.ms,
      journalWrites: journalWrites - j0.n,
      requests: m1.requests - m0.requests,
      overheadMs: m1.overheadMs - m0.overheadMs,
      httpMs: m1.httpMs - m0.httpMs,
      waitMs: m1.waitMs - m0.waitMs,
    };
  }

  progress(`order round trip: ${WARMUP} warm-up + ${N} OrderManager.place, then ${N} client.newOrder`);
  for (let i = 0; i < WARMUP; i++) {
    const out = await place();
    if (out.kind !== "placed") throw new Error(`warm-up order not placed: ${JSON.stringify(out)}`);
  }
  const placed: Sample[] = [];
  let notFilled = 0;
  for (let i = 0; i < N; i++) {
    let outcome: Awaited<ReturnType<typeof place>> | undefined;
    placed.push(await measure(async () => (outcome = await place())));
    if (outcome?.kind !== "placed") throw new Error(`order not placed: ${JSON.stringify(outcome)}`);
    if (outcome.entry.state !== "FILLED") notFilled++;
  }
  for (let i = 0; i < WARMUP; i++) await newOrder();
  const direct: Sample[] = [];
  for (let i = 0; i < N; i++) direct.push(await measure(newOrder));
  const journalBytes = statSync(store.path).size;
  const simStats = await sim.stats();
  await store.close();
  client.close();

  const pick = (samples: Sample[], key: keyof Sample) => samples.map((s) => s[key]);
  const p = (samples: Sample[], key: keyof Sample, q: number) => quantile(pick(samples, key), q);
  const pp = (samples: Sample[], key: keyof Sample) =>
    `p50 ${p(samples, key, 0.5).toFixed(2)} / p99 ${p(samples, key, 0.99).toFixed(2)} ms`;
  const sum = (samples: Sample[], key: keyof Sample) => pick(samples, key).reduce((a, b) => a + b, 0);
  const firstHalf = placed.slice(0, Math.floor(N / 2));
  const secondHalf = placed.slice(Math.floor(N / 2));
  const postSimMs = (simStats.handleMsBy[POST_ORDER] ?? 0) / (simStats.requests[POST_ORDER] ?? 1);

  report([
    {
      measure: `order round trip, OrderManager.place: our time`,
      result: pp(placed, "oursMs"),
      notes: `round trip minus the simulator's handling, ${N} MARKET orders after ${WARMUP} warm-up; whole place() ${pp(placed, "totalMs")}, simulator ${pp(placed, "simMs")}; per place: ${(sum(placed, "requests") / N).toFixed(1)} requests (POST + GET order), ${(sum(placed, "journalWrites") / N).toFixed(1)} journal writes taking ${pp(placed, "journalMs")} (fsync; state file ${(journalBytes / 1024).toFixed(0)} KiB at the end), client overhead ${pp(placed, "overheadMs")}; first half p50 ${p(firstHalf, "oursMs", 0.5).toFixed(2)} ms, second half ${p(secondHalf, "oursMs", 0.5).toFixed(2)} ms; ${notFilled} not filled at once; limiter waits ${sum(placed, "waitMs").toFixed(1)} ms in all`,
    },
    {
      measure: "order round trip, client.newOrder alone: our time",
      result: pp(direct, "oursMs"),
      notes: `POST /order only (rules check, sign, axios, loopback, parse), no journal; whole call ${pp(direct, "totalMs")}, simulator ${pp(direct, "simMs")} (mean ${postSimMs.toFixed(2)} ms per POST /order), client overhead outside HTTP ${pp(direct, "overheadMs")}; RSS ${mib(process.memoryUsage().rss)}`,
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await sim.close();
}
