import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REGISTER = fileURLToPath(new URL("./support/load-register.mjs", import.meta.url));

/** After `code`: the watched packages in the require cache (axios is loaded with require, which no ESM hook sees). */
const REQUIRED = `;{
  const { createRequire } = await import("node:module");
  const { WATCHED } = await import(${JSON.stringify(new URL("./support/load-hooks.mjs", import.meta.url).href)});
  for (const k of Object.keys(createRequire(process.cwd() + "/").cache)) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(k);
    if (m && WATCHED.test(m[1])) process.stderr.write("LOADED " + m[1] + "\\n");
  }
}`;

/**
 * The lazily loaded packages (Telegram's stack, axios) a module graph loads: imported ones as the resolve hook of
 * test/support/load-hooks.mjs saw them, required ones from the require cache.
 */
function packagesLoadedBy(code: string): string[] {
  const r = spawnSync(process.execPath, ["--import", REGISTER, "--import", "tsx", "-e", code + REQUIRED], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return [
    ...new Set(
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("LOADED "))
        .map((l) => l.slice(7)),
    ),
  ].sort();
}

describe("a lean start", () => {
  // One spawn per question, each loading the program through tsx: slow on a busy two-core machine.
  const SLOW = 90_000;

  it(
    "the program and the suite load neither grammY, auto-retry, resvg nor axios until they are needed",
    () => {
      expect(packagesLoadedBy("await import('./src/program.ts'); await import('./src/suite.ts');")).toEqual(
        [],
      );
      // The hook sees them when they are loaded: the control bot does load them.
      expect(packagesLoadedBy("await import('./src/telegram/control-bot.ts');")).toEqual(
        expect.arrayContaining(["@grammyjs/auto-retry", "@resvg/resvg-js", "grammy"]),
      );
    },
    SLOW,
  );

  it(
    "the client's first request over HTTP goes out on node:http and loads none of them, axios included",
    () => {
      // Port 1 on loopback refuses at once: the request fails, but the client's own transport had to send it. This
      // fails if the client's default transport is ever an HTTP library again (axios was until issue 15).
      const send = `const { MexcClient } = await import('./src/api/index.ts');
        const c = new MexcClient({ baseUrl: 'http://127.0.0.1:1', retry: { retries: 0 } });
        await c.ping().catch(() => {});
        c.close?.();`;
      expect(packagesLoadedBy(send)).toEqual([]);
    },
    SLOW,
  );
});

describe("npm start (scripts/start.mjs): the program from dist/, rebuilt only where a source changed", () => {
  // A copy of the project, so that dist/ and the sources can be changed without touching the worktree.
  const copy = mkdtempSync(join(tmpdir(), "mpb-start-"));
  for (const f of ["src", "scripts", "package.json", "tsconfig.json", "tsconfig.build.json"])
    cpSync(join(ROOT, f), join(copy, f), { recursive: true });
  symlinkSync(realpathSync(join(ROOT, "node_modules")), join(copy, "node_modules"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? "",
    ENV_FILE: join(copy, "no.env"),
    DATA_DIR: join(copy, "data"),
    LOG_DIR: join(copy, "logs"),
    MODE: "sim",
  };
  const start = (...args: string[]) =>
    spawnSync(process.execPath, ["scripts/start.mjs", ...args], {
      cwd: copy,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
  const SLOW = 240_000;

  it(
    "transpiles every file the first time, nothing when nothing changed, and only a changed file after",
    () => {
      const first = start("--prepare-only");
      expect(first.status, first.stderr).toBe(0);
      const [, done, all] = /preparing dist\/ \((\d+) of (\d+) files changed\)/.exec(first.stderr) ?? [];
      expect(Number(all)).toBeGreaterThan(100);
      expect(done).toBe(all);
      expect(existsSync(join(copy, "dist", "main.js"))).toBe(true);
      // A stack trace can be mapped back to the source the operator edits.
      const map = JSON.parse(readFileSync(join(copy, "dist", "api", "transport.js.map"), "utf8"));
      expect(map.sources).toEqual(["../../src/api/transport.ts"]);

      // And bundled, so that a start loads one tree-shaken graph instead of ~470 modules one by one.
      const bundleKey = () => readFileSync(join(copy, "dist", "bundle", ".key"), "utf8");
      expect(existsSync(join(copy, "dist", "bundle", "main.js"))).toBe(true);
      const firstKey = bundleKey();
      const bundleMap = JSON.parse(readFileSync(join(copy, "dist", "bundle", "main.js.map"), "utf8"));
      expect(bundleMap.sources).toContain("../../src/main.ts");

      const again = start("--prepare-only");
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toBe("");
      expect(bundleKey()).toBe(firstKey);

      writeFileSync(
        join(copy, "src", "banner.ts"),
        `${readFileSync(join(copy, "src", "banner.ts"), "utf8")}\n// edited\n`,
      );
      const edited = start("--prepare-only");
      expect(edited.stderr).toContain(`preparing dist/ (1 of ${all} files changed)`);
      expect(readFileSync(join(copy, "dist", "banner.js"), "utf8")).toContain("// edited");
      // A changed dist/ is bundled again.
      expect(bundleKey()).not.toBe(firstKey);
    },
    SLOW,
  );

  it(
    "runs the built program: a missing --config file is explained and exits 2, as from the sources",
    () => {
      const r = start("--config", "nowhere.ts");
      expect(r.stderr).toContain("Cannot use the config file nowhere.ts: it does not exist");
      expect(r.status).toBe(2);
    },
    SLOW,
  );

  it(
    "a syntax error in src/config.ts: the sources run through tsx, so the error is explained as before (exit 2)",
    () => {
      const config = join(copy, "src", "config.ts");
      writeFileSync(config, readFileSync(config, "utf8").replace("enabled: true,", "enabled: true,,"));
      const prepare = start("--prepare-only");
      expect(prepare.status).toBe(1);
      expect(prepare.stderr).toMatch(/src\/config\.ts:\d+:\d+: /);
      const r = start();
      expect(r.stderr).toContain("runs from the sources");
      expect(r.stderr).toContain("Cannot use the config file src/config.ts: it is not valid TypeScript");
      expect(r.status).toBe(2);
    },
    SLOW,
  );
});
