/**
 * What the client's HTTP costs: Node's http module as the client uses it (NodeHttpTransport), axios
 * (AxiosTransport, the client's transport until issue 15) and Node's own fetch (FetchTransport), on the simulator
 * over loopback. Each figure comes from fresh processes, so that one transport's warm-up or memory never counts for
 * the other; the simulator runs in a process of its own (bench/sim-child.ts).
 *
 * - load: plain node (no tsx), the CPU, time and RSS to get the HTTP stack: `node:http` (built into Node),
 *   axios's CommonJS build as it was loaded, axios's ES-module entry (`import("axios")`), or the first touch of
 *   `fetch` (Node loads its undici on first use), and the first GET with it;
 * - per request: the real transport in a child, client CPU (user + system) per GET of klines 15m × 100 and of one
 *   ticker price, 4 in flight, after a warm-up; RSS the transport added after them.
 *
 *   node --import tsx bench/transport.ts [--runs 5] [--requests 1500] [--json]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RealClock } from "../src/clock.js";
import { mib, progress, quantile, report, startSimChild } from "./lib.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    requests: { type: "string", default: "1500" },
    json: { type: "boolean", default: false },
    child: { type: "string" },
    url: { type: "string" },
  },
});
const KINDS = ["node-http", "axios", "fetch"] as const;
type Kind = (typeof KINDS)[number];
/** Node's http; axios as the program loaded it (its one-file CommonJS build), its ES-module entry; fetch. */
const LOADS = ["node-http", "axios", "axios-esm", "fetch"] as const;
type Load = (typeof LOADS)[number];
const KLINES = "/api/v3/klines?symbol=BTCUSDT&interval=15m&limit=100";
const PRICE = "/api/v3/ticker/price?symbol=BTCUSDT";
const IN_FLIGHT = 4;
const WARMUP = 200;

interface LoadRun {
  loadMs: number;
  loadCpuMs: number;
  loadRss: number;
  firstRequestMs: number;
  firstRequestCpuMs: number;
}
interface RequestRun {
  klinesCpuUs: number;
  priceCpuUs: number;
  addedRss: number;
  heapAfterGc: number;
}

/**
 * Plain node, nothing but the HTTP stack: what a process pays to have it and to send its first request. `get` and
 * `send` are code for `node -e`; wall time and CPU (user + system) both, CPU being the steadier on a busy machine.
 */
function loadCode(get: string, send: string): string {
  return `const cpu = (c) => (c.user + c.system) / 1000;
    const r0 = process.memoryUsage().rss; const t0 = performance.now(); const c0 = process.cpuUsage();
    ${get}
    const t1 = performance.now(); const c1 = process.cpuUsage(); const r1 = process.memoryUsage().rss;
    ${send}
    const c2 = process.cpuUsage();
    console.log(JSON.stringify({ loadMs: t1 - t0, loadCpuMs: cpu(c1) - cpu(c0), loadRss: r1 - r0,
      firstRequestMs: performance.now() - t1, firstRequestCpuMs: cpu(c2) - cpu(c1) }));`;
}
const GET_AXIOS = `await axios.get(process.argv[1] + "${PRICE}", { responseType: "text" });`;
const LOAD_CODE: Record<Load, string> = {
  "node-http": loadCode(
    `const { default: http } = await import("node:http"); const agent = new http.Agent({ keepAlive: true });`,
    `await new Promise((ok, fail) => http.get(process.argv[1] + "${PRICE}", { agent }, (res) => {
      const chunks = []; res.on("data", (c) => chunks.push(c)); res.on("end", () => ok(Buffer.concat(chunks).toString()));
    }).on("error", fail)); agent.destroy();`,
  ),
  axios: loadCode(
    `const { createRequire } = await import("node:module"); const axios = createRequire(process.cwd() + "/")("axios");`,
    GET_AXIOS,
  ),
  "axios-esm": loadCode(`const { default: axios } = await import("axios");`, GET_AXIOS),
  fetch: loadCode(
    "const f = globalThis.fetch; new Headers();",
    `await (await f(process.argv[1] + "${PRICE}")).text();`,
  ),
};

function runNode<T>(argv: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0) resolve(JSON.parse(last) as T);
      else reject(new Error(`${argv.join(" ")} exited ${code}: ${out.slice(-300)}`));
    });
  });
}

/** In the child: the real transport, N requests of one path with IN_FLIGHT at a time; client CPU per request. */
async function cpuPerRequest(
  send: (path: string) => Promise<unknown>,
  path: string,
  n: number,
): Promise<number> {
  const run = async (count: number) => {
    let left = count;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (left-- > 0) await send(path);
      }),
    );
  };
  await run(WARMUP);
  const c0 = process.cpuUsage();
  await run(n);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

