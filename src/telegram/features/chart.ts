import { InputFile } from "grammy";
import { portfolioChart } from "../chart.js";
import { usd } from "../format.js";
import { retrying } from "../reply.js";
import { allocationSlices } from "../views-portfolio.js";
import { type Feature, onCommand } from "./feature.js";

/** /chart: the recorded portfolio values over time and today's allocation, as a PNG. */
export const chart: Feature = {
  commands: [
    { command: "chart", description: "portfolio value over time and allocation (PNG)", viewers: true },
  ],
  composer: ({ deps, sender, guarded }) =>
    onCommand(
      "chart",
      guarded("chart", async (ctx) => {
        const v = await deps.queries.valuation();
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
    ),
};
