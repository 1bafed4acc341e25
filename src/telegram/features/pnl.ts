import { pnlView } from "../views-portfolio.js";
import { type Feature, onCommand } from "./feature.js";

/** /pnl: the ledger's positions, cost basis and PnL at last prices. */
export const pnl: Feature = {
  commands: [
    { command: "pnl", description: "per asset: cost, price, unrealized and realized PnL", viewers: true },
  ],
  composer: ({ deps, now, reply, guarded }) =>
    onCommand(
      "pnl",
      guarded("pnl", async (ctx) => reply(ctx, pnlView(await deps.queries.pnl(now())))),
    ),
};
