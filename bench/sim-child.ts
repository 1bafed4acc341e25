/**
 * The simulator in a process of its own for the benchmarks (started by startSimChild in bench/lib.ts).
 *
 *   node --import tsx bench/sim-child.ts '{"generatedAlts":2000}'
 *
 * Prints {"url"} once listening on 127.0.0.1, then answers one JSON line per command read on stdin:
 * - `stats`: 429/418 answers, requests per endpoint, and the time spent inside Simulator.handle (total and per
 *   endpoint), so a client can subtract the exchange's own time from its round trips;
 * - `accepted <METHOD> <path>`: the instants (this process's performance.now()) of every request to that endpoint
 *   that the simulator's rate limiter let through, to measure the weight it saw in any 10 s window.
 * Exits when stdin closes.
 */
import { createInterface } from "node:readline";
import { type SimOptions, type SimRequest, startSim } from "../src/sim/index.js";

const options = JSON.parse(process.argv[2] ?? "{}") as SimOptions;
const running = await startSim({ port: 0, host: "127.0.0.1", ...options });
const sim = running.sim;

let handleMs = 0;
const handleMsBy: Record<string, number> = {};
const accepted = new Map<string, number[]>();
const handle = sim.handle.bind(sim);
sim.handle = async (req: SimRequest) => {
  const endpoint = `${req.method.toUpperCase()} ${req.path}`;
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await handle(req);
    status = res.status;
    return res;
  } finally {
    const spent = performance.now() - t0;
    handleMs += spent;
    handleMsBy[endpoint] = (handleMsBy[endpoint] ?? 0) + spent;
    if (status !== 0 && status !== 429 && status !== 418) {
      const times = accepted.get(endpoint) ?? [];
      if (times.length === 0) accepted.set(endpoint, times);
      times.push(t0);
    }
  }
};

console.log(JSON.stringify({ url: running.url }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "stats") {
    const { count429, count418, requests } = sim.stats;
    console.log(JSON.stringify({ count429, count418, requests, handleMs, handleMsBy }));
  } else if (line.startsWith("accepted ")) {
    console.log(JSON.stringify({ times: accepted.get(line.slice("accepted ".length)) ?? [] }));
  } else {
    console.log(JSON.stringify({ error: `unknown command: ${line}` }));
  }
}
await running.close();
