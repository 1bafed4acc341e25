import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { AccessGuard, isAllowed } from "../../src/telegram/access.js";
import { captureLog } from "./helpers.js";

const OWNER = 1001;
const GROUP = -500;
const allowed = new Set([OWNER, GROUP]);

describe("isAllowed: both the sender and the chat", () => {
  it.each([
    ["the owner in their private chat", { chatId: OWNER, chatType: "private", fromId: OWNER }, true],
    ["the owner in the listed group", { chatId: GROUP, chatType: "supergroup", fromId: OWNER }, true],
    ["a stranger in their private chat", { chatId: 7, chatType: "private", fromId: 7 }, false],
    ["a stranger in the listed group", { chatId: GROUP, chatType: "group", fromId: 7 }, false],
    ["the owner in a group nobody listed", { chatId: -600, chatType: "group", fromId: OWNER }, false],
    // Telegram shows an anonymous admin as @GroupAnonymousBot: nobody can tell who it is.
    [
      "an anonymous admin in the listed group",
      { chatId: GROUP, chatType: "supergroup", fromId: 1087968824 },
      false,
    ],
    ["a private chat whose id is not the sender's", { chatId: 7, chatType: "private", fromId: OWNER }, false],
    ["no sender (a channel post)", { chatId: GROUP, chatType: "channel", fromId: undefined }, false],
    [
      "no chat (a button on an inline message)",
      { chatId: undefined, chatType: undefined, fromId: OWNER },
      false,
    ],
  ])("%s → %s", (_what, subject, expected) => {
    expect(isAllowed(subject, allowed)).toBe(expected);
  });

  it("denies everyone when the list is empty", () => {
    expect(isAllowed({ chatId: OWNER, chatType: "private", fromId: OWNER }, new Set())).toBe(false);
  });
});

describe("AccessGuard: refusals are logged once per sender per hour", () => {
  it("logs the first attempt, stays quiet within the hour, logs again after it", async () => {
    const clock = new VirtualClock();
    const logs = captureLog();
    const guard = new AccessGuard({ allowedIds: [OWNER], clock, log: logs.log });
    const stranger = { chatId: 7, chatType: "private", fromId: 7, kind: "message", username: "eve" };
    const other = { chatId: 8, chatType: "private", fromId: 8, kind: "callback" };
    const count = () =>
      logs.records().filter((r) => r.msg.includes("not in TELEGRAM_ALLOWED_CHAT_IDS")).length;

    expect(guard.check(stranger)).toBe(false);
    expect(guard.check(stranger)).toBe(false);
    expect(guard.check(other)).toBe(false);
    expect(count()).toBe(2);
    expect(logs.records()[0]).toMatchObject({
      fromId: 7,
      chatId: 7,
      username: "eve",
      kind: "message",
      level: 40,
    });
    await clock.advance(59 * 60_000);
    guard.check(stranger);
    expect(count()).toBe(2);
    await clock.advance(60_000);
    guard.check(stranger);
    expect(count()).toBe(3);
    expect(guard.check({ chatId: OWNER, chatType: "private", fromId: OWNER, kind: "message" })).toBe(true);
    expect(count()).toBe(3);
  });

  it("a flood of strangers does not grow its memory without bound", () => {
    const clock = new VirtualClock();
    const logs = captureLog();
    const guard = new AccessGuard({ allowedIds: [OWNER], clock, log: logs.log });
    const stranger = (id: number) => ({ chatId: id, chatType: "private", fromId: id, kind: "message" });
    for (let id = 10_001; id <= 15_000; id++) guard.check(stranger(id));
    // The earliest ones were forgotten, so they are logged again: bounded memory, still at most one line each.
    guard.check(stranger(10_001));
    guard.check(stranger(15_000));
    expect(logs.records()).toHaveLength(5001);
  });
});
