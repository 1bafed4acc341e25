import { ordersView } from "../views.js";
import { type Feature, onCommand } from "./feature.js";

/** /orders: the journal's open orders and the ledger's last fills. */
export const orders: Feature = {
  commands: [{ command: "orders", description: "open orders and the last fills", viewers: true }],
  composer: ({ deps, now, reply, guarded }) =>
    onCommand(
      "orders",
      guarded("orders", (ctx) =>
        reply(
          ctx,
          ordersView(deps.queries.openOrders(), deps.queries.recentFills(deps.recentFills ?? 10), now()),
        ),
      ),
    ),
};
