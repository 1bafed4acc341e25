import { Bot } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommandMenu, menuPlan } from "../../src/telegram/command-menu.js";
import { commandsOf, FEATURES } from "../../src/telegram/features/index.js";
import { FAKE_BOT_INFO, type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.js";
import { GROUP, type Harness, OWNER, STRANGER, startHarness, text } from "./control-harness.js";
import { captureLog } from "./helpers.js";

const VIEWER = 3003;
/** A viewer who is in TELEGRAM_ALLOWED_CHAT_IDS too (to receive the messages): still a viewer. */
const LISTED_VIEWER = 3004;
const EVERY = commandsOf(FEATURES).map((c) => c.command);
const READ = ["status", "portfolio", "pnl", "orders", "chart", "daily", "help"];
const REGISTERED = "Telegram command menus registered";

let h: Harness | undefined;
let fake: FakeTelegram | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = undefined;
  fake = undefined;
});

const registrations = (harness: Harness) => harness.logs.records().filter((r) => r.msg === REGISTERED);

/** A harness with viewers whose control bot has started again, over menus an earlier program left behind. */
async function withStaleMenus(): Promise<Harness> {
  const harness = await startHarness({ viewerIds: [VIEWER, LISTED_VIEWER] });
  harness.deps.allowedIds = [...harness.deps.allowedIds, LISTED_VIEWER];
  // What an earlier version (setMyCommands without a scope) and BotFather's /setcommands leave: menus for all.
  harness.fake.menus.preset({ type: "default" }, EVERY);
  harness.fake.menus.preset({ type: "all_private_chats" }, EVERY);
  harness.fake.menus.preset({ type: "all_group_chats" }, ["status"]);
  harness.fake.menus.preset({ type: "all_chat_administrators" }, ["stop"]);
  await vi.waitFor(() => expect(registrations(harness)).toHaveLength(1));
  await harness.restart();
  await vi.waitFor(() => expect(registrations(harness)).toHaveLength(2));
  return harness;
}

describe("the command menu, per person", () => {
  it("owners see every command, viewers the read ones, strangers none, in private chats and listed groups", async () => {
    h = await withStaleMenus();
    const seen = h.fake.menus.seen.bind(h.fake.menus);
    expect(seen({ chatId: OWNER, userId: OWNER })).toEqual(EVERY);
    expect(seen({ chatId: VIEWER, userId: VIEWER })).toEqual(READ);
    expect(seen({ chatId: LISTED_VIEWER, userId: LISTED_VIEWER })).toEqual(READ);
    expect(seen({ chatId: STRANGER, userId: STRANGER })).toEqual([]);
    // In the listed group: per member, above every group-wide list (an administrator's included).
    expect(seen({ chatId: GROUP, userId: OWNER, admin: true })).toEqual(EVERY);
    expect(seen({ chatId: GROUP, userId: VIEWER, admin: true })).toEqual(READ);
    expect(seen({ chatId: GROUP, userId: STRANGER })).toEqual([]);
    expect(seen({ chatId: GROUP, userId: STRANGER, admin: true })).toEqual([]);
    // A group nobody listed, a stranger with a language of their own.
    expect(seen({ chatId: -777, userId: OWNER })).toEqual([]);
    expect(seen({ chatId: STRANGER, userId: STRANGER, language: "de" })).toEqual([]);
  });

  it("is the menu /help agrees with: each person's menu names what /help offers them", async () => {
    h = await withStaleMenus();
    const viewerHelp = text(await h.replyTo("/help", VIEWER));
    for (const c of h.fake.menus.seen({ chatId: VIEWER, userId: VIEWER }))
      expect(viewerHelp).toContain(`/${c}`);
    const ownerHelp = text(await h.replyTo("/help"));
    for (const c of h.fake.menus.seen({ chatId: OWNER, userId: OWNER })) expect(ownerHelp).toContain(`/${c}`);
  });

  it("a refused or failing menu call is logged and the start goes on: commands answer, the other menus are set", async () => {
    h = await startHarness({ viewerIds: [VIEWER] });
    await vi.waitFor(() => expect(registrations(h as Harness)).toHaveLength(1));
    // The viewer never pressed Start (Telegram: 400 chat not found); Telegram fails the default scope once.
    const notFound = {
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: chat not found" },
    };
    h.fake.failWhen("setMyCommands", (p) => (p.scope as { chat_id?: number }).chat_id === VIEWER, notFound);
    h.fake.failNext("deleteMyCommands", { status: 500 });
    h.fake.menus.preset({ type: "default" }, EVERY);
    await h.restart();
    await vi.waitFor(() => expect(registrations(h as Harness)).toHaveLength(2));
    expect(text(await h.replyTo("/status"))).toContain("SIM");
    expect(h.fake.menus.seen({ chatId: OWNER, userId: OWNER })).toEqual(EVERY);
    expect(h.fake.menus.seen({ chatId: GROUP, userId: VIEWER })).toEqual(READ);
    const warned = h.logs.records().filter((r) => r.msg.startsWith("could not set the command menu"));
    expect(warned.map((r) => r.msg)).toEqual([
      "could not set the command menu for scope default (commands still work); tried again when polling restarts",
      `could not set the command menu for the private chat of viewer ${VIEWER} (commands still work)`,
    ]);
    expect(warned[1]?.advice).toMatch(/open the bot and press Start/);
    expect(registrations(h).at(-1)).toMatchObject({ left: 1 });
  });
});

describe("CommandMenu", () => {
  it("tries again only what failed for a reason that may pass, and never what Telegram refused", async () => {
    fake = await startFakeTelegram();
    const bot = new Bot("123456789:AAHmenuTokenForTests_abcdefXYZ", {
      client: { apiRoot: fake.url },
      botInfo: FAKE_BOT_INFO,
    });
    const logs = captureLog();
    const plan = menuPlan(commandsOf(FEATURES), { allowedIds: [OWNER], viewerIds: [VIEWER] });
    expect(plan.map((e) => e.label)).toEqual([
      "scope default",
      "scope all_private_chats",
      "scope all_group_chats",
      "scope all_chat_administrators",
      `the private chat of owner ${OWNER}`,
      `the private chat of viewer ${VIEWER}`,
    ]);
    const menu = new CommandMenu(bot.api, plan, logs.log);
    fake.failWhen("setMyCommands", (p) => (p.scope as { chat_id?: number }).chat_id === VIEWER, {
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    });
    fake.failNext("setMyCommands", { status: 502 });
    await menu.register();
    expect(menu.pending.map((e) => e.label)).toEqual([`the private chat of owner ${OWNER}`]);
    expect(fake.menus.seen({ chatId: OWNER, userId: OWNER })).toEqual([]);
    const before = fake.attempts().length;
    await menu.register();
    expect(
      fake
        .attempts()
        .slice(before)
        .map((c) => c.method),
    ).toEqual(["setMyCommands"]);
    expect(fake.menus.seen({ chatId: OWNER, userId: OWNER })).toEqual(
      commandsOf(FEATURES).map((c) => c.command),
    );
    expect(menu.pending).toEqual([]);
    await menu.register();
    expect(fake.attempts()).toHaveLength(before + 1);
    await menu.stop();
  });
});
