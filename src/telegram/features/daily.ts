import { InputFile } from "grammy";
import { retrying } from "../reply.js";
import { type Feature, onCommand } from "./feature.js";

/**
 * /daily: the daily report as of now, with its chart. It does not end the report's period: the scheduled report
 * still covers the whole day (daily-report.ts).
 */
export const daily: Feature = {
  commands: [{ command: "daily", description: "the daily report, now, with the chart", viewers: true }],
  composer: ({ deps, sender, reply, guarded }) =>
    onCommand(
      "daily",
      guarded("daily", async (ctx) => {
        if (!deps.daily) return reply(ctx, "The daily report is not available in this program.");
        const r = await deps.daily.build({ endPeriod: false });
        await reply(ctx, r.html);
        const png = r.png;
        if (!png) return;
        const chatId = ctx.chat?.id ?? 0;
        await retrying(sender, "sendPhoto", () =>
          sender.api.sendPhoto(chatId, new InputFile(png, "daily.png"), {
            caption: "Portfolio, last 7 days",
          }),
        );
      }),
    ),
};
