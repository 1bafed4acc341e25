import { statusView } from "../views.js";
import { type Feature, onCommand } from "./feature.js";

/** /status: mode, uptime, every bot, the exchange's limits and the kill switch. */
export const status: Feature = {
  commands: [
    { command: "status", description: "mode, uptime, every bot, limits, kill switch", viewers: true },
  ],
  composer: ({ deps, now, reply, guarded }) =>
    onCommand(
      "status",
      guarded("status", (ctx) =>
        reply(
          ctx,
          statusView({
            mode: deps.mode,
            now: now(),
            startedAt: deps.startedAt,
            bots: deps.bots.status(),
            killSwitch: deps.killSwitch.killSwitchActive,
            riskPause: deps.bots.riskPause,
            openOrders: deps.queries.openOrders().length,
            pendingProposals: deps.queries.pendingProposals(),
            limits: deps.queries.exchangeLimits(),
          }),
        ),
      ),
    ),
};
