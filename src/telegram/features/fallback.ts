import { Composer, type Context } from "grammy";
import { escapeHtml } from "../format.js";
import type { FeatureContext } from "./feature.js";

/**
 * Registered after every feature: commands we do not have get the list, stale buttons get an answer so their
 * spinner stops, and a private chat's plain text gets a pointer to /help.
 */
export function fallback({ commands, reply }: FeatureContext): Composer<Context> {
  const c = new Composer<Context>();
  c.on("message", async (ctx) => {
    const text = ctx.message.text ?? "";
    if (text.startsWith("/")) {
      const command = unknownCommand(text, ctx.me.username);
      if (command === undefined) return;
      await reply(
        ctx,
        `Unknown command ${escapeHtml(command)}. Commands: ${commands.map((x) => `/${x.command}`).join(" ")}`,
      );
    } else if (ctx.chat.type === "private") await reply(ctx, "Send /help for what I can do.");
  });
  c.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: "This button no longer does anything" }));
  return c;
}

/** Telegram's commands are at most 32 characters (Bot API, BotCommand.command): a longer one is echoed cut. */
const MAX_COMMAND_CHARS = 32;

/**
 * The command word of a message starting with "/" as it may be echoed back (at most 32 characters after the
 * slash, then "…"), or undefined when it is addressed to another bot (`/status@other_bot` in a group: that bot
 * answers it, not us; Bot API "Commands": a command may be followed by the bot's username).
 */
export function unknownCommand(text: string, ourUsername: string): string | undefined {
  const word = text.slice(0, 200).split(/\s/, 1)[0] ?? "";
  const at = word.indexOf("@");
  if (at >= 0 && word.slice(at + 1).toLowerCase() !== ourUsername.toLowerCase()) return undefined;
  const name = (at >= 0 ? word.slice(0, at) : word).slice(1);
  return `/${name.length > MAX_COMMAND_CHARS ? `${name.slice(0, MAX_COMMAND_CHARS)}…` : name}`;
}
