import type { MexcClient } from "../api/index.js";
import type { MonitorRuntime } from "../bots/runtime.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config-schema.js";
import type { Mode } from "../env.js";
import type { Logger } from "../log.js";
import type { Ledger } from "../portfolio/ledger.js";
import type { OrderManager } from "../trading/order-manager.js";
import type { Proposals } from "../trading/proposals.js";
import type { ValuePoint } from "./chart.js";
import type { Notifier } from "./notifier.js";

/** Everything the control bot reads and steers; the composition root (main) builds these and hands them over. */
export interface ControlBotDeps {
  /** The bot token from @BotFather: handed to grammY only, never logged. */
  token: string;
  /** Another Bot API server (a local one, the tests' fake); no trailing "/". */
  apiRoot?: string;
  /** User ids and/or group chat ids (see access.ts for how both are checked). */
  allowedIds: readonly number[];
  clock: Clock;
  log: Logger;
  mode: Mode;
  /** When the suite started (epoch ms), for the uptime in /status. */
  startedAt: number;
  runtime: MonitorRuntime;
  orders: OrderManager;
  proposals: Proposals;
  ledger: Ledger;
  client: MexcClient;
  config: Config;
  /** The portfolio's recorded values, oldest first, for /chart. */
  valueHistory: () => readonly ValuePoint[];
  /** The full periodic report, built now, for /report. */
  reports: () => Promise<{ title: string; html: string }[]>;
  /** Alerts about what the owner did from Telegram (kill switch on/off) go out through it when given. */
  notifier?: Notifier;
  /**
   * Lifts the daily loss limit for /resume all (a new baseline, buyers resumed). Without it, /resume all only
   * resumes the buyers in the runtime, and a restart the same day brings the pause back.
   */
  resetDailyLoss?: () => Promise<void>;
  /** How many recent fills /orders shows (default 10). */
  recentFills?: number;
}
