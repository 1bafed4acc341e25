import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogs } from "../src/log.js";
import { clearRegisteredSecrets, registerSecret } from "../src/redact.js";

const SECRET = "a1b2c3d4e5f6TopSecretApiSecret99";
const API_KEY = "mx0vglFakeApiKeyForTests42";
const SIGNATURE = "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a";
const BOT_TOKEN = "987654321:AAHfakeTelegramTokenForTests_xyz123";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mpb-log-"));
}

function allText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

afterEach(() => clearRegisteredSecrets());

describe("log redaction", () => {
  it("keeps secrets, signatures, API-key headers and bot tokens out of files and console", async () => {
    registerSecret(SECRET);
    registerSecret(API_KEY);
    registerSecret(BOT_TOKEN);
    const dir = tempDir();
    const consoleOut = new PassThrough();
    let consoleText = "";
    consoleOut.on("data", (c: Buffer) => (consoleText += c.toString()));
    const logs = createLogs({ dir, level: "trace", console: "pretty", consoleStream: consoleOut });
    const log = logs.child("api");

    // Shaped like an AxiosError: the request config carries the header and the signed URL.
    const axiosLike = Object.assign(
      new Error(`Request failed: https://api.mexc.com/api/v3/order?signature=${SIGNATURE}`),
      {
        name: "AxiosError",
        code: "ECONNRESET",
        config: { headers: { "X-MEXC-APIKEY": API_KEY }, url: `/api/v3/order?x=1&signature=${SIGNATURE}` },
        request: { _header: `POST /api/v3/order HTTP/1.1\r\nX-MEXC-APIKEY: ${API_KEY}\r\n` },
      },
    );
    // Shaped like grammY's HttpError: the token is in the URL of the wrapped error.
    const grammyLike = Object.assign(new Error("Network request for 'sendMessage' failed!"), {
      name: "HttpError",
      error: new Error(`request to https://api.telegram.org/bot${BOT_TOKEN}/sendMessage failed`),
    });
    grammyLike.cause = grammyLike.error;

    log.error({ err: axiosLike }, "order failed");
    log.warn({ error: grammyLike }, "telegram failed");
    log.info({ nested: { e: axiosLike } }, "nested error");
    log.debug({ headers: { "X-MEXC-APIKEY": API_KEY }, apiSecret: SECRET, signature: SIGNATURE }, "request");
    log.info(
      `raw text ${SECRET} ${API_KEY} signature=${SIGNATURE} https://api.telegram.org/bot${BOT_TOKEN}/getMe`,
    );
    log.info(
      { url: `/api/v3/account?timestamp=1&signature=${SIGNATURE}`, header: `x-mexc-apikey: ${API_KEY}` },
      "url",
    );
    await logs.close();

    const written = allText(dir);
    expect(written).toContain("order failed");
    expect(written).toContain("ECONNRESET");
    for (const leaked of [SECRET, API_KEY, SIGNATURE, BOT_TOKEN]) {
      expect(written).not.toContain(leaked);
      expect(consoleText).not.toContain(leaked);
    }
    expect(written).toContain("[redacted]");
  });

  it("scrubs signatures and tokens by shape even when they were never registered", async () => {
    const dir = tempDir();
    const logs = createLogs({ dir, console: "none" });
    logs.root.info(`GET /api/v3/order?signature=${SIGNATURE} bot${BOT_TOKEN}/sendMessage`);
    await logs.close();
    const written = allText(dir);
    expect(written).not.toContain(SIGNATURE);
    expect(written).not.toContain(BOT_TOKEN);
  });
});

describe("log rotation", () => {
  it("rotates by size, keeps a fixed current name, and `tail -F` loses no line", async () => {
    const dir = tempDir();
    const file = join(dir, "bot.log");
    const logs = createLogs({ dir, console: "none", maxSize: "20K", maxFiles: 50 });
    logs.root.info("line 0");
    // tail -F follows the name across renames, as an operator would.
    const tail = spawn("tail", ["-F", "-n", "+1", "-s", "0.05", file], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let seen = "";
    tail.stdout.on("data", (c: Buffer) => (seen += c.toString()));
    await new Promise((r) => setTimeout(r, 300));

    // Bursts of 20 lines (a busy scan) with short pauses; the file rotates every ~8 bursts.
    const N = 1_000;
    for (let i = 1; i <= N; i++) {
      logs.root.info({ i, pad: "x".repeat(60) }, `line ${i}`);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 40));
    }
    await logs.close();
    await new Promise((r) => setTimeout(r, 1_000));
    tail.kill();

    const files = readdirSync(dir);
    expect(files).toContain("bot.log");
    expect(files.filter((f) => /^bot\.log\.\d{8}-\d{6}-\d+$/.test(f)).length).toBeGreaterThan(3);
    const numbers = new Set(
      seen
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { i?: number }).i)
        .filter((i): i is number => typeof i === "number"),
    );
    const missing = Array.from({ length: N }, (_, k) => k + 1).filter((i) => !numbers.has(i));
    expect(missing).toEqual([]);
  });
});
