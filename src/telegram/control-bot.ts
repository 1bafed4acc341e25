import { Bot } from "grammy";
import { registerSecret, safeError } from "../redact.js";
import { AccessGuard } from "./access.js";
import { Approvals } from "./approvals.js";
import { CommandMenu, menuPlan } from "./command-menu.js";
import type { ControlBotDeps } from "./control-deps.js";
import { fallback } from "./features/fallback.js";
import { featureContext } from "./features/feature.js";
import { commandsOf, FEATURES, type Feature } from "./features/index.js";
import { LongPolling } from "./polling.js";
import type { Sender } from "./reply.js";
import { installAutoRetry } from "./transport.js";
import { viewerGate } from "./viewer-gate.js";

export type { ControlBotDeps } from "./control-deps.js";

export interface ControlBot {
  /** Starts long polling in the background and returns at once; failures are logged, never thrown. */
  start(): Promise<void>;
  /** Stops polling (confirming the updates handled) and waits for the handler in progress. */
  stop(): Promise<void>;
  readonly bot: Bot;
  readonly approvals: Approvals;
}

/**
 * The Telegram face: commands, buttons and approvals over grammY long polling. A network error, a Telegram
 * outage or a failing handler is logged and ridden out; nothing here can stop the bots. `features` are the
 * commands (features/index.ts); tests may add one.
 */
export function createControlBot(deps: ControlBotDeps, features: readonly Feature[] = FEATURES): ControlBot {
  // The token travels inside grammY's error objects (request URLs): the log's scrubber must know it.
  registerSecret(deps.token);
  const bot = new Bot(deps.token, deps.apiRoot ? { client: { apiRoot: deps.apiRoot } } : {});
  installAutoRetry(bot.api);
  const log = deps.log;
  const sender: Sender = { api: bot.api, clock: deps.clock, log };
  const access = new AccessGuard({
    allowedIds: deps.allowedIds,
    ...(deps.viewerIds ? { viewerIds: deps.viewerIds } : {}),
    clock: deps.clock,
    log,
  });
  const approvals = new Approvals({
    api: bot.api,
    proposals: deps.proposals,
    orders: deps.queries,
    chatIds: deps.allowedIds,
    clock: deps.clock,
    log,
  });

  const commands = commandsOf(features);
  const shared = featureContext(deps, sender, commands);
  // The allow-list first: a stranger's update reaches no feature; then a viewer's reaches only what reads. The
  // catch-all answers go last.
  bot.use(access.middleware());
  bot.use(viewerGate(shared));
  bot.use(approvals.composer);
  for (const f of features) bot.use(f.composer(shared));
  bot.use(fallback(shared));
  // Without a catch grammY stops polling on the first failing handler; the error is reduced to safe fields.
  bot.catch((err) => {
    log.error(
      { update: err.ctx.update.update_id, reason: safeError(err.error) },
      "a Telegram update could not be handled",
    );
  });

  const menu = new CommandMenu(bot.api, menuPlan(commands, deps), log);
  const polling = new LongPolling(bot, { clock: deps.clock, log, menu });
  return {
    bot,
    approvals,
    async start() {
      if (polling.running) return;
      approvals.start();
      polling.start();
    },
    async stop() {
      if (!polling.active) return;
      await polling.stop();
      await menu.stop();
      await approvals.stop();
    },
  };
}
