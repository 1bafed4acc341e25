import { Composer, type Context, InlineKeyboard } from "grammy";
import { bold, escapeHtml } from "../format.js";
import { editHtml } from "../reply.js";
import type { Feature, FeatureContext } from "./feature.js";

/** /stop: the kill switch, asked first (stop, stop and cancel the open orders, or never mind). */

const STOP_BUTTON = /^stop:(keep|cancel|no)$/;

function composer(f: FeatureContext): Composer<Context> {
  const { deps } = f;
  const c = new Composer<Context>();
  c.command(
    "stop",
    f.guarded("stop", (ctx) =>
      f.reply(
        ctx,
        `🛑 ${bold("Stop all trading?")} The kill switch refuses every new order and pauses every bot until /resume all.`,
        new InlineKeyboard()
          .text("🛑 Stop", "stop:keep")
          .text("🛑 Stop + cancel open orders", "stop:cancel")
          .row()
          .text("Never mind", "stop:no"),
      ),
    ),
  );
  c.callbackQuery(STOP_BUTTON, async (ctx) => {
    const choice = ctx.match[1];
    const chatId = ctx.chat?.id;
    const messageId = ctx.callbackQuery.message?.message_id;
    const edit = (html: string) =>
      chatId !== undefined && messageId !== undefined
        ? editHtml(f.sender, chatId, messageId, html)
        : undefined;
    if (choice === "no") {
      await ctx.answerCallbackQuery({ text: "Nothing stopped" });
      await edit("Not stopped: the bots go on.");
      return;
    }
    const cancelOpen = choice === "cancel";
    await ctx.answerCallbackQuery({ text: "Stopping…" });
    const by = f.by(ctx);
    const openBefore = deps.killSwitch.openCount();
    await deps.killSwitch.activateKillSwitch(`/stop by ${by}`, { cancelOpen });
    const cancelled = cancelOpen
      ? ` ${openBefore - deps.killSwitch.openCount()} of ${openBefore} open orders cancelled.`
      : "";
    const text = `🛑 ${bold("Kill switch ON")} (by ${escapeHtml(by)}): no new orders, every bot paused.${escapeHtml(cancelled)} /resume all undoes it.`;
    await edit(text);
    deps.notifier?.notify({ type: "kill-switch", severity: "alert", text });
  });
  return c;
}

export const stop: Feature = {
  commands: [{ command: "stop", description: "kill switch: no new orders (asks first)" }],
  composer,
};
