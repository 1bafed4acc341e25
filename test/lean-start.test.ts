import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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
    "axios comes in with the first request over HTTP",
    () => {
      // Port 1 on loopback refuses at once: the request fails, but axios had to be loaded to send it.
      const send = `const { AxiosTransport } = await import('./src/api/transport.ts');
        const t = new AxiosTransport({ clock: { now: () => 0 }, timeoutMs: 2000 });
        await t.send({ method: 'GET', url: 'http://127.0.0.1:1/api/v3/ping', headers: {} }).catch(() => {});
        t.close();`;
      expect(packagesLoadedBy(send)).toEqual(["axios"]);
    },
    SLOW,
  );
});
