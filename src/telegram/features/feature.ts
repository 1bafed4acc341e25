import { Composer, type Context, type InlineKeyboard } from "grammy";
import { scrub } from "../../redact.js";
import type { ControlBotDeps } from "../control-deps.js";
import { escapeHtml } from "../format.js";
import { type Sender, sendHtml } from "../reply.js";

/**
 * A feature of the control bot: the commands it answers (for /help and Telegram's command menu) and a grammY
 * Composer with its handlers and buttons. Adding a command is one feature file and one line in features/index.ts.
 */

export interface CommandInfo {
  command: string;
  args?: string;
  description: string;
  /** Read-only viewers may use it too: it shows, never changes anything (viewer-gate.ts). */
  viewers?: boolean;
}

export type CommandContext = Context & { match: string };

/** What every feature's handlers share. */
export interface FeatureContext {
  deps: ControlBotDeps;
  sender: Sender;
  /** Every feature's commands in menu order: /help, the usage lines and the unknown-command answer list them. */
  commands: readonly CommandInfo[];
  now(): number;
  /** Answers in the chat the update came from, as HTML split at Telegram's limit. */
  reply(ctx: Context, html: string, markup?: InlineKeyboard): Promise<unknown>;
  /** Runs a command; an exception (exchange down, bad state) is told to the asker in one line. */
  guarded(
    what: string,
    handler: (ctx: CommandContext) => Promise<unknown>,
  ): (ctx: CommandContext) => Promise<void>;
  /** Who pressed or asked, as the journal and alerts name them ("tg:<user id>"). */
  by(ctx: Context): string;
  /** The sender is a read-only viewer (TELEGRAM_VIEWER_IDS): viewer-gate.ts lets them read only. */
  isViewer(ctx: Context): boolean;
}

export interface Feature {
  /** The commands it answers, in the order /help and the menu list them (aliases such as /start stay out). */
  readonly commands: readonly CommandInfo[];
  composer(f: FeatureContext): Composer<Context>;
}

export function featureContext(
  deps: ControlBotDeps,
  sender: Sender,
  commands: readonly CommandInfo[],
): FeatureContext {
  const viewers = new Set(deps.viewerIds ?? []);
  const reply = (ctx: Context, html: string, markup?: InlineKeyboard) =>
    sendHtml(sender, ctx.chat?.id ?? 0, html, markup);
  return {
    deps,
    sender,
    commands,
    now: () => deps.clock.now(),
    reply,
    guarded: (what, handler) => async (ctx) => {
      try {
        await handler(ctx);
      } catch (err) {
        // The error text is scrubbed: no secret leaves.
        const reason = scrub(err instanceof Error ? err.message : String(err));
        deps.log.warn({ command: what, reason }, "command failed");
        await reply(ctx, `⚠️ ${escapeHtml(`/${what} failed: ${reason}`)}`);
      }
    },
    by: (ctx) => `tg:${ctx.from?.id ?? "?"}`,
    isViewer: (ctx) => ctx.from !== undefined && viewers.has(ctx.from.id),
  };
}

/** A composer answering one command (and its aliases) with one handler: most features are just that. */
export function onCommand(
  command: string | string[],
  handler: (ctx: CommandContext) => Promise<unknown>,
): Composer<Context> {
  const c = new Composer<Context>();
  c.command(command, handler);
  return c;
}
