/**
 * Load check for the simulator at 2,000 generated alts: klines (15m, limit 100) for every symbol, then a full
 * ticker/24hr, over HTTP with the limiter off. Prints RSS after and request throughput.
 * Run: npx tsx bench/sim-2000.ts
 */
import { startSim } from "../src/sim/index.js";

const CONCURRENCY = 16;
const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);

const t0 = performance.now();
const running = await startSim({ generatedAlts: 2000, rateLimit: { enabled: false } });
const startMs = performance.now() - t0;
const info = (await (await fetch(`${running.url}/api/v3/exchangeInfo`)).json()) as {
  symbols: { symbol: string }[];
};
const symbols = info.symbols.map((s) => s.symbol);

let next = 0;
let rows = 0;
const cpuStart = process.cpuUsage();
const klinesStart = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < symbols.length) {
      const symbol = symbols[next++] as string;
      const res = await fetch(`${running.url}/api/v3/klines?symbol=${symbol}&interval=15m&limit=100`);
      if (res.status !== 200) throw new Error(`${symbol}: HTTP ${res.status} ${await res.text()}`);
      rows += ((await res.json()) as unknown[]).length;
    }
  }),
);
const klinesMs = performance.now() - klinesStart;
const cpu = process.cpuUsage(cpuStart);
const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / symbols.length;

const tickerStart = performance.now();
const tickers = (await (await fetch(`${running.url}/api/v3/ticker/24hr`)).json()) as unknown[];
const tickerMs = performance.now() - tickerStart;
const again = performance.now();
await (await fetch(`${running.url}/api/v3/ticker/24hr`)).json();
const tickerAgainMs = performance.now() - again;

global.gc?.();
const rss = process.memoryUsage().rss;
await running.close();

process.stdout.write(
  [
    `symbols: ${symbols.length} (start ${startMs.toFixed(0)} ms)`,
    `klines 15m x100: ${symbols.length} requests, ${rows} rows in ${klinesMs.toFixed(0)} ms = ${(
      (symbols.length / klinesMs) * 1000
    ).toFixed(
      0,
    )} req/s (${CONCURRENCY} in flight; ${cpuMsPerRequest.toFixed(2)} ms CPU per request, client included)`,
    `ticker/24hr (all ${tickers.length}): ${tickerMs.toFixed(0)} ms, again ${tickerAgainMs.toFixed(0)} ms`,
    `RSS after: ${mb(rss)} MB`,
    "",
  ].join("\n"),
);