async function child(kind: Kind, url: string, n: number): Promise<void> {
  globalThis.gc?.();
  const r0 = process.memoryUsage().rss;
  const h0 = process.memoryUsage().heapUsed;
  const clock = new RealClock();
  const transport =
    kind === "node-http"
      ? new (await import("../src/api/node-http-transport.js")).NodeHttpTransport({
          clock,
          timeoutMs: 10_000,
        })
      : kind === "axios"
        ? new (await import("./axios-transport.js")).AxiosTransport({ clock, timeoutMs: 10_000 })
        : new (await import("./fetch-transport.js")).FetchTransport({ clock, timeoutMs: 10_000 });
  const send = async (path: string) => {
    const res = await transport.send({ method: "GET", url: url + path, headers: {} });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  };
  const klinesCpuUs = await cpuPerRequest(send, KLINES, n);
  const priceCpuUs = await cpuPerRequest(send, PRICE, n);
  const addedRss = process.memoryUsage().rss - r0;
  // What stays after a collection: the garbage of the requests is not the transport's size.
  globalThis.gc?.();
  const heapAfterGc = process.memoryUsage().heapUsed - h0;
  transport.close?.();
  console.log(JSON.stringify({ klinesCpuUs, priceCpuUs, addedRss, heapAfterGc } satisfies RequestRun));
}

if (args.child) {
  await child(args.child as Kind, args.url ?? "", Number(args.requests));
  process.exit(0);
}

const runs = Math.max(1, Number(args.runs));
const sim = await startSimChild({ seed: 7, generatedAlts: 5, rateLimit: { enabled: false } });
const self = fileURLToPath(import.meta.url);
const load: Record<Load, LoadRun[]> = { "node-http": [], axios: [], "axios-esm": [], fetch: [] };
const requests: Record<Kind, RequestRun[]> = { "node-http": [], axios: [], fetch: [] };
try {
  for (let i = 0; i < runs; i++) {
    // Alternated, so that a busier moment of the machine does not fall on one transport only.
    for (const kind of LOADS)
      load[kind].push(await runNode<LoadRun>(["--input-type=module", "-e", LOAD_CODE[kind], sim.url]));
    for (const kind of KINDS) {
      requests[kind].push(
        await runNode<RequestRun>([
          "--expose-gc",
          "--import",
          "tsx",
          self,
          "--child",
          kind,
          "--url",
          sim.url,
          "--requests",
          String(args.requests),
        ]),
      );
      const l = load[kind].at(-1)!;
      const r = requests[kind].at(-1)!;
      progress(
        `${kind} run ${i + 1}/${runs}: load ${l.loadCpuMs.toFixed(0)} ms CPU +${mib(l.loadRss)}, first GET ${l.firstRequestCpuMs.toFixed(0)} ms CPU, klines ${r.klinesCpuUs.toFixed(0)} µs CPU, price ${r.priceCpuUs.toFixed(0)} µs CPU, RSS +${mib(r.addedRss)}, heap after GC +${mib(r.heapAfterGc)}`,
      );
    }
  }
} finally {
  await sim.close();
}

const med = <T>(xs: T[], pick: (x: T) => number) => quantile(xs.map(pick), 0.5);
const msF = (v: number) => `${v.toFixed(1)} ms`;
const us = (v: number) => `${v.toFixed(0)} µs`;
const of = `median of ${runs} fresh process${runs > 1 ? "es" : ""} each`;
/** One figure per way of loading: node:http, axios as the program loaded it, axios's ES-module entry, fetch. */
const loads = (fmt: (v: number) => string, pick: (r: LoadRun) => number) =>
  LOADS.map((k) => `${k} ${fmt(med(load[k], pick))}`).join(" · ");
const transports = (fmt: (v: number) => string, pick: (r: RequestRun) => number) =>
  KINDS.map((k) => `${k} ${fmt(med(requests[k], pick))}`).join(" · ");
report([
  {
    measure: "transport: load the HTTP stack, CPU",
    result: loads(msF, (r) => r.loadCpuMs),
    notes: `${of}; node-http = node:http and an agent; axios = its CommonJS build, as AxiosTransport loads it; fetch = its first touch`,
  },
  { measure: "transport: load the HTTP stack, wall", result: loads(msF, (r) => r.loadMs), notes: of },
  { measure: "transport: load the HTTP stack, RSS", result: loads(mib, (r) => r.loadRss), notes: of },
  {
    measure: "transport: first GET after load, CPU",
    result: loads(msF, (r) => r.firstRequestCpuMs),
    notes: `${of}; a new connection to the simulator on loopback`,
  },
  {
    measure: "transport: first GET after load, wall",
    result: loads(msF, (r) => r.firstRequestMs),
    notes: of,
  },
  {
    measure: "transport: client CPU per GET klines 15m × 100",
    result: transports(us, (r) => r.klinesCpuUs),
    notes: `${of}; ${args.requests} requests, ${IN_FLIGHT} in flight, after ${WARMUP} warm-up; the transport only (no parsing)`,
  },
  {
    measure: "transport: client CPU per GET ticker price",
    result: transports(us, (r) => r.priceCpuUs),
    notes: `${of}; as above`,
  },
  {
    measure: "transport: RSS added by the transport and its requests",
    result: transports(mib, (r) => r.addedRss),
    notes: `${of}; from before the import to after every request (garbage included)`,
  },
  {
    measure: "transport: heap kept after a GC",
    result: transports(mib, (r) => r.heapAfterGc),
    notes: `${of}; what the transport's code and state hold once the requests' garbage is collected`,
  },
]);
