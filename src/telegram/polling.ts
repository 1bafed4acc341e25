import { type Bot, GrammyError } from "grammy";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";

/** After a polling failure other than a refused token, the next try waits this long. */
const RESTART_DELAY_MS = 5_000;

export interface PollingOptions {
  clock: Clock;
  log: Logger;
  /** Telegram's command menus (command-menu.ts): what is not set yet is tried each time polling starts. */
  menu: { register(): Promise<void> };
}

/**
 * grammY long polling that rides out network errors and Telegram outages (it starts again after a pause); only a
 * refused token (401) ends it, since no retry can fix that.
 */
export class LongPolling {
  readonly #bot: Bot;
  readonly #o: PollingOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #stopWait = new AbortController();

  constructor(bot: Bot, opts: PollingOptions) {
    this.#bot = bot;
    this.#o = opts;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Started and not yet stopped (it may have ended by itself on a refused token). */
  get active(): boolean {
    return this.#running || this.#loop !== undefined;
  }

  start(): void {
    this.#running = true;
    this.#stopWait = new AbortController();
    this.#loop = this.#poll();
  }

  /** Stops polling (confirming the updates handled) and waits for the handler in progress. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopWait.abort();
    if (this.#bot.isRunning())
      await this.#bot
        .stop()
        .catch((err: unknown) =>
          this.#o.log.warn({ reason: safeError(err) }, "could not confirm the last Telegram updates"),
        );
    await this.#loop;
    this.#loop = undefined;
  }

  async #poll(): Promise<void> {
    const log = this.#o.log;
    while (this.#running) {
      try {
        await this.#bot.start({
          drop_pending_updates: false,
          allowed_updates: ["message", "callback_query"],
          onStart: (me) => {
            log.info({ username: me.username }, "Telegram control bot polling");
            void this.#o.menu.register();
          },
        });
        // bot.start returns when bot.stop() ended the loop.
      } catch (err) {
        if (!this.#running) return;
        if (err instanceof GrammyError && err.error_code === 401) {
          log.error(
            "Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN. The bots go on without Telegram control.",
          );
          this.#running = false;
          return;
        }
        log.warn(
          { reason: safeError(err), retryInMs: RESTART_DELAY_MS },
          "Telegram polling stopped; starting it again",
        );
        await this.#o.clock.sleep(RESTART_DELAY_MS, this.#stopWait.signal).catch(() => {});
      }
    }
  }
}
