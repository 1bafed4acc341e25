import { Composer, type Context, InlineKeyboard, InputFile } from "grammy";
import { scrub } from "../redact.js";
import { UNSETTLED_STATES } from "../trading/order-state.js";
import { portfolioChart } from "./chart.js";
import type { ControlBotDeps } from "./control-deps.js";
import { bold, escapeHtml, usd } from "./format.js";
import { editHtml, retrying, type Sender, sendHtml } from "./reply.js";
import {
  botsView,
  COMMANDS,
  configSections,
  configView,
  helpView,
  ordersView,
  statusView,
  usage,
} from "./views.js";
import { allocationSlices, computePnl, pnlView, portfolioView, valuation } from "./views-portfolio.js";

/**
 * The commands and their buttons. Every handler answers in the chat it was asked in; a failure to read the
 * exchange becomes a short message rather than silence (the error text is scrubbed: no secret leaves).
 */

/** Button data stays far under Telegram's 64 bytes: bot names are short words. */
const BOT_BUTTON = /^bot:([pr]):(.{1,50})$/;
const STOP_BUTTON = /^stop:(keep|cancel|no)$/;

export function commands(deps: ControlBotDeps, sender: Sender): Composer<Context> {
  const c = new Composer<Context>();
  const now = () => deps.clock.now();
  const reply = (ctx: Context, html: string, markup?: InlineKeyboard) =>
    sendHtml(sender, ctx.chat?.id ?? 0, html, markup);
  const by = (ctx: Context) => `tg:${ctx.from?.id ?? "?"}`;

  /** Runs a command; an exception (exchange down, bad state) is told to the asker in one line. */
  const guarded =
    (what: string, handler: (ctx: Context & { match: string }) => Promise<unknown>) =>
    async (ctx: Context & { match: string }) => {
      try {
        await handler(ctx);
      } catch (err) {
        const reason = scrub(err instanceof Error ? err.message : String(err));
        deps.log.warn({ command: what, reason }, "command failed");
        await reply(ctx, `⚠️ ${escapeHtml(`/${what} failed: ${reason}`)}`);
      }
    };

  const botKeyboard = () => {
    const kb = new InlineKeyboard();
    for (const b of deps.runtime.status().filter((s) => s.enabled && `bot:p:${s.name}`.length <= 64)) {
      const ownerPaused = b.paused && b.why.includes("paused by owner");
      kb.text(
        ownerPaused ? `▶️ Resume ${b.name}` : `⏸ Pause ${b.name}`,
        `bot:${ownerPaused ? "r" : "p"}:${b.name}`,
      ).row();
    }
    return kb;
  };

  const botNames = () => deps.runtime.status().map((b) => b.name);

  /** Pause or resume by name; an unknown name gets the usage with the real names. */
  const setPaused = async (ctx: Context & { match: string }, pause: boolean) => {
    const verb = pause ? "pause" : "resume";
    const target = ctx.match.trim();
    if (!/^[\w.-]+$/.test(target) || (target !== "all" && !botNames().includes(target)))
      return reply(ctx, usage(verb, `The bots: ${botNames().join(", ") || "(none)"}, or all.`));
    if (pause) {
      await deps.runtime.pause(target);
      return reply(ctx, `⏸ Paused ${bold(target)}. /resume ${escapeHtml(target)} to undo.`);
    }
    await deps.runtime.resume(target);
    const lines = [`▶️ Resumed ${bold(target)}.`];
    if (target === "all") lines.push(...(await liftAll(by(ctx))));
    return reply(ctx, lines.join("\n"));
  };

  /** /resume all: the owner's "carry on" also undoes the kill switch and the daily loss pause. */
  const liftAll = async (who: string): Promise<string[]> => {
    const out: string[] = [];
    if (deps.orders.killSwitchActive) {
      await deps.orders.releaseKillSwitch();
      out.push("Kill switch released: orders are allowed again.");
      deps.notifier?.notify({
        type: "kill-switch",
        severity: "alert",
        text: `▶️ Kill switch released by ${escapeHtml(who)}`,
      });
    }
    if (deps.runtime.riskPause) {
      if (deps.resetDailyLoss) await deps.resetDailyLoss();
      else deps.runtime.resumeBuyers();
      out.push("Daily loss pause lifted: buying bots run again.");
    }
    return out;
  };

  c.command(
    ["start", "help"],
    guarded("help", (ctx) => reply(ctx, helpView(deps.mode))),
  );

  c.command(
    "status",
    guarded("status", (ctx) => {
      const m = deps.client.metrics();
      return reply(
        ctx,
        statusView({
          mode: deps.mode,
          now: now(),
          startedAt: deps.startedAt,
          bots: deps.runtime.status(),
          killSwitch: deps.orders.killSwitchActive,
          riskPause: deps.runtime.riskPause,
          openOrders: deps.orders.openCount(),
          pendingProposals: deps.proposals.pending().length,
          limits: { ...m, bannedUntil: deps.client.bannedUntil },
        }),
      );
    }),
  );

  c.command(
    "portfolio",
    guarded("portfolio", async (ctx) => reply(ctx, portfolioView(await valuation(deps.client)))),
  );

  c.command(
    "pnl",
    guarded("pnl", async (ctx) => reply(ctx, pnlView(await computePnl(deps.client, deps.ledger, now())))),
  );

  c.command(
    "orders",
    guarded("orders", (ctx) => {
      const open = deps.orders.entries((e) => UNSETTLED_STATES.has(e.state));
      const fills = deps.ledger.fills.slice(-(deps.recentFills ?? 10)).reverse();
      return reply(ctx, ordersView(open, fills, now()));
    }),
  );

  c.command(
    "bots",
    guarded("bots", (ctx) => reply(ctx, botsView(deps.runtime.status(), now()), botKeyboard())),
  );

  c.command(
    "pause",
    guarded("pause", (ctx) => setPaused(ctx, true)),
  );
  c.command(
    "resume",
    guarded("resume", (ctx) => setPaused(ctx, false)),
  );

  c.command(
    "stop",
    guarded("stop", (ctx) =>
      reply(
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

  c.command(
    "report",
    guarded("report", async (ctx) => {
      const reports = await deps.reports();
      if (reports.length === 0) return reply(ctx, "No report to show yet: the bots have not run.");
      for (const r of reports) await reply(ctx, `${bold(r.title)}\n${r.html}`);
    }),
  );

  c.command(
    "chart",
    guarded("chart", async (ctx) => {
      const v = await valuation(deps.client);
      const png = portfolioChart({
        values: deps.valueHistory(),
        allocation: allocationSlices(v),
        title: `Portfolio (${deps.mode.toUpperCase()})`,
      });
      const chatId = ctx.chat?.id ?? 0;
      await retrying(sender, "sendPhoto", () =>
        sender.api.sendPhoto(chatId, new InputFile(png, "portfolio.png"), {
          caption: `Total ${usd(v.total)} · ${deps.valueHistory().length} recorded values`,
          parse_mode: "HTML",
        }),
      );
    }),
  );

  c.command(
    "config",
    guarded("config", (ctx) => {
      const section = ctx.match.trim();
      if (section && !configSections(deps.config).includes(section))
        return reply(ctx, usage("config", `Sections: ${configSections(deps.config).join(", ")}.`));
      return reply(ctx, configView(deps.config, section || undefined));
    }),
  );

  c.callbackQuery(BOT_BUTTON, async (ctx) => {
    const [, action, name = ""] = ctx.match;
    if (!botNames().includes(name)) {
      await ctx.answerCallbackQuery({ text: `No bot named ${name} any more` });
      return;
    }
    if (action === "p") await deps.runtime.pause(name);
    else await deps.runtime.resume(name);
    await ctx.answerCallbackQuery({ text: `${action === "p" ? "Paused" : "Resumed"} ${name}` });
    const chatId = ctx.chat?.id;
    const messageId = ctx.callbackQuery.message?.message_id;
    if (chatId !== undefined && messageId !== undefined)
      await editHtml(sender, chatId, messageId, botsView(deps.runtime.status(), now()), botKeyboard());
  });

  c.callbackQuery(STOP_BUTTON, async (ctx) => {
    const choice = ctx.match[1];
    const chatId = ctx.chat?.id;
    const messageId = ctx.callbackQuery.message?.message_id;
    const edit = (html: string) =>
      chatId !== undefined && messageId !== undefined ? editHtml(sender, chatId, messageId, html) : undefined;
    if (choice === "no") {
      await ctx.answerCallbackQuery({ text: "Nothing stopped" });
      await edit("Not stopped: the bots go on.");
      return;
    }
    const cancelOpen = choice === "cancel";
    await ctx.answerCallbackQuery({ text: "Stopping…" });
    const openBefore = deps.orders.openCount();
    await deps.orders.activateKillSwitch(`/stop by ${by(ctx)}`, { cancelOpen });
    const cancelled = cancelOpen
      ? ` ${openBefore - deps.orders.openCount()} of ${openBefore} open orders cancelled.`
      : "";
    const text = `🛑 ${bold("Kill switch ON")} (by ${escapeHtml(by(ctx))}): no new orders, every bot paused.${escapeHtml(cancelled)} /resume all undoes it.`;
    await edit(text);
    deps.notifier?.notify({ type: "kill-switch", severity: "alert", text });
  });

  // Anything else: commands we do not have get the list, stale buttons get an answer so their spinner stops.
  c.on("message", async (ctx) => {
    const text = ctx.message.text ?? "";
    if (text.startsWith("/")) {
      const command = unknownCommand(text, ctx.me.username);
      if (command === undefined) return;
      await reply(
        ctx,
        `Unknown command ${escapeHtml(command)}. Commands: ${COMMANDS.map((x) => `/${x.command}`).join(" ")}`,
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
