import { Composer, type Context, InlineKeyboard } from "grammy";
import type { BotControl } from "../control-deps.js";
import { bold, escapeHtml } from "../format.js";
import { editHtml } from "../reply.js";
import { botsView, usage } from "../views.js";
import type { CommandContext, Feature, FeatureContext } from "./feature.js";

/** /bots with a Pause/Resume button per bot, /pause and /resume by name or "all". */

/** Button data stays far under Telegram's 64 bytes: bot names are short words. */
const BOT_BUTTON = /^bot:([pr]):(.{1,50})$/;

function botKeyboard(control: BotControl): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const b of control.status().filter((s) => s.enabled && `bot:p:${s.name}`.length <= 64)) {
    const ownerPaused = b.paused && b.why.includes("paused by owner");
    kb.text(
      ownerPaused ? `▶️ Resume ${b.name}` : `⏸ Pause ${b.name}`,
      `bot:${ownerPaused ? "r" : "p"}:${b.name}`,
    ).row();
  }
  return kb;
}

const botNames = (control: BotControl) => control.status().map((b) => b.name);

/** /resume all: the owner's "carry on" also undoes the kill switch and the daily loss pause. */
async function liftAll({ deps }: FeatureContext, who: string): Promise<string[]> {
  const out: string[] = [];
  if (deps.killSwitch.killSwitchActive) {
    await deps.killSwitch.releaseKillSwitch();
    out.push("Kill switch released: orders are allowed again.");
    deps.notifier?.notify({
      type: "kill-switch",
      severity: "alert",
      text: `▶️ Kill switch released by ${escapeHtml(who)}`,
    });
  }
  if (deps.bots.riskPause) {
    if (deps.resetDailyLoss) await deps.resetDailyLoss();
    else deps.bots.resumeBuyers();
    out.push("Daily loss pause lifted: buying bots run again.");
  }
  return out;
}

/** Pause or resume by name; an unknown name gets the usage with the real names. */
async function setPaused(f: FeatureContext, ctx: CommandContext, pause: boolean): Promise<unknown> {
  const control = f.deps.bots;
  const verb = pause ? "pause" : "resume";
  const target = ctx.match.trim();
  const names = botNames(control);
  if (!/^[\w.-]+$/.test(target) || (target !== "all" && !names.includes(target))) {
    // Say what was wrong with what was typed (cut short: it is echoed back), then how to say it.
    const shown = target.length > 40 ? `${target.slice(0, 40)}…` : target;
    const what = target === "" ? "Which bot?" : `No bot is named "${escapeHtml(shown)}".`;
    return f.reply(
      ctx,
      `${what}\n${usage(f.commands, verb, `The bots: ${names.join(", ") || "(none)"}, or all.`)}`,
    );
  }
  if (pause) {
    await control.pause(target);
    return f.reply(ctx, `⏸ Paused ${bold(target)}. /resume ${escapeHtml(target)} to undo.`);
  }
  await control.resume(target);
  const lines = [`▶️ Resumed ${bold(target)}.`];
  if (target === "all") lines.push(...(await liftAll(f, f.by(ctx))));
  return f.reply(ctx, lines.join("\n"));
}

function composer(f: FeatureContext): Composer<Context> {
  const control = f.deps.bots;
  const c = new Composer<Context>();
  c.command(
    "bots",
    f.guarded("bots", (ctx) => f.reply(ctx, botsView(control.status(), f.now()), botKeyboard(control))),
  );
  c.command(
    "pause",
    f.guarded("pause", (ctx) => setPaused(f, ctx, true)),
  );
  c.command(
    "resume",
    f.guarded("resume", (ctx) => setPaused(f, ctx, false)),
  );
  c.callbackQuery(BOT_BUTTON, async (ctx) => {
    const [, action, name = ""] = ctx.match;
    if (!botNames(control).includes(name)) {
      await ctx.answerCallbackQuery({ text: `No bot named ${name} any more` });
      return;
    }
    if (action === "p") await control.pause(name);
    else await control.resume(name);
    await ctx.answerCallbackQuery({ text: `${action === "p" ? "Paused" : "Resumed"} ${name}` });
    const chatId = ctx.chat?.id;
    const messageId = ctx.callbackQuery.message?.message_id;
    if (chatId !== undefined && messageId !== undefined)
      await editHtml(f.sender, chatId, messageId, botsView(control.status(), f.now()), botKeyboard(control));
  });
  return c;
}

export const bots: Feature = {
  commands: [
    { command: "bots", description: "the bots, with Pause/Resume buttons" },
    { command: "pause", args: "<bot|all>", description: "pause one bot or all" },
    {
      command: "resume",
      args: "<bot|all>",
      description: "resume; 'all' also lifts the kill switch and loss pause",
    },
  ],
  composer,
};
