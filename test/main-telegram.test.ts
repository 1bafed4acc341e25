import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSim } from "../src/sim/index.js";
import { type FakeTelegram, startFakeTelegram } from "./support/fake-telegram.js";
import { isolatedEnv, type Spawned, spawnTsx } from "./support/spawn.js";

const OWNER = 4242;
const TOKEN = "123456:TEST-token-for-the-fake-bot-api";

let fake: FakeTelegram | undefined;
let run: Spawned | undefined;
afterEach(async () => {
  run?.child.kill("SIGKILL");
  await fake?.close();
  fake = undefined;
  run = undefined;
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const decided = (stdout: string, bot: string) =>
  stdout.split("\n").some((l) => l.includes('"msg":"decision"') && l.includes(`"bot":"${bot}"`));

describe("npm start with Telegram", () => {
  it("answers every command through a Bot API server, and reports and alerts arrive there", async () => {
    fake = await startFakeTelegram();
    const dir = mkdtempSync(join(tmpdir(), "mpb-main-tg-"));
    run = spawnTsx(
      "src/main.ts",
      [],
      isolatedEnv(dir, {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_ALLOWED_CHAT_IDS: String(OWNER),
        TELEGRAM_API_ROOT: fake.url,
      }),
    );
    const f = fake;
    await f.waitFor("sendMessage", (c) => String(c.params.text).includes("started"), 30_000);
    const menu = await f.waitFor("setMyCommands", () => true, 10_000);
    const commands = (menu.params.commands as { command: string }[]).map((c) => c.command);
    for (const c of [
      "status",
      "portfolio",
      "pnl",
      "orders",
      "bots",
      "pause",
      "resume",
      "stop",
      "report",
      "chart",
      "config",
    ])
      expect(commands).toContain(c);

    const ask = async (text: string, expected: RegExp, method = "sendMessage") => {
      const before = f.calls(method).length;
      f.pushMessage({ chatId: OWNER, fromId: OWNER, text });
      // Reports go to the same chat: the reply is the next message to it that says what the command shows.
      const reply = await f.waitFor(
        method,
        (c) =>
          f.calls(method).indexOf(c) >= before &&
          Number(c.params.chat_id) === OWNER &&
          expected.test(String(c.params.text ?? c.params.caption ?? "")),
        20_000,
      );
      return reply;
    };
    await ask("/status", /SIM/);
    await ask("/portfolio", /USDT|USDC/);
    await ask("/pnl", /PnL|no fills|position/i);
    await ask("/orders", /[Oo]rder/);
    await ask("/bots", /scanner/);
    await ask("/pause alts", /alts/);
    await ask("/resume alts", /alts/);
    await ask("/config", /scanner/i);
    await ask("/report", /Orders report/);
    await ask("/chart", /./, "sendPhoto");
    await ask("/nonsense", /\/help/);

    // A stranger gets nothing at all.
    const sent = f.calls("sendMessage").length;
    f.pushMessage({ chatId: 999, fromId: 999, text: "/status" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(f.calls("sendMessage").filter((c) => Number(c.params.chat_id) === 999)).toEqual([]);
    expect(f.calls("sendMessage").length).toBeGreaterThanOrEqual(sent);

    const r = run;
    r.child.kill("SIGINT");
    expect((await r.exited).code).toBe(0);
    expect(f.calls("sendMessage").some((c) => String(c.params.text).includes("Stopping"))).toBe(true);
    // The token never reaches the log or the console.
    expect(r.out.stdout + r.out.stderr).not.toContain(TOKEN);
  }, 120_000);
});

describe("npm start in paper mode", () => {
  it("trades on the simulator's account with market data from a second simulator standing in for MEXC", async () => {
    const upstream = await startSim({ port: 0, seed: 7, generatedAlts: 20, rateLimit: { enabled: false } });
    try {
      const dir = mkdtempSync(join(tmpdir(), "mpb-main-paper-"));
      run = spawnTsx("src/main.ts", [], isolatedEnv(dir, { MODE: "paper", MEXC_BASE_URL: upstream.url }));
      const r = run;
      await waitFor(() => r.out.stdout.includes("started; stop with"), 60_000);
      expect(r.out.stdout).toContain("mode: PAPER");
      await waitFor(() => ["pnl", "balancer", "reporter"].every((b) => decided(r.out.stdout, b)), 60_000);
      // Prices came from the upstream: it was asked for market data.
      expect(Object.keys(upstream.sim.stats.requests).some((k) => k.includes("/api/v3/"))).toBe(true);
      r.child.kill("SIGINT");
      expect((await r.exited).code).toBe(0);
    } finally {
      await upstream.close();
    }
  }, 120_000);
});
