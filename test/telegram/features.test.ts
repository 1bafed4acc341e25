import { afterEach, describe, expect, it } from "vitest";
import { onCommand } from "../../src/telegram/features/feature.js";
import { FEATURES, type Feature } from "../../src/telegram/features/index.js";
import { type Harness, OWNER, STRANGER, startHarness, text } from "./control-harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A whole new command: what a feature file holds. */
const ping: Feature = {
  commands: [{ command: "ping", args: "[word]", description: "answers pong" }],
  composer: ({ reply, guarded }) =>
    onCommand(
      "ping",
      guarded("ping", (ctx) => reply(ctx, `pong ${ctx.match.trim() || "-"}`)),
    ),
};

describe("control bot features", () => {
  it("the menu, /help and the unknown-command answer list every feature's commands in FEATURES order", async () => {
    h = await startHarness();
    const menu = await h.fake.waitFor("setMyCommands");
    // The owner's own chat: the menu is set per person (command-menu.ts).
    expect(menu.params.scope).toEqual({ type: "chat", chat_id: OWNER });
    expect((menu.params.commands as { command: string }[]).map((c) => c.command)).toEqual([
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
      "daily",
      "config",
      "help",
    ]);
    expect(text(await h.replyTo("/nosuch"))).toBe(
      "Unknown command /nosuch. Commands: /status /portfolio /pnl /orders /bots /pause /resume /stop /report /chart /daily /config /help",
    );
  });

  it("adding a command is one feature in the list: it answers, and /help and the menu show it", async () => {
    h = await startHarness({ features: [...FEATURES, ping] });
    expect(text(await h.replyTo("/ping hello"))).toBe("pong hello");
    expect(text(await h.replyTo("/help"))).toContain("/ping [word] — answers pong");
    const menu = await h.fake.waitFor("setMyCommands");
    expect(menu.params.commands).toContainEqual({ command: "ping", description: "answers pong" });
    expect(text(await h.replyTo("/nosuch"))).toMatch(/\/help \/ping$/);
  });

  it("the access filter runs before every feature, the new one included: a stranger gets nothing", async () => {
    h = await startHarness({ features: [...FEATURES, ping] });
    const before = h.fake.calls("sendMessage").length;
    h.say("/ping", STRANGER, STRANGER);
    // The owner's next command is answered; had the stranger's been, its answer would come first.
    const owner = await h.replyTo("/ping owner");
    expect(text(owner)).toBe("pong owner");
    expect(h.fake.calls("sendMessage").slice(before).map(text)).toEqual(["pong owner"]);
  });
});
