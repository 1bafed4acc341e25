import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isolatedEnv, spawnTsx } from "./support/spawn.js";

function start(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mpb-main-"));
  const run = spawnTsx("src/main.ts", args, isolatedEnv(dir, env));
  return { ...run, exited: run.exited.then((e) => e.code), dir };
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopWith(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<number | null>) {
  child.kill(signal);
  return exited;
}

/** The console is JSON lines when not a terminal: a decision line of that bot. */
const decided = (stdout: string, bot: string) =>
  stdout.split("\n").some((l) => l.includes('"msg":"decision"') && l.includes(`"bot":"${bot}"`));

describe("main", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "prints the mode banner with paths and exits 0 on %s",
    async (signal) => {
      const run = start([]);
      await waitFor(() => run.out.stdout.includes("started; stop with"));
      expect(run.out.stdout).toContain("mode: SIM");
      // Every bot's first decision and a first report reach the console.
      const bots = ["scanner", "buyer", "pnl", "alts", "balancer", "reporter"];
      await waitFor(() => bots.every((b) => decided(run.out.stdout, b)), 40_000);
      expect(run.out.stdout).toContain("Orders report");
      expect(run.out.stdout).toContain("SIMULATED");
      expect(run.out.stdout).toContain(join(run.dir, "data", "sim"));
      expect(run.out.stdout).toContain(join(run.dir, "logs", "bot.log"));
      expect(await stopWith(run.child, signal, run.exited)).toBe(0);
      expect(run.out.stdout).toContain(`Stopping (${signal})`);
      expect(run.out.stdout).toContain("stopped cleanly");
      expect(existsSync(join(run.dir, "data", "sim", "state.json"))).toBe(true);
      expect(existsSync(join(run.dir, "data", "sim", "state.json.lock"))).toBe(false);
    },
    60_000,
  );

  it("exits 2 on an invalid config, naming key, value and rule, before creating any state", async () => {
    const run = start(["--config", "test/fixtures/bad-config.ts"]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain("scanner.intervalSec = -5: must be more than 0");
    expect(existsSync(join(run.dir, "data"))).toBe(false);
  });

  it("names the --config file, not src/config.ts, in its errors", async () => {
    const run = start(["--config", "test/fixtures/bad-config.ts"]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain("test/fixtures/bad-config.ts has 1 invalid value");
    expect(run.out.stderr).not.toContain("src/config.ts has");
    expect(run.out.stderr).toContain("Fix the value(s) in test/fixtures/bad-config.ts");
  });

  it("exits 2 naming the file and the line of a syntax error in the --config file, without a stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mpb-cfg-")), "broken-config.ts");
    writeFileSync(file, "export const userConfig = {\n  scanner: { enabled: true,, }\n};\n");
    const run = start(["--config", file]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain(file);
    expect(run.out.stderr).toMatch(/broken-config\.ts:2/);
    expect(run.out.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(run.dir, "data"))).toBe(false);
  });

  it("exits 2 naming a --config file that does not exist", async () => {
    const run = start(["--config", "nope.ts"]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain("nope.ts");
    expect(run.out.stderr).toContain("does not exist");
    expect(run.out.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([[["--config"]], [["--config", "--other"]], [["--config="]]])(
    "exits 2 on --config without a file name (%j)",
    async (args) => {
      const run = start(args);
      expect(await run.exited).toBe(2);
      expect(run.out.stderr).toContain("--config needs a file name");
      expect(existsSync(join(run.dir, "data"))).toBe(false);
    },
  );

  it("exits 2 on an invalid environment and says what is missing", async () => {
    const run = start([], { MODE: "live" });
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toContain("MEXC_API_KEY");
    expect(run.out.stderr).toContain("LIVE_TRADING");
  });
});
