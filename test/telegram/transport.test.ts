import { PassThrough } from "node:stream";
import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RealClock } from "../../src/clock.js";
import { safeError } from "../../src/redact.js";
import { Notifier } from "../../src/telegram/notifier.js";
import { ConsoleSink, DeliveryError, GrammySink } from "../../src/telegram/transport.js";
import { FAKE_BOT_INFO, type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.js";
import { captureLog } from "./helpers.js";

const TOKEN = "987654321:AAHfakeTelegramTokenForTests_xyz123";
const CHATS = [111, 222];

let fake: FakeTelegram;
beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await fake.close();
});

function makeBot(apiRoot = fake.url) {
  return new Bot(TOKEN, { client: { apiRoot }, botInfo: FAKE_BOT_INFO });
}

function makeSink(apiRoot?: string) {
  const logs = captureLog();
  const bot = makeBot(apiRoot);
  return { bot, logs, sink: new GrammySink({ api: bot.api, chatIds: CHATS, log: logs.log }) };
}

describe("GrammySink against the fake Bot API", () => {
  it("sends HTML to every allowed chat, split when long", async () => {
    const { sink } = makeSink();
    await sink.send("<b>hello</b> &amp; welcome");
    expect(
      fake.calls("sendMessage").map((c) => [c.params.chat_id, c.params.text, c.params.parse_mode]),
    ).toEqual([
      [111, "<b>hello</b> &amp; welcome", "HTML"],
      [222, "<b>hello</b> &amp; welcome", "HTML"],
    ]);
    await sink.send(`<pre>${"a line of a long table\n".repeat(400)}</pre>`, { targets: [111] });
    const long = fake.calls("sendMessage").slice(2);
    expect(long.length).toBeGreaterThan(1);
    expect(long.every((c) => c.params.chat_id === 111 && String(c.params.text).length <= 4096)).toBe(true);
  });

  it("retries a 429 after retry_after and delivers once", async () => {
    const { sink } = makeSink();
    fake.failNext("sendMessage", { retryAfter: 1 });
    const started = Date.now();
    await sink.send("after the flood wait", { targets: [111] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.attempts("sendMessage")).toHaveLength(2);
    expect(fake.calls("sendMessage")).toHaveLength(1);
  });

  it("turns a 500 into a DeliveryError for the chats that missed it, logs it, and keeps the token out", async () => {
    const { sink, logs } = makeSink();
    fake.failNext("sendMessage", { status: 500 });
    const err = await sink.send("hello").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ failedTargets: [111], permanent: false });
    expect(fake.calls("sendMessage").map((c) => c.params.chat_id)).toEqual([222]);
    expect(logs.text()).toContain("Telegram send failed");
    expect(JSON.stringify(safeError(err)) + String(err) + logs.text()).not.toContain(TOKEN);
  });

  it("keeps the token out of logs and errors when Telegram is unreachable or refuses the token", async () => {
    const dead = await startFakeTelegram();
    await dead.close();
    const unreachable = makeSink(dead.url);
    const err = await unreachable.sink.send("hi").catch((e: unknown) => e);
    expect(err).toMatchObject({ failedTargets: CHATS, permanent: false });

    const refused = makeSink();
    fake.failNext("sendMessage", {
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    const err401 = await refused.sink.send("hi", { targets: [111] }).catch((e: unknown) => e);
    expect(err401).toMatchObject({ permanent: true });

    const all = [unreachable.logs.text(), refused.logs.text(), String(err), String(err401)].join("\n");
    expect(all).toContain("Telegram send failed");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.split(":")[1]);
  });

  it("falls back to plain text when Telegram cannot parse the HTML", async () => {
    const { sink } = makeSink();
    fake.failNext("sendMessage", {
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: "Bad Request: can't parse entities: unexpected end tag",
      },
    });
    await sink.send("<b>bold</i> text", { targets: [111] });
    const [call] = fake.calls("sendMessage");
    expect(call?.params.text).toBe("bold text");
    expect(call?.params.parse_mode).toBeUndefined();
  });

  it("uploads a photo as multipart with its caption", async () => {
    const { sink } = makeSink();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);
    await sink.sendPhoto(png, "<b>Portfolio</b>", { targets: [111] });
    const [call] = fake.calls("sendPhoto");
    expect(call?.params).toMatchObject({ chat_id: "111", caption: "<b>Portfolio</b>", parse_mode: "HTML" });
    const attached = String(call?.params.photo).replace("attach://", "");
    expect(call?.files[attached]?.data).toEqual(png);
  });
});

describe("Notifier over the grammY sink", () => {
  it("does not throw when Telegram answers 500, logs it, and delivers on a later attempt", async () => {
    const { sink, logs } = makeSink();
    const notifier = new Notifier({
      sink,
      clock: new RealClock(),
      log: logs.log,
      mergeWindowSec: 60,
      minIntervalPerTypeSec: 30,
      retryBaseMs: 50,
    });
    fake.failNext("sendMessage", { status: 500 }, 2);
    expect(() => notifier.notify({ type: "trade", text: "<b>Bought</b>", severity: "info" })).not.toThrow();
    await fake.waitFor("sendMessage", (c) => c.params.chat_id === 111);
    await notifier.close();
    expect(fake.calls("sendMessage").map((c) => c.params.chat_id)).toEqual([111, 222]);
    expect(logs.text()).toContain("send failed");
    expect(logs.text()).not.toContain(TOKEN);
  });
});

describe("ConsoleSink", () => {
  it("prints plain text and logs it", async () => {
    const out = new PassThrough();
    let printed = "";
    out.on("data", (c: Buffer) => (printed += c.toString()));
    const logs = captureLog();
    await new ConsoleSink({ log: logs.log, out }).send("<b>Bought</b> 1 &lt;PEPE&gt;");
    expect(printed).toContain("Bought 1 <PEPE>");
    expect(logs.records()).toContainEqual(expect.objectContaining({ text: "Bought 1 <PEPE>" }));
  });
});

describe("fake Bot API with bot.start() long polling", () => {
  it("delivers pushed messages and callback queries to a polling bot", async () => {
    const bot = makeBot();
    const texts: string[] = [];
    bot.command("status", async (ctx) => {
      texts.push(ctx.message?.text ?? "");
      await ctx.reply("all good");
    });
    bot.on("callback_query:data", async (ctx) => {
      texts.push(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery({ text: "ok" });
    });
    let started = false;
    const polling = bot.start({
      onStart: () => {
        started = true;
      },
    });
    fake.pushMessage({ chatId: 5, fromId: 5, text: "/status" });
    const reply = await fake.waitFor("sendMessage", (c) => c.params.text === "all good");
    expect(reply.params.chat_id).toBe(5);
    fake.pushCallback({ chatId: 5, fromId: 5, data: "exec:1", messageId: 7 });
    await fake.waitFor("answerCallbackQuery");
    expect(texts).toEqual(["/status", "exec:1"]);
    expect(started).toBe(true);
    expect(fake.calls("deleteWebhook")).toHaveLength(1);
    await bot.stop();
    await polling;
  });
});
