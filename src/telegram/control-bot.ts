import { Bot, GrammyError } from "grammy";
import { registerSecret, safeError } from "../redact.js";
import { AccessGuard } from "./access.js";
import { Approvals } from "./approvals.js";
import type { ControlBotDeps } from "./control-deps.js";
import { fallback } from "./features/fallback.js";
import { featureContext } from "./features/feature.js";
import { commandsOf, FEATURES, type Feature } from "./features/index.js";
import type { Sender } from "./reply.js";
import { installAutoRetry } from "./transport.js";

export type { ControlBotDeps } from "./control-deps.js";

export interface ControlBot {
  /** Starts long polling in the background and returns at once; failures are logged, never thrown. */
  start(): Promise<void>;
  /** Stops polling (confirming the updates handled) and waits for the handler in progress. */
  stop(): Promise<void>;
  readonly bot: Bot;
  readonly approvals: Approvals;
}

/** After a polling failure other than a refused token, the next try waits this long. */
const RESTART_DELAY_MS = 5_000;

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
  const access = new AccessGuard({ allowedIds: deps.allowedIds, clock: deps.clock, log });
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
  // The allow-list first: a stranger's update reaches no feature. The catch-all answers go last.
  bot.use(access.middleware());
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

  let running = false;
  let polling: Promise<void> | undefined;
  let stopWait = new AbortController();

  async function registerMenu(): Promise<void> {
    try {
      await bot.api.setMyCommands(
        commands.map((c) => ({ command: c.command, description: c.description.slice(0, 256) })),
      );
    } catch (err) {
      log.warn({ reason: safeError(err) }, "could not register the command menu (commands still work)");
    }
  }

  async function poll(): Promise<void> {
    while (running) {
      try {
        await bot.start({
          drop_pending_updates: false,
          allowed_updates: ["message", "callback_query"],
          onStart: (me) => {
            log.info({ username: me.username }, "Telegram control bot polling");
            void registerMenu();
          },
        });
        // bot.start returns when bot.stop() ended the loop.
      } catch (err) {
        if (!running) return;
        if (err instanceof GrammyError && err.error_code === 401) {
          log.error(
            "Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN. The bots go on without Telegram control.",
          );
          running = false;
          return;
        }
        log.warn(
          { reason: safeError(err), retryInMs: RESTART_DELAY_MS },
          "Telegram polling stopped; starting it again",
        );
        await deps.clock.sleep(RESTART_DELAY_MS, stopWait.signal).catch(() => {});
      }
    }
  }

  return {
    bot,
    approvals,
    async start() {
      if (running) return;
      running = true;
      stopWait = new AbortController();
      approvals.start();
      polling = poll();
    },
    async stop() {
      if (!running && !polling) return;
      running = false;
      stopWait.abort();
      if (bot.isRunning())
        await bot
          .stop()
          .catch((err: unknown) =>
            log.warn({ reason: safeError(err) }, "could not confirm the last Telegram updates"),
          );
      await polling;
      polling = undefined;
      await approvals.stop();
    },
  };
}
