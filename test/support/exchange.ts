import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MexcClient, type MexcClientOptions } from "../../src/api/index.js";
import { type SimOptions, startSim } from "../../src/sim/index.js";
import { Store } from "../../src/store/index.js";

export const SIM_KEY = "sim-api-key";
export const SIM_SECRET = "sim-api-secret";

/** A simulator on a loopback port and the real client talking to it over HTTP, with test-sized timeouts. */
export async function startExchange(opts: { sim?: SimOptions; client?: Partial<MexcClientOptions> } = {}) {
  const running = await startSim({ port: 0, generatedAlts: 20, rateLimit: { enabled: false }, ...opts.sim });
  const client = new MexcClient({
    baseUrl: running.url,
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    timeoutMs: 1_000,
    retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 },
    ...opts.client,
  });
  return {
    ...running,
    client,
    async close() {
      client.close();
      await running.close();
    },
  };
}

export function tempStatePath(): string {
  return join(mkdtempSync(join(tmpdir(), "mpb-state-")), "sim", "state.json");
}

export async function tempStore(path = tempStatePath()): Promise<Store> {
  return Store.open({ path, mode: "sim", now: Date.now() });
}

/** Polls `check` until it is true, for effects that happen over real time. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  every = 25,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, every));
  }
}
