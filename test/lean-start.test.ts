import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REGISTER = fileURLToPath(new URL("./support/load-register.mjs", import.meta.url));

/** The Telegram packages a module graph loads, as the resolve hook of test/support/load-hooks.mjs saw them. */
function telegramPackagesLoadedBy(code: string): string[] {
  const r = spawnSync(process.execPath, ["--import", REGISTER, "--import", "tsx", "-e", code], {
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
  it("the program and the suite load neither grammY, auto-retry nor resvg until a Telegram token asks for them", () => {
    expect(
      telegramPackagesLoadedBy("await import('./src/program.ts'); await import('./src/suite.ts');"),
    ).toEqual([]);
    // The hook sees them when they are loaded: the control bot does load them.
    expect(telegramPackagesLoadedBy("await import('./src/telegram/control-bot.ts');")).toEqual(
      expect.arrayContaining(["@grammyjs/auto-retry", "@resvg/resvg-js", "grammy"]),
    );
  });
});
