// npm run bench:ledger — cost basis over 100,000 fills, and an incremental sync of 1,000 new fills from the
// simulator over HTTP. Prints times and memory; asserts nothing. With --json it also prints the rows of
// `npm run bench` (bench/all.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MexcClient } from "../src/api/index.js";
import { RealClock } from "../src/clock.js";
import { D } from "../src/decimal.js";
import { computeCostBasis } from "../src/portfolio/cost-basis.js";
import { type Fill, parseFillJson } from "../src/portfolio/fill.js";
import { Ledger } from "../src/portfolio/ledger.js";
import { startSim } from "../src/sim/index.js";
import { JsonLinesFile, Store } from "../src/store/index.js";
import { report } from "./lib.js";

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function generatedFills(n: number): Fill[] {
  const fills: Fill[] = [];
  const assets = ["BTC", "ETH", "ADA", "DOT", "LINK", "AVAX", "MATIC", "SOL", "XRP", "DOGE"];
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < n; i++) {
    const base = assets[i % assets.length] ?? "BTC";
    const side = i % 3 === 2 ? "SELL" : "BUY";
    const price = new D((100 + rnd() * 10).toFixed(4));
    const qty = new D((0.01 + rnd()).toFixed(6));
    const quoteQty = price.mul(qty).toDecimalPlaces(8);
    const feeMode = i % 3;
    const feeAsset = feeMode === 0 ? "USDT" : feeMode === 1 ? base : "MX";
    const fee = feeMode === 0 ? quoteQty.mul("0.001") : feeMode === 1 ? qty.mul("0.001") : new D("0.01");
    fills.push({
      id: String(i + 1),
      symbol: `${base}USDT`,
      base,
      quote: "USDT",
      side,
      price,
      qty,
      quoteQty,
      fee: fee.toDecimalPlaces(8),
      feeAsset,
      time: 1_700_000_000_000 + i * 1000,
      orderId: String(i + 1),
      clientOrderId: `scanner-${String(i).padStart(15, "0")}`,
      isMaker: false,
      source: "exchange",
    });
  }
  return fills;
}

const fills = generatedFills(100_000);
global.gc?.();
const heap0 = process.memoryUsage().heapUsed;
let t = performance.now();
const snap = computeCostBasis(fills, { currentPrice: () => new D("0.8") });
const costBasisMs = performance.now() - t;
const heap1 = process.memoryUsage().heapUsed;

const sim = await startSim({
  port: 0,
  generatedAlts: 20,
  rateLimit: { enabled: false },
  accounts: [{ apiKey: "k", apiSecret: "s", balances: { USDT: "1000000" } }],
});
const clock = new RealClock();
const client = new MexcClient({
  baseUrl: sim.url,
  apiKey: "k",
  apiSecret: "s",
  limits: { ordersPerSecond: 1000, requestsPerSecond: 1000 },
});
const dir = mkdtempSync(join(tmpdir(), "bench-ledger-"));
const store = await Store.open({ path: join(dir, "sim", "state.json"), mode: "sim", now: clock.now() });
const file = JsonLinesFile.open<Fill>(join(dir, "sim", "fills.jsonl"), parseFillJson);
const ledger = new Ledger({ client, store, fills: file, clock });
await ledger.sync("ADAUSDT");
let orders = 0;
while (true) {
  await client.newOrder({
    symbol: "ADAUSDT",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D("6"),
    clientOrderId: `scanner-${String(orders).padStart(15, "0")}`,
  });
  orders++;
  const trades = sim.sim.stats.ordersCreated;
  if (trades >= 1_000) break;
}
const before = sim.sim.stats.requests["GET /api/v3/myTrades"] ?? 0;
t = performance.now();
const added = await ledger.sync("ADAUSDT");
const syncMs = performance.now() - t;
const calls = (sim.sim.stats.requests["GET /api/v3/myTrades"] ?? 0) - before;
t = performance.now();
ledger.costBasis();
const basisAfterSyncMs = performance.now() - t;

console.log("ledger benchmark (this machine: %s, node %s)", process.arch, process.version);
console.log(
  `cost basis over 100,000 fills:   ${costBasisMs.toFixed(0)} ms, heap +${mb(heap1 - heap0)}, ${snap.assets.size} assets`,
);
console.log(
  `incremental sync of ${added.length} new fills: ${syncMs.toFixed(0)} ms in ${calls} myTrades calls (100 rows each at most)`,
);
console.log(`cost basis after the sync (${ledger.fills.length} fills): ${basisAfterSyncMs.toFixed(1)} ms`);
console.log(`RSS ${mb(process.memoryUsage().rss)}`);
if (process.argv.includes("--json")) {
  report([
    {
      measure: "cost basis over 100,000 fills",
      result: `${(costBasisMs / 1000).toFixed(2)} s`,
      notes: `computeCostBasis, one cold run, ${snap.assets.size} assets, heap +${mb(heap1 - heap0)}; incremental ledger sync of ${added.length} new fills ${syncMs.toFixed(0)} ms in ${calls} myTrades calls (loopback simulator)`,
    },
  ]);
}
await store.close();
client.close();
await sim.close();
rmSync(dir, { recursive: true, force: true });
