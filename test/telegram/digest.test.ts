import { Bot } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { Notifier } from "../../src/telegram/notifier.js";
import type { MessageSink } from "../../src/telegram/sink.js";
import { GrammySink } from "../../src/telegram/transport.js";
import { FAKE_BOT_INFO, type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.js";
import { captureLog } from "./helpers.js";

const SEC = 1000;
const TOKEN = "987654321:AAHfakeTelegramTokenForTests_xyz123";
const CHAT = 111;
/** The shipped levels: what an owner who changed nothing gets. */
const { levels, tradeDigestSec } = parseConfig(userConfig).telegram;

let fake: FakeTelegram | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The notifier as the suite builds it, delivering through the real grammY sink to the fake Bot API. */
async function setup() {
  fake = await startFakeTelegram();
  const clock = new VirtualClock();
  const logs = captureLog();
  const bot = new Bot(TOKEN, { client: { apiRoot: fake.url }, botInfo: FAKE_BOT_INFO });
  const sink: MessageSink = new GrammySink({ api: bot.api, chatIds: [CHAT], log: logs.log });
  const notifier = new Notifier({
    sink,
    clock,
    log: logs.log,
    mergeWindowSec: 60,
    minIntervalPerTypeSec: 30,
    levels,
    tradeDigestSec,
  });
  const f = fake;
  const texts = () => f.calls("sendMessage").map((c) => String(c.params.text));
  /**
   * Waits until the fake Bot API has received `n` messages in all and the notifier has seen its answers: moving
   * the virtual clock past a send still in flight would time it out and send it again.
   */
  const received = async (n: number, left = 0) => {
    await f.waitFor("sendMessage", () => f.calls("sendMessage").length >= n);
    await vi.waitFor(() => expect(notifier.pending).toBe(left));
    return texts();
  };
  const fill = (id: string) =>
    notifier.notify({ type: "trade", key: id, severity: "info", text: `✅ buyer: BUY BTCUSDC filled ${id}` });
  return { clock, logs, notifier, texts, received, fill, fake: f };
}

describe("quiet by default: the trade digest", () => {
  it("sends every alert at once and on its own, never inside the digest", async () => {
    const { clock, notifier, received, texts, fill } = await setup();
    fill("o1");
    notifier.notify({ type: "trade-failed", key: "o2", severity: "alert", text: "❌ o2 rejected" });
    fill("o3");
    // A proposal is worded as info by its renderer; its level makes it an alert.
    notifier.notify({ type: "proposal", key: "p1", severity: "info", text: "📝 scanner proposes p1" });
    notifier.notify({ type: "kill-switch", severity: "alert", text: "🛑 Kill switch ON" });
    notifier.notify({ type: "bot-failing", key: "alts", severity: "alert", text: "⚠️ bot alts is failing" });
    await clock.advance(0);
    expect(await received(4, 1)).toEqual([
      "❌ o2 rejected",
      "📝 scanner proposes p1",
      "🛑 Kill switch ON",
      "⚠️ bot alts is failing",
    ]);
    await clock.advance(tradeDigestSec * SEC);
    const all = await received(5);
    expect(all).toHaveLength(5);
    expect(all[4]).toContain("<b>2 trades</b>");
    expect(all[4]).toContain("filled o1");
    expect(all[4]).toContain("filled o3");
    for (const alert of all.slice(0, 4)) expect(texts().filter((t) => t.includes(alert))).toHaveLength(1);
    expect(notifier.sent).toMatchObject({ alert: 4, trade: 1 });
  });

  it("gathers the trades of one interval into one message, and starts the next interval with the next trade", async () => {
    const { clock, received, texts, fill } = await setup();
    fill("a");
    await clock.advance(100 * SEC);
    fill("b");
    await clock.advance(700 * SEC);
    fill("c");
    expect(texts()).toEqual([]);
    await clock.advance(100 * SEC); // 900 s after the first trade
    const [first] = await received(1);
    expect(first).toContain("<b>3 trades</b> in the last 15 min");
    for (const id of ["filled a", "filled b", "filled c"]) expect(first).toContain(id);

    await clock.advance(100 * SEC);
    fill("d");
    await clock.advance((tradeDigestSec - 1) * SEC);
    expect(texts()).toHaveLength(1);
    await clock.advance(SEC);
    const after = await received(2);
    expect(after[1]).toContain("<b>1 trade</b> in");
    expect(after[1]).toContain("filled d");
    expect(after[1]).not.toContain("filled a");
  });

  it("an hour without trades sends nothing at all", async () => {
    const { clock, texts, notifier } = await setup();
    await clock.advance(3600 * SEC);
    expect(texts()).toEqual([]);
    expect(notifier.pending).toBe(0);
  });

  it("sends the waiting digest at a clean stop, so no trade goes unheard", async () => {
    const { clock, notifier, received, fill, logs } = await setup();
    fill("x");
    fill("y");
    await clock.advance(60 * SEC);
    await notifier.close();
    const [digest] = await received(1);
    expect(digest).toContain("<b>2 trades</b>");
    fill("late");
    await clock.advance(tradeDigestSec * SEC);
    expect(logs.text()).toContain("message after shutdown, not sent");
  });

  it("holds the periodic reports for the daily report instead of sending them", async () => {
    const { clock, notifier, texts } = await setup();
    for (let i = 0; i < 5; i++)
      notifier.notify({ type: "report:scanner", severity: "info", text: "<b>Market scan</b>\nBTC 0.8" });
    notifier.notify({ type: "report:reporter", severity: "info", text: "<b>Orders report</b>\n3 open" });
    await clock.advance(3600 * SEC);
    expect(texts()).toEqual([]);
    expect(notifier.held.total).toBe(6);
    const summary = notifier.held.take().join("\n");
    expect(summary).toContain("Market scan ×5");
    expect(summary).toContain("Orders report ×1");
    expect(notifier.held.total).toBe(0);
  });

  it("a level from the config overrides the default: a rate limit made an alert is sent at once", async () => {
    fake = await startFakeTelegram();
    const clock = new VirtualClock();
    const logs = captureLog();
    const sent: string[] = [];
    const notifier = new Notifier({
      sink: { send: async (t) => void sent.push(t) },
      clock,
      log: logs.log,
      mergeWindowSec: 60,
      minIntervalPerTypeSec: 30,
      levels: { ...levels, "api-rate-limited": "alert", trade: "alert" },
      tradeDigestSec,
    });
    notifier.notify({ type: "api-rate-limited", severity: "info", text: "429" });
    notifier.notify({ type: "trade", severity: "info", text: "filled" });
    await clock.advance(0);
    expect(sent).toEqual(["429", "filled"]);
  });
});
