/**
 * How close does the shared client get to MEXC's rate limit without ever breaking it, and what does it cost?
 *
 * Starts the simulator (in a child process, so its work does not count as the client's) with 2,000 generated
 * alts and MEXC's real limits (500 weight per 10 s per endpoint), then fetches 15m klines (weight 1) for every
 * tradable USDT symbol as fast as the client's limiter allows.
 *
 *   npx tsx bench/client.ts [--alts 2000] [--concurrency 16] [--limit 100] [--klines-only]
 *
 * The flood runs the client at the docs' reading of the limit (500 per 10 s per endpoint, no global request rate),
 * so it measures the per-endpoint pool. Then the top-200 scan (the market scanner's real request pattern: rules,
 * all 24 h tickers, then klines of the 200 largest USDT pairs with the configured concurrency) runs through a fresh
 * client at the strict defaults of src/api/rate-limits.ts (300 per 10 s per IP endpoint, 20 requests/s in total):
 * time to finish and requests/s; it must finish well within the scanner's interval.
 *
 * Two ways to compare with the ceiling, because a sliding window lets a fresh client spend one whole budget at
 * once (so requests/s over a short run can exceed 50/s):
 * - whole windows: requests answered in the first k whole 10 s windows of the run, over k × 500;
 * - whole run: in any span of T seconds at most 500 × (⌊T/10⌋ + 1) requests can pass; requests over that.
 *
 * First of all, the client's CPU per klines call (15m × 100, the scanner's call) away from any limit, fresh and in
 * the steady state, and the parse alone of one such answer, repeated (klinesCpu; `--klines-only` stops there).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    alts: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    limit: { type: "string", default: "100" },
    serve: { type: "boolean", default: false },
    "klines-only": { type: "boolean", default: false },
  },
});
const BUDGET = 500;
const WINDOW_MS = 10_000;

if (args.serve) await serve();
else await bench();

/** Child: runs the simulator, prints its URL, answers "stats" on stdin. */
async function serve(): Promise<void> {
  const { startSim } = await import("../src/sim/index.js");
  const server = await startSim({
    seed: 1,
    generatedAlts: Number(args.alts),
    // The docs' reading (no global request rate): the simulator's default 20 requests/s would ban the flood.
    rateLimit: { enabled: true, windowMs: WINDOW_MS, budget: BUDGET, requestsPerSecond: 1_000_000 },
  });
  console.log(JSON.stringify({ url: server.url }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "stats") {
      const { count429, count418, requests } = server.sim.stats;
      console.log(JSON.stringify({ count429, count418, requests }));
    }
  }
  await server.close();
}

async function bench(): Promise<void> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--serve", "--alts", args.alts],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => JSON.parse((await lines.next()).value as string);
  try {
    const { url } = (await next()) as { url: string };
    await run(url, child, next);
  } finally {
    child.kill();
  }
}

