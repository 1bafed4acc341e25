/**
 * A full-market scan with the real market scanner (createMarketScanner(...).scan, scanner.maxPairs 0: every pair)
 * through the real client and its weight limiter, against the simulator with about 2,000 symbols and MEXC's rate
 * limits ON (500 weight per endpoint per 10 s; the client keeps 25 of it as margin). The simulator runs in a process
 * of its own (bench/sim-child.ts) and reports when it accepted each request, so the weight per 10 s is the
 * exchange's own count, compared with the ceiling.
 *
 *   node --import tsx bench/scan.ts [--alts 2000] [--json]
 */
import { parseArgs } from "node:util";
import { MexcClient } from "../src/api/index.js";
import { createMarketScanner } from "../src/bots/market-scanner.js";
import { userConfig } from "../src/config.js";
import { parseConfig } from "../src/config-schema.js";
import type { OrderPlacer } from "../src/trading/order-placer.js";
import type { Treasury } from "../src/trading/treasury.js";
import { mib, progress, report, startSimChild } from "./lib.js";

const { values: args } = parseArgs({
  options: { alts: { type: "string", default: "2000" }, json: { type: "boolean", default: false } },
});
// MEXC's limit (src/sim/rate-limit.ts DEFAULT_RATE_LIMIT; src/api/client.ts: budget 500, window 10 s, margin 25).
const BUDGET = 500;
const WINDOW_MS = 10_000;
const MARGIN = 25;
const KLINES = "GET /api/v3/klines";

const sim = await startSimChild({
  seed: 1,
  generatedAlts: Number(args.alts),
  rateLimit: { enabled: true, windowMs: WINDOW_MS, budget: BUDGET },
});
try {
  // The docs' reading (500 per endpoint, no global request rate), which this bench compares with; the client's
  // strict defaults (20 requests/s in total) are measured on the scanner's real top-200 scan by bench/client.ts.
  const client = new MexcClient({
    baseUrl: sim.url,
    limits: { budget: BUDGET, margin: MARGIN, requestsPerSecond: 1_000_000 },
  });
  const raw = structuredClone(userConfig);
  raw.scanner.maxPairs = 0;
  const config = parseConfig(raw);
  // scan() reads the market only: it never touches the treasury or places an order.
  const unused = new Proxy(
    {},
    {
      get(_t, key) {
        throw new Error(`the scan bench must not use ${String(key)}`);
      },
    },
  );
  const scanner = createMarketScanner({
    client,
    treasury: unused as Treasury,
    orders: unused as OrderPlacer,
    config,
  });

  progress(`scanning every USDT pair of ${args.alts} generated alts with the rate limit on (takes ~40 s)`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const scan = await scanner.scan(undefined, Date.now());
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const metrics = client.metrics();
  const stats = await sim.stats();
  const times = await sim.acceptedAt(KLINES);
  client.close();

  // The most klines weight (1 each) the exchange accepted within any 10 s span, and the mean rate.
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - WINDOW_MS) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const spanMs = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
  const per10s = spanMs > 0 ? (times.length / spanMs) * WINDOW_MS : Number.NaN;
  const steadyMs = times.length > BUDGET ? times[times.length - 1]! - times[BUDGET - MARGIN - 1]! : 0;
  const steadyPer10s =
    steadyMs > 0 ? ((times.length - (BUDGET - MARGIN)) / steadyMs) * WINDOW_MS : Number.NaN;
  const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  // The fastest the limit allows: the client's first window at once, then (budget − margin) per 10 s.
  const cap = BUDGET - MARGIN;
  const boundS = (Math.max(0, times.length - cap) / cap) * (WINDOW_MS / 1000);
  const pct = (v: number) => `${((v / BUDGET) * 100).toFixed(1)} %`;

  report([
    {
      measure: `full-market scan, ${args.alts} alts: time`,
      result: `${(wallMs / 1000).toFixed(1)} s`,
      notes: `real scanner (maxPairs 0, concurrency ${config.scanner.concurrency}, ${config.scanner.klineInterval} × ${config.scanner.klineLimit}) through the real client and limiter, simulator limits ON; the limit alone needs ≥ ${boundS.toFixed(1)} s; ${scan.scanned} of ${scan.selected} selected pairs judged (${scan.usdtPairs} USDT pairs listed), ${scan.failed.length} failed; ${requests} requests (${times.length} klines); scanner process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, RSS ${mib(process.memoryUsage().rss)}`,
    },
    {
      measure: "scan: klines weight per 10 s vs ceiling",
      result: `peak ${peak} / ${BUDGET} (${pct(peak)})`,
      notes: `goal ≤ ${BUDGET} in any sliding 10 s, as the simulator counted (the client caps itself at ${BUDGET - MARGIN}); steady rate after the first ${BUDGET - MARGIN} ${steadyPer10s.toFixed(0)}/10 s (${pct(steadyPer10s)}); mean over the scan ${per10s.toFixed(0)}/10 s (${pct(per10s)}: a fresh window lets ${BUDGET - MARGIN} through at once)`,
    },
    {
      measure: "scan: 429 / 418 answers",
      result: `${stats.count429} / ${stats.count418}`,
      notes: `goal 0 / 0 (simulator's count; client saw ${metrics.count429} / ${metrics.count418}, ${metrics.retries} retries); client overhead ${(metrics.overheadMs / metrics.requests).toFixed(2)} ms/request (build, sign, parse, validate 100 candles)`,
    },
  ]);
} finally {
  await sim.close();
}
