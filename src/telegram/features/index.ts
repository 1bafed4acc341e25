import { bots } from "./bots.js";
import { chart } from "./chart.js";
import { config } from "./config.js";
import { daily } from "./daily.js";
import type { CommandInfo, Feature } from "./feature.js";
import { help } from "./help.js";
import { orders } from "./orders.js";
import { pnl } from "./pnl.js";
import { portfolio } from "./portfolio.js";
import { report } from "./report.js";
import { status } from "./status.js";
import { stop } from "./stop.js";

export type { CommandInfo, Feature, FeatureContext } from "./feature.js";

/**
 * The control bot's features in menu order: /help and Telegram's command menu list their commands in this
 * order. A new command is a new feature file and one entry here. (The approvals' buttons are the Approvals
 * class's composer: it also follows proposals between updates, so the control bot owns its start and stop.)
 */
export const FEATURES: readonly Feature[] = [
  status,
  portfolio,
  pnl,
  orders,
  bots,
  stop,
  report,
  chart,
  daily,
  config,
  help,
];

export const commandsOf = (features: readonly Feature[]): CommandInfo[] =>
  features.flatMap((f) => f.commands);