async function run(
  url: string,
  child: ChildProcess,
  next: () => Promise<Record<string, unknown>>,
): Promise<void> {
  const t0 = performance.now();
  const api = await import("../src/api/index.js");
  const importMs = performance.now() - t0;
  // The docs' reading: 500 per 10 s per endpoint and nothing else, so the per-endpoint pool is what binds.
  const client = new api.MexcClient({
    baseUrl: url,
    limits: { budget: BUDGET, requestsPerSecond: 1_000_000 },
  });
  const tFirst = performance.now();
  await client.ping();
  const firstRequestMs = performance.now() - tFirst;

  const rules = await client.rules.all();
  const symbols = [...rules.values()].filter((r) => r.tradable && r.quote === "USDT").map((r) => r.symbol);
  await klinesCpu(symbols.slice(0, 200));
  if (args["klines-only"]) {
    client.close();
    return;
  }
  const before = client.metrics();

  const answers: number[] = [];
  let nextIndex = 0;
  let candles = 0;
  const tScan = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (nextIndex < symbols.length) {
      const symbol = symbols[nextIndex++]!;
      const rows = await client.klines(symbol, "15m", { limit: Number(args.limit) });
      answers.push(performance.now() - tScan);
      candles += rows.length;
    }
  };
  await Promise.all(Array.from({ length: Number(args.concurrency) }, worker));
  const wallMs = performance.now() - tScan;
  const cpu = process.cpuUsage(cpu0);
  const after = client.metrics();

  child.stdin!.write("stats\n");
  const stats = (await next()) as { count429: number; count418: number };
  const requests = after.requests - before.requests;
  const wholeWindows = Math.floor(wallMs / WINDOW_MS);
  const inWholeWindows = answers.filter((t) => t < wholeWindows * WINDOW_MS).length;
  const runCeiling = BUDGET * (wholeWindows + 1);
  let maxWindow = 0;
  for (let i = 0, j = 0; i < answers.length; i++) {
    while (answers[j]! <= answers[i]! - WINDOW_MS) j++;
    maxWindow = Math.max(maxWindow, i - j + 1);
  }
  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(1)} % (${a} of ${b})`;
  const ms = (n: number): string => `${n.toFixed(3)} ms`;
  const rows: [string, string][] = [
    ["symbols (tradable, USDT)", String(symbols.length)],
    ["klines requests", String(requests)],
    ["candles received", String(candles)],
    ["wall time", `${(wallMs / 1000).toFixed(2)} s`],
    ["requests/s", (requests / (wallMs / 1000)).toFixed(1)],
    [
      "ceiling use, whole 10 s windows",
      wholeWindows > 0 ? pct(inWholeWindows, wholeWindows * BUDGET) : "n/a",
    ],
    ["ceiling use, whole run", pct(requests, runCeiling)],
    ["max answers in any 10 s window", `${maxWindow} (budget ${BUDGET})`],
    ["429 / 418 answers (simulator)", `${stats.count429} / ${stats.count418}`],
    ["client overhead per request", ms((after.overheadMs - before.overheadMs) / requests)],
    [
      "process CPU per request (limiter, transport, GC included)",
      ms((cpu.user + cpu.system) / 1000 / requests),
    ],
    ["HTTP round trip per request", ms((after.httpMs - before.httpMs) / requests)],
    ["cold start (import + first request)", ms(importMs + firstRequestMs)],
    ["  import of src/api (tsx, uncached)", ms(importMs)],
    ["  first request (ping)", ms(firstRequestMs)],
    ["RSS of the client process", `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  client.close();
  await topScan(url, child, next);
}

