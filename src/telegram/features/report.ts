import { bold } from "../format.js";
import { type Feature, onCommand } from "./feature.js";

/** /report: the periodic report (orders, PnL, last scan), built now. */
export const report: Feature = {
  commands: [{ command: "report", description: "the full periodic report, now" }],
  composer: ({ deps, reply, guarded }) =>
    onCommand(
      "report",
      guarded("report", async (ctx) => {
        const reports = await deps.reports();
        if (reports.length === 0) return reply(ctx, "No report to show yet: the bots have not run.");
        for (const r of reports) await reply(ctx, `${bold(r.title)}\n${r.html}`);
      }),
    ),
};
