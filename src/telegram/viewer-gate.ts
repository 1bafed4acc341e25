import type { Context, MiddlewareFn } from "grammy";
import { unknownCommand } from "./features/fallback.js";
import type { CommandInfo, FeatureContext } from "./features/feature.js";

/**
 * What a read-only viewer (TELEGRAM_VIEWER_IDS) may do, decided once, before approvals and every feature: the
 * commands marked `viewers` run as for the owner; every other command of ours is refused with a short answer; a
 * button press (pause, stop, Execute, Skip, any button) is answered with an alert and never reaches its handler,
 * and is logged, so the owner can see who tried. Owners pass straight through.
 */

/** Telegram sends /start first; it is /help's alias and reads nothing but the command list. */
const READ_ALIASES = ["start"];

export const viewerCommands = (commands: readonly CommandInfo[]): CommandInfo[] =>
  commands.filter((c) => c.viewers);

export function viewerGate(f: FeatureContext): MiddlewareFn<Context> {
  const read = new Set([...viewerCommands(f.commands).map((c) => c.command), ...READ_ALIASES]);
  const ours = new Set(f.commands.map((c) => c.command));
  const list = viewerCommands(f.commands)
    .map((c) => `/${c.command}`)
    .join(" ");
  const log = f.deps.log;
  return async (ctx, next) => {
    if (!f.isViewer(ctx)) return next();
    const who = { fromId: ctx.from?.id, chatId: ctx.chat?.id };
    if (ctx.callbackQuery) {
      log.warn({ ...who, data: ctx.callbackQuery.data }, "a read-only viewer pressed a button: not executed");
      await ctx.answerCallbackQuery({ text: "Read-only: buttons are for the owner.", show_alert: true });
      return;
    }
    const text = ctx.message?.text;
    // Anything but a text message (a photo, an edit, a member joining) asks nothing of a viewer's rights.
    if (text === undefined) return;
    if (!text.startsWith("/")) return next();
    const command = unknownCommand(text, ctx.me.username)?.slice(1).toLowerCase();
    // Addressed to another bot, ours to read, or not ours at all (the fallback says so): not this gate's refusal.
    if (command === undefined || read.has(command) || !ours.has(command)) return next();
    log.warn({ ...who, command }, "a read-only viewer asked for a command that changes something: refused");
    await f.reply(ctx, `🔒 Read-only: /${command} is for the owner. You may use ${list}`);
  };
}