/** The market scanner's scan of the top 200 pairs, with the client at its strict default limits. */
async function topScan(
  url: string,
  child: ChildProcess,
  next: () => Promise<Record<string, unknown>>,
): Promise<void> {
  const api = await import("../src/api/index.js");
  const { createMarketScanner } = await import("../src/bots/market-scanner.js");
  const { userConfig } = await import("../src/config.js");
  const { parseConfig } = await import("../src/config-schema.js");
  const { clientLimits } = await import("../src/connect.js");
  const config = parseConfig(userConfig);
  child.stdin!.write("stats\n");
  const before = (await next()) as { count429: number; count418: number };
  // One window after the flood, so that no window of the simulator's count still holds the flood's requests.
  await new Promise((r) => setTimeout(r, WINDOW_MS + 1000));
  const client = new api.MexcClient({ baseUrl: url, limits: clientLimits(config) });
  // scan() reads the market only: it never touches the treasury or places an order.
  const unused = new Proxy(
    {},
    {
      get(_t, key) {
        throw new Error(`the scan bench must not use ${String(key)}`);
      },
    },
  ) as never;
  const scanner = createMarketScanner({ client, treasury: unused, orders: unused, config });
  const t0 = performance.now();
  const scan = await scanner.scan(undefined, Date.now());
  const wallMs = performance.now() - t0;
  const m = client.metrics();
  child.stdin!.write("stats\n");
  const after = (await next()) as { count429: number; count418: number };
  client.close();
  const rows: [string, string][] = [
    [
      "top-200 scan, strict defaults",
      `maxPairs ${config.scanner.maxPairs}, concurrency ${config.scanner.concurrency}`,
    ],
    ["  pairs selected / judged / failed", `${scan.selected} / ${scan.scanned} / ${scan.failed.length}`],
    ["  requests", String(m.requests)],
    [
      "  time to finish",
      `${(wallMs / 1000).toFixed(2)} s (scanner interval ${config.scanner.intervalSec} s)`,
    ],
    ["  requests/s", (m.requests / (wallMs / 1000)).toFixed(1)],
    [
      "  429 / 418 answers (simulator)",
      `${after.count429 - before.count429} / ${after.count418 - before.count418}`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  // The flood after it expects whole windows of budget: let these calls leave the simulator's window.
  await new Promise((r) => setTimeout(r, WINDOW_MS + 1000));
}

/**
 * Client CPU per klines call (15m × 100), against a simulator of its own without rate limits (a child process:
 * only the client's CPU is counted), so that neither its limiter nor the flood's windows come into it. Two figures:
 * - the first 300 calls after 20 warm-up ones (the figure this benchmark always printed): a fresh process, where
 *   V8 still compiles and optimizes the client's code on its helper threads, which process.cpuUsage() counts;
 * - the steady state a scanner running for hours reaches: the median of 7 rounds of 1,000 calls after 2,000.
 * Then the parse alone of one such answer (the fast reader, and the general path of JSON.parse and the schema).
 */
async function klinesCpu(symbols: string[]): Promise<void> {
  const api = await import("../src/api/index.js");
  const { klinesSchema, parseJson } = await import("../src/api/schemas.js");
  const { scanKlines } = await import("../src/api/klines-scan.js");
  const { startSimChild } = await import("./lib.js");
  const sim = await startSimChild({
    seed: 1,
    generatedAlts: Number(args.alts),
    rateLimit: { enabled: false },
  });
  const CONCURRENCY = 4;
  const client = new api.MexcClient({
    baseUrl: sim.url,
    limits: { budget: 1_000_000_000, requestsPerSecond: 1_000_000_000 },
  });
  const limit = Number(args.limit);
  let i = 0;
  const call = () => client.klines(symbols[i++ % symbols.length]!, "15m", { limit });
  /** Client CPU (user + system, every thread) per call over `n` calls, CONCURRENCY in flight. */
  const cpuPerCall = async (n: number): Promise<number> => {
    let left = n;
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await call();
      }),
    );
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  };
  for (let k = 0; k < 20; k++) await call(); // connections, and the first compilation
  const t0 = performance.now();
  const coldMs = await cpuPerCall(300);
  const coldWallMs = performance.now() - t0;
  await cpuPerCall(2000);
  const rounds: number[] = [];
  for (let k = 0; k < 7; k++) rounds.push(await cpuPerCall(1000));
  client.close();
  const body = await (
    await fetch(`${sim.url}/api/v3/klines?symbol=${symbols[0]}&interval=15m&limit=${limit}`)
  ).text();
  await sim.close();
  // CPU time, not wall time: on a loaded machine the wall clock counts other processes' turns too.
  const cpuPer = (n: number, f: () => unknown): number => {
    for (let k = 0; k < 2000; k++) f();
    const c0 = process.cpuUsage();
    for (let k = 0; k < n; k++) f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  };
  const fastMs = cpuPer(5000, () => scanKlines(body));
  const jsonMs = cpuPer(5000, () => parseJson(body));
  const parseMs = cpuPer(5000, () => klinesSchema.safeParse(parseJson(body)));
  const sorted = [...rounds].sort((a, b) => a - b);
  const rows: [string, string][] = [
    [
      `klines 15m × ${limit}, first 300 calls at concurrency ${CONCURRENCY}`,
      `${(coldWallMs / 1000).toFixed(2)} s`,
    ],
    ["  client process CPU per call, fresh process", `${coldMs.toFixed(3)} ms`],
    [
      "  client process CPU per call, steady state",
      `${sorted[3]!.toFixed(3)} ms (median of 7 × 1,000 after 2,300; ${sorted[0]!.toFixed(3)}–${sorted[6]!.toFixed(3)})`,
    ],
    ["  parse alone per answer, CPU: fast reader", `${fastMs.toFixed(3)} ms (${body.length} bytes)`],
    [
      "    general path (JSON + schema)",
      `${parseMs.toFixed(3)} ms, of which parseJson ${jsonMs.toFixed(3)} ms`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}
