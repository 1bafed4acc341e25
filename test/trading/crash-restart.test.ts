import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startExchange, tempStatePath } from "../support/exchange.js";

const CHILD = join(import.meta.dirname, "../fixtures/order-child.ts");

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
afterEach(async () => {
  await ex?.close();
  ex = undefined;
});

function run(args: string[], onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    for (const line of c.toString().split("\n")) if (line) onLine?.(line, () => child.kill("SIGKILL"));
  });
  return new Promise<{ signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.once("exit", (_code, signal) => resolve({ signal, out })),
  );
}

async function reconcileAndCompare(statePath: string) {
  const { out } = await run([ex!.url, statePath, "reconcile"]);
  const entries = JSON.parse(out.trim().split("\n").pop() ?? "[]") as { id: string; state: string }[];
  const onExchange = ex!.sim.stats.ordersByClientId;
  // Never sent twice, and the journal agrees with the exchange.
  for (const [id, count] of Object.entries(onExchange)) {
    expect(count).toBe(1);
    expect(entries.find((e) => e.id === id)?.state).toBe("FILLED");
  }
  for (const e of entries) {
    if (!onExchange[e.id]) expect(e.state).toBe("LOST");
  }
  return entries;
}

describe("a crash at any step of the order flow, then a restart", () => {
  it("killed before the journal write: nothing on either side", async () => {
    ex = await startExchange();
    const path = tempStatePath();
    await run([ex.url, path, "place", "never"], (line, kill) => line === "placing" && kill());
    const entries = await reconcileAndCompare(path);
    expect(entries.length).toBe(Object.keys(ex.sim.stats.ordersByClientId).length);
  });

  it("killed after the journal write, before the POST: PENDING → looked up → LOST, never sent", async () => {
    ex = await startExchange();
    const path = tempStatePath();
    const r = await run([ex.url, path, "place", "PENDING"]);
    expect(r.signal).toBe("SIGKILL");
    expect(ex.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(0);
    const entries = await reconcileAndCompare(path);
    expect(entries.map((e) => e.state)).toEqual(["LOST"]);
    expect(ex.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(0);
  });

  it("killed after the POST, before its answer: PENDING → found by lookup → FILLED", async () => {
    ex = await startExchange();
    ex.sim.faults.acceptThen("stall", { count: 1, stallMs: 3_000 });
    const path = tempStatePath();
    const sim = ex.sim;
    const r = await run([ex.url, path, "place", "never"], (line, kill) => {
      if (line.endsWith("PENDING")) {
        const wait = setInterval(() => {
          if (sim.stats.ordersCreated > 0) {
            clearInterval(wait);
            kill();
          }
        }, 5);
      }
    });
    expect(r.signal).toBe("SIGKILL");
    const entries = await reconcileAndCompare(path);
    expect(entries.map((e) => e.state)).toEqual(["FILLED"]);
    expect(ex.sim.stats.requests["POST /api/v3/order"]).toBe(1);
  });

  it("killed after the answer (journal OPEN): the restart fetches it → FILLED", async () => {
    ex = await startExchange();
    const path = tempStatePath();
    const r = await run([ex.url, path, "place", "OPEN"]);
    expect(r.signal).toBe("SIGKILL");
    const entries = await reconcileAndCompare(path);
    expect(entries.map((e) => e.state)).toEqual(["FILLED"]);
    expect(ex.sim.stats.requests["POST /api/v3/order"]).toBe(1);
  });
});
