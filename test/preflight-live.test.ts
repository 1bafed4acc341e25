import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RealClock } from "../src/clock.js";
import { runPreflightOrExplain } from "../src/preflight.js";
import { captureLog } from "./bots/helpers.js";
import { config, exchanges, type Running } from "./support/preflight.js";
import { isolatedEnv, spawnTsx } from "./support/spawn.js";

const exchange = exchanges();

describe("runPreflightOrExplain", () => {
  it("prints the checks and lets the program go on when they pass", async () => {
    const ex = await exchange();
    let out = "";
    let err = "";
    const code = await runPreflightOrExplain({
      client: ex.client,
      config: config(),
      mode: "sim",
      clock: new RealClock(),
      log: captureLog().log,
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    expect(code).toBeUndefined();
    expect(out).toContain("Pre-flight checks (SIM):");
    expect(out).toContain("PASS  api key");
    expect(err).toBe("");
  });

  it("explains a failure on stderr and answers exit code 2", async () => {
    const ex = await exchange({
      client: { apiSecret: "another-wrong-secret-value" },
    });
    let out = "";
    let err = "";
    const code = await runPreflightOrExplain({
      client: ex.client,
      config: config(),
      mode: "live",
      clock: new RealClock(),
      log: captureLog().log,
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    expect(code).toBe(2);
    expect(out).toContain("FAIL  api key");
    expect(err).toContain("Pre-flight checks failed (LIVE): 1 problem, no bot was started.");
    expect(out + err).not.toContain("another-wrong-secret-value");
  });
});

describe("live mode refuses an incomplete environment before any request", () => {
  const secret = "live-secret-never-printed-0123456789";
  it.each<{ missing: string; vars: Record<string, string> }>([
    {
      missing: "LIVE_TRADING",
      vars: {
        MODE: "live",
        MEXC_API_KEY: "live-key-abcdefghij",
        MEXC_API_SECRET: secret,
      },
    },
    {
      missing: "MEXC_API_SECRET",
      vars: {
        MODE: "live",
        MEXC_API_KEY: "live-key-abcdefghij",
        LIVE_TRADING: "yes",
      },
    },
    {
      missing: "MEXC_API_KEY",
      vars: { MODE: "live", MEXC_API_SECRET: secret, LIVE_TRADING: "yes" },
    },
  ])("exit 2 naming $missing when it is missing", async ({ vars, missing }) => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-live-"));
    const child = spawnTsx("src/main.ts", [], isolatedEnv(dir, vars));
    const { code } = await child.exited;
    expect(code).toBe(2);
    expect(child.out.stderr).toContain(missing);
    expect(child.out.stdout + child.out.stderr).not.toContain(secret);
  });
});

/** autoTrade chosen (false) for every bot: live mode without Telegram passes the pre-flight with a warning. */
const CHOSEN = "test/fixtures/proposals-config.ts";

describe("live mode against a simulator standing in for MEXC", () => {
  function startLive(ex: Running, extra: Record<string, string> = {}, args = ["--config", CHOSEN]) {
    const dir = mkdtempSync(join(tmpdir(), "mpb-live-"));
    const vars = {
      MODE: "live",
      MEXC_API_KEY: "sim-api-key",
      MEXC_API_SECRET: "sim-api-secret",
      LIVE_TRADING: "yes",
      MEXC_BASE_URL: ex.url,
      ...extra,
    };
    return spawnTsx("src/main.ts", args, isolatedEnv(dir, vars));
  }

  it("exits 2 without Telegram when the bots leave autoTrade unset, saying what to do", async () => {
    const ex = await exchange();
    const live = startLive(ex, {}, []);
    const { code } = await live.exited;
    expect(code).toBe(2);
    expect(live.out.stderr).toContain("  - approvals: no Telegram bot is configured");
    expect(live.out.stderr).toContain("TELEGRAM_BOT_TOKEN");
    expect(live.out.stdout).not.toContain("started; stop with");
  }, 60_000);

  it("passes the pre-flight, starts LIVE and stops cleanly", async () => {
    const ex = await exchange();
    const live = startLive(ex);
    const until = Date.now() + 30_000;
    while (!live.out.stdout.includes("started; stop with") && live.child.exitCode === null) {
      if (Date.now() > until) throw new Error(`not started:\n${live.out.stdout}\n${live.out.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(live.out.stdout).toContain("Pre-flight checks (LIVE):");
    expect(live.out.stdout).toContain("PASS  api key");
    expect(live.out.stdout).toContain("LIVE TRADING");
    live.child.kill("SIGTERM");
    expect((await live.exited).code).toBe(0);
  }, 60_000);

  it.each([
    {
      what: "a wrong secret",
      check: "api key",
      extra: { MEXC_API_SECRET: "wrong-live-secret-0123456789" },
    },
    { what: "a skewed clock", check: "clock", skew: 5_000 },
  ])(
    "exits 2 before any bot starts on $what, naming the $check check",
    async ({ check, extra, skew }) => {
      const ex = await exchange();
      if (skew) ex.sim.faults.skewClock(skew);
      const live = startLive(ex, extra);
      const { code } = await live.exited;
      expect(code).toBe(2);
      expect(live.out.stderr).toContain("Pre-flight checks failed (LIVE)");
      expect(live.out.stderr).toContain(`  - ${check}: `);
      expect(live.out.stdout).not.toContain("started; stop with");
      expect(live.out.stdout + live.out.stderr).not.toContain("wrong-live-secret-0123456789");
    },
    60_000,
  );
});
