import { afterEach, describe, expect, it } from "vitest";
import { TELEGRAM_MAX_CHARS } from "../../src/telegram/split.js";
import type { JournalEntry } from "../../src/trading/order-state.js";
import { GROUP, type Harness, OWNER, STRANGER, startHarness, TOKEN, text } from "./control-harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const refusals = (harness: Harness) =>
  harness.logs.records().filter((r) => r.msg.includes("not in TELEGRAM_ALLOWED_CHAT_IDS"));

describe("control bot: access", () => {
  it("answers the owner in the allowed group; strangers and unlisted chats get nothing, logged once per sender", async () => {
    h = await startHarness();
    h.say("/status", STRANGER, STRANGER);
    h.say("/help", STRANGER, STRANGER);
    h.say("/pause all", GROUP, STRANGER);
    h.say("/stop", -600, OWNER); // the owner, but in a group nobody listed
    h.press("stop:keep", 1, STRANGER, STRANGER);
    const inGroup = await h.replyTo("/status", GROUP, OWNER);
    expect(text(inGroup)).toContain("SIM");
    // Only the owner's message in the allowed group was answered.
    expect(h.fake.calls("sendMessage").map((c) => Number(c.params.chat_id))).toEqual([GROUP]);
    expect(h.fake.attempts("answerCallbackQuery")).toHaveLength(0);
    expect(h.runtime.status().some((b) => b.paused)).toBe(false);
    expect(h.orders.killSwitchActive).toBe(false);
    const logged = refusals(h);
    expect(logged.map((r) => [r.fromId, r.chatId])).toEqual([
      [STRANGER, STRANGER],
      [OWNER, -600],
    ]);
  });
});

describe("control bot: long answers and a failing Telegram", () => {
  it("a long /report is split in parts of at most 4096 characters, in order", async () => {
    const body = Array.from({ length: 300 }, (_, i) => `line ${i} of the report`).join("\n");
    h = await startHarness({
      reports: async () => [{ title: "Scanner report", html: `<pre>${body}</pre>` }],
    });
    h.say("/report");
    await h.fake.waitFor("sendMessage", (c) => text(c).includes("line 299 of"));
    const parts = h.fake.calls("sendMessage").map(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= TELEGRAM_MAX_CHARS)).toBe(true);
    expect(parts[0]).toMatch(/^<b>Scanner report<\/b>\n<pre>line 0 /);
    expect(parts.every((p) => p.startsWith("<b>") || p.startsWith("<pre>"))).toBe(true);
    expect(parts.every((p) => p.endsWith("</pre>"))).toBe(true);
  });

  it("a long /orders is split too", async () => {
    const now = Date.now();
    const journal: JournalEntry[] = [];
    for (let i = 0; i < 60; i++) {
      const id = `scanner-${String(i).padStart(20, "0")}`;
      journal.push({
        clientOrderId: id,
        bot: "scanner",
        reason: `a resting order with a long explanation of why it was placed, number ${i}`,
        intent: { symbol: "BTCUSDC", side: "BUY", type: "LIMIT", quantity: "0.01", price: "2000" },
        state: "OPEN",
        orderId: String(i),
        executedQty: "0",
        cummulativeQuoteQty: "0",
        createdAt: now - i * 1000,
        updatedAt: now,
        notFound: 0,
        transitions: [],
      });
    }
    h = await startHarness({ journal });
    h.say("/orders");
    await h.fake.waitFor("sendMessage", (c) => text(c).includes("Last 0 fills"));
    const parts = h.fake.calls("sendMessage").map(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]).toContain("Open orders (60)");
    expect(parts.every((p) => p.length <= TELEGRAM_MAX_CHARS)).toBe(true);
    expect(parts.join("\n")).toContain("number 59");
  });

  it("Telegram answering 429 then 500 to sendMessage does not lose the reply, and the bot answers on", async () => {
    h = await startHarness();
    h.fake.failNext("sendMessage", { retryAfter: 1 });
    h.fake.failNext("sendMessage", { status: 500 });
    const reply = await h.replyTo("/status");
    expect(text(reply)).toContain("SIM");
    expect(h.fake.attempts("sendMessage").map((c) => c.status)).toEqual([429, 500, 200]);
    expect(text(await h.replyTo("/help"))).toContain("/status");
    expect(h.logs.text()).not.toContain(TOKEN);
  });

  it("a handler whose every answer fails is logged without the token, and the next command is answered", async () => {
    h = await startHarness();
    const refused = { ok: false, error_code: 400, description: "Bad Request: chat not found" };
    h.fake.failNext("sendMessage", { status: 400, body: refused }, 2);
    h.say("/status");
    const reply = await h.replyTo("/help");
    expect(text(reply)).toContain("/status");
    expect(h.fake.attempts("sendMessage").map((c) => c.status)).toEqual([400, 400, 200]);
    const failed = h.logs.records().find((r) => r.msg === "a Telegram update could not be handled");
    expect(failed).toBeDefined();
    expect(JSON.stringify(failed)).toContain("chat not found");
    expect(h.logs.text()).not.toContain(TOKEN);
    expect(h.logs.text()).not.toContain(TOKEN.split(":")[1]);
  });

  it("an exchange failure becomes a one-line answer, not silence", async () => {
    h = await startHarness();
    await h.ex.close(); // the exchange is gone
    const reply = text(await h.replyTo("/portfolio"));
    expect(reply).toMatch(/^⚠️ \/portfolio failed: /);
  });
});
