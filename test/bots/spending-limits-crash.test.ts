import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config-schema.js";
import type { Simulator } from "../../src/sim/index.js";
import { MIN, type Scenario, type ScenarioOptions, startScenario } from "../support/suite.js";

/**
 * Issue 13, defect 3: what limits spending must be on disk before the order that uses it leaves. A crash is
 * modelled exactly: the data directory is copied at the moment the order manager's PENDING entry is on disk and the
 * POST is about to leave (what a SIGKILL there would leave behind), and a new suite is started on the copy.
 */

let s: Scenario | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

/** Only the named bot runs: the others would spend the same USDC and blur what is counted. */
const only =
  (bot: "balanceBuyer" | "balancer5050" | "scanner") =>
  (c: Config): Config => ({
    ...c,
    scanner: { ...c.scanner, enabled: bot === "scanner" },
    balanceBuyer: { ...c.balanceBuyer, enabled: bot === "balanceBuyer" },
    pnlSeller: { ...c.pnlSeller, enabled: false },
    altsSeller: { ...c.altsSeller, enabled: false },
    // A cooldown longer than the interval, so the interval alone cannot hide a lost cooldown.
    balancer5050: { ...c.balancer5050, enabled: bot === "balancer5050", cooldownSec: 600 },
    ordersReporter: { ...c.ordersReporter, enabled: false },
  });

const ordersOf = (sim: Simulator, bot: string) =>
  Object.keys(sim.stats.ordersByClientId).filter((id) => id.startsWith(`${bot}-`)).length;

/**
 * Runs the bot until its first order is about to be sent, copies the data directory right then, lets the first
 * suite finish and stop, and starts a second suite on the copy (same exchange account, same clock).
 */
async function crashAtFirstOrder(
  bot: "balanceBuyer" | "balancer5050" | "scanner",
  id: string,
  balances?: Record<string, string>,
  market?: ScenarioOptions["market"],
) {
  const first = await startScenario({
    transport: "in-process",
    config: only(bot),
    ...(balances && { balances }),
    ...(market && { market }),
  });
  s = first;
  const copy = join(mkdtempSync(join(tmpdir(), "mpb-crash-")), "sim");
  let crashedAt: number | undefined;
  first.suite.trading.orders.onChange(({ entry, from }) => {
    if (crashedAt !== undefined || from !== null || entry.bot !== id) return;
    crashedAt = first.clock.now();
    cpSync(first.dataDir, copy, { recursive: true });
  });
  first.suite.start();
  for (let i = 0; i < 30 && crashedAt === undefined; i++) await first.run(MIN);
  expect(crashedAt).toBeDefined();
  await first.settle();
  await first.stop();
  s = undefined;
  const before = ordersOf(first.sim, id);
  const again = await startScenario({
    transport: "in-process",
    config: only(bot),
    simulator: first.sim,
    clock: first.clock,
    dataDir: copy,
  });
  s = again;
  again.suite.start();
  return { first, again, before, crashedAt: crashedAt as number };
}

describe("a crash right after a buying bot sends an order, then a restart", () => {
  it("the balance buyer's cooldown holds: no second purchase inside it", async () => {
    const { first, again, before, crashedAt } = await crashAtFirstOrder("balanceBuyer", "buyer");
    const cooldownMs = first.config.balanceBuyer.cooldownSec * 1000;
    // Up to a minute before the cooldown ends, counted from the crash.
    await again.run(crashedAt + cooldownMs - MIN - again.clock.now());
    expect(ordersOf(again.sim, "buyer")).toBe(before);
    // The cooldown it waits on is the one the crashed run started (from that run's start, before the order).
    const buyer = again.suite.runtime.status().find((b) => b.name === "buyer");
    expect(buyer?.cooldownUntil).toBeGreaterThan(again.clock.now());
    expect(buyer?.cooldownUntil).toBeLessThanOrEqual(crashedAt + cooldownMs);
    // And it buys again once the cooldown is over.
    await again.run(3 * MIN);
    expect(ordersOf(again.sim, "buyer")).toBeGreaterThan(before);
  }, 60_000);

  it("the 50/50 balancer's cooldown holds too", async () => {
    const { first, again, before, crashedAt } = await crashAtFirstOrder("balancer5050", "balancer", {
      USDT: "500",
      USDC: "500",
      BTC: "0.01",
    });
    const cooldownMs = first.config.balancer5050.cooldownSec * 1000;
    await again.run(crashedAt + cooldownMs - MIN - again.clock.now());
    expect(ordersOf(again.sim, "balancer")).toBe(before);
  }, 60_000);

  it("the scanner waits its interval: one purchase per interval, crash or not", async () => {
    const { first, again, before, crashedAt } = await crashAtFirstOrder(
      "scanner",
      "scanner",
      undefined,
      (sim, now) =>
        // A sharp fall in the last half hour makes an opportunity at the first scan.
        sim.market.regime("LINKUSDT", {
          kind: "dip",
          startMs: now - 30 * MIN,
          durationMs: 30 * MIN,
          change: -0.08,
        }),
    );
    const intervalMs = first.config.scanner.intervalSec * 1000;
    await again.run(crashedAt + intervalMs - MIN - again.clock.now());
    expect(ordersOf(again.sim, "scanner")).toBe(before);
  }, 60_000);
});
