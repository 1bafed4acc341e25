import { portfolioView } from "../views-portfolio.js";
import { type Feature, onCommand } from "./feature.js";

/** /portfolio: every balance valued at last prices, and the allocation. */
export const portfolio: Feature = {
  commands: [{ command: "portfolio", description: "balances, values, allocation, total", viewers: true }],
  composer: ({ deps, reply, guarded }) =>
    onCommand(
      "portfolio",
      guarded("portfolio", async (ctx) => reply(ctx, portfolioView(await deps.queries.valuation()))),
    ),
};
