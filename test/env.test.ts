import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../src/env.js";

const TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk";

function problems(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (e) {
    if (e instanceof EnvError) return e.message;
    throw e;
  }
  throw new Error("expected the environment to be rejected");
}

describe("env", () => {
  it("defaults to sim mode with data/ and logs/ and no keys", () => {
    const env = parseEnv({});
    expect(env.mode).toBe("sim");
    expect(env.dataDir).toBe("data");
    expect(env.logDir).toBe("logs");
    expect(env.mexcKeys).toBeUndefined();
    expect(env.liveTrading).toBe(false);
    expect(env.telegram).toBeUndefined();
  });

  it("refuses live mode without keys or without LIVE_TRADING=yes, saying what is missing", () => {
    expect(problems({ MODE: "live" })).toMatch(/MEXC_API_KEY.*MODE=live needs MEXC_API_KEY/s);
    const msg = problems({ MODE: "live", MEXC_API_KEY: "k".repeat(20), MEXC_API_SECRET: "s".repeat(32) });
    expect(msg).toContain("LIVE_TRADING");
    expect(problems({ MODE: "live", LIVE_TRADING: "true" })).toContain('exactly "yes"');
  });

  it("accepts live mode with keys and LIVE_TRADING=yes", () => {
    const env = parseEnv({
      MODE: "live",
      MEXC_API_KEY: "mx0vglKEY123456",
      MEXC_API_SECRET: "SECRET0123456789",
      LIVE_TRADING: "yes",
    });
    expect(env.liveTrading).toBe(true);
  });

  it("refuses a bot token without an allow-list and says how to find an id", () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN })).toContain("@userinfobot");
  });

  it("parses the allow-list, including negative group ids", () => {
    const env = parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_CHAT_IDS: "12345, -100987" });
    expect(env.telegram?.allowedIds).toEqual([12345, -100987]);
  });

  it("parses the read-only viewers, and refuses a list that is not of user ids", () => {
    const env = parseEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_ALLOWED_CHAT_IDS: "12345",
      TELEGRAM_VIEWER_IDS: " 777, 888 ",
    });
    expect(env.telegram?.viewerIds).toEqual([777, 888]);
    expect(
      parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_CHAT_IDS: "1" }).telegram?.viewerIds,
    ).toEqual([]);
    for (const bad of ["777;888", "@alice", "-100987", "7,"]) {
      const msg = problems({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_ALLOWED_CHAT_IDS: "1",
        TELEGRAM_VIEWER_IDS: bad,
      });
      expect(msg).toContain(
        "TELEGRAM_VIEWER_IDS must be a comma-separated list of numeric Telegram user ids",
      );
    }
  });

  it("rejects a bad mode, URL and level by name", () => {
    const msg = problems({ MODE: "demo", MEXC_BASE_URL: "ftp://x", LOG_LEVEL: "loud" });
    expect(msg).toContain("MODE");
    expect(msg).toContain("MEXC_BASE_URL");
    expect(msg).toContain("LOG_LEVEL");
  });

  it("refuses plain http where a key or token would cross the network, except to this machine", () => {
    const live = { MODE: "live", LIVE_TRADING: "yes", MEXC_API_KEY: "k", MEXC_API_SECRET: "s" };
    expect(problems({ ...live, MEXC_BASE_URL: "http://api.mexc.com" })).toContain(
      "MEXC_BASE_URL is plain http while MODE=live",
    );
    for (const local of [
      "http://127.0.0.1:8080",
      "http://localhost:9",
      "http://[::1]:9",
      "https://api.mexc.com",
    ])
      expect(parseEnv({ ...live, MEXC_BASE_URL: local }).mexcBaseUrl).toBe(local);
    // Paper mode sends no key: its public market data may come over http.
    expect(parseEnv({ MODE: "paper", MEXC_BASE_URL: "http://mirror.example" }).mode).toBe("paper");
    const tg = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_CHAT_IDS: "1" };
    expect(problems({ ...tg, TELEGRAM_API_ROOT: "http://bot.example" })).toContain(
      "TELEGRAM_API_ROOT is plain http",
    );
    expect(parseEnv({ ...tg, TELEGRAM_API_ROOT: "http://127.0.0.1:8081" }).telegram?.apiRoot).toBe(
      "http://127.0.0.1:8081",
    );
  });

  it("refuses a Telegram id that is 0 or too long to read exactly, naming it", () => {
    const tg = { TELEGRAM_BOT_TOKEN: TOKEN };
    for (const bad of ["0", "-0", "99999999999999999999", "12345678901234567"]) {
      const msg = problems({ ...tg, TELEGRAM_ALLOWED_CHAT_IDS: `5,${bad}` });
      expect(msg).toContain(`TELEGRAM_ALLOWED_CHAT_IDS has ${bad}: a Telegram id`);
    }
    expect(problems({ ...tg, TELEGRAM_ALLOWED_CHAT_IDS: "5", TELEGRAM_VIEWER_IDS: "0" })).toContain(
      "TELEGRAM_VIEWER_IDS has 0",
    );
    expect(
      parseEnv({ ...tg, TELEGRAM_ALLOWED_CHAT_IDS: "-1001234567890,4503599627370495" }).telegram?.allowedIds,
    ).toEqual([-1001234567890, 4503599627370495]);
  });

  it("names the variables that are set but have no effect", () => {
    expect(parseEnv({}).ignored).toEqual([]);
    expect(parseEnv({ LIVE_TRADING: "yes", TELEGRAM_ALLOWED_CHAT_IDS: "5" }).ignored).toEqual([
      "LIVE_TRADING=yes has no effect with MODE=sim: no real order is sent",
      "TELEGRAM_ALLOWED_CHAT_IDS has no effect without TELEGRAM_BOT_TOKEN: Telegram is off",
    ]);
    expect(parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_CHAT_IDS: "5" }).ignored).toEqual([]);
  });

  it("never shows a secret's value, in errors or when printed", () => {
    const secret = "SuperSecretValue123456";
    const msg = problems({ MEXC_API_SECRET: secret });
    expect(msg).not.toContain(secret);
    const env = parseEnv({
      MEXC_API_KEY: "mx0vglKEY123456",
      MEXC_API_SECRET: secret,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_ALLOWED_CHAT_IDS: "1",
    });
    const printed = [
      JSON.stringify(env),
      inspect(env, { depth: 10 }),
      String(env.mexcKeys?.apiSecret),
      `${env.telegram?.token}`,
    ].join("\n");
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(TOKEN);
    expect(env.mexcKeys?.apiSecret.reveal()).toBe(secret);
  });
});
