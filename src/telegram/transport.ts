import { autoRetry } from "@grammyjs/auto-retry";
import { type Api, GrammyError, InputFile } from "grammy";
import type { Logger } from "../log.js";
import { safeError, scrub } from "../redact.js";
import { htmlToPlain } from "./format.js";
import { DeliveryError, type MessageSink, type SendOptions } from "./sink.js";
import { splitMessage } from "./split.js";

export { ConsoleSink, DeliveryError, type MessageSink, type SendOptions } from "./sink.js";

export interface RetryBounds {
  /** Retries of one call after a 429 (default 3). */
  maxRetryAttempts?: number;
  /** A 429 asking to wait longer fails the call instead; the notifier retries later (default 30). */
  maxDelaySeconds?: number;
}

const installed = new WeakSet<object>();

/**
 * Installs auto-retry once per Api, bounded. Only 429s are retried here: auto-retry's default waits up to an hour,
 * and it retries network errors in a loop that ignores maxRetryAttempts. 5xx and network errors are left to the
 * notifier, which retries on the injected clock with its own bound.
 */
export function installAutoRetry(api: Api, bounds: RetryBounds = {}): void {
  if (installed.has(api)) return;
  installed.add(api);
  api.config.use(
    autoRetry({
      maxRetryAttempts: bounds.maxRetryAttempts ?? 3,
      maxDelaySeconds: bounds.maxDelaySeconds ?? 30,
      rethrowInternalServerErrors: true,
      rethrowHttpErrors: true,
    }),
  );
}

/** Telegram answers these when retrying cannot help: 400 (bad request), 401 (token), 403 (blocked), 404. */
const PERMANENT = new Set([400, 401, 403, 404]);

export interface GrammySinkOptions {
  /** `bot.api` of a grammY Bot. */
  api: Api;
  /** Every allowed chat gets every message. */
  chatIds: readonly number[];
  log: Logger;
  retry?: RetryBounds;
}

export class GrammySink implements MessageSink {
  readonly name = "telegram";
  private readonly api: Api;
  private readonly chatIds: readonly number[];
  private readonly log: Logger;

  constructor(opts: GrammySinkOptions) {
    this.api = opts.api;
    this.chatIds = opts.chatIds;
    this.log = opts.log;
    installAutoRetry(this.api, opts.retry);
  }

  async send(text: string, opts?: SendOptions): Promise<void> {
    const chunks = splitMessage(text);
    await this.each("sendMessage", opts, async (chatId) => {
      for (const chunk of chunks) await this.sendText(chatId, chunk);
    });
  }

  async sendPhoto(png: Buffer, caption?: string, opts?: SendOptions): Promise<void> {
    // Captions stop at 1024 characters: a longer one follows the photo as a message of its own.
    const short = caption !== undefined && caption.length <= 1024 ? caption : undefined;
    await this.each("sendPhoto", opts, async (chatId) => {
      await this.api.sendPhoto(chatId, new InputFile(png, "chart.png"), {
        ...(short !== undefined ? { caption: short, parse_mode: "HTML" as const } : {}),
      });
      if (caption !== undefined && short === undefined)
        for (const chunk of splitMessage(caption)) await this.sendText(chatId, chunk);
    });
  }

  private async sendText(chatId: number, html: string): Promise<void> {
    try {
      await this.api.sendMessage(chatId, html, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
      });
    } catch (err) {
      // Text Telegram cannot parse as HTML would fail forever: it goes out as plain text instead of not at all.
      if (!(err instanceof GrammyError && err.error_code === 400 && /parse entities/i.test(err.description)))
        throw err;
      this.log.warn({ chatId, reason: safeError(err) }, "Telegram rejected the HTML; sending plain text");
      await this.api.sendMessage(chatId, htmlToPlain(html), { link_preview_options: { is_disabled: true } });
    }
  }

  /** Sends to each target; one chat failing does not stop the others. Never lets a grammY error out. */
  private async each(
    method: string,
    opts: SendOptions | undefined,
    sendTo: (chatId: number) => Promise<void>,
  ): Promise<void> {
    const failed: number[] = [];
    let retryAfterSec: number | undefined;
    let permanent = true;
    let reason = "";
    for (const chatId of opts?.targets ?? this.chatIds) {
      try {
        await sendTo(chatId);
      } catch (err) {
        failed.push(chatId);
        this.log.warn({ chatId, method, reason: safeError(err) }, "Telegram send failed");
        if (err instanceof GrammyError) {
          reason = `${err.error_code}: ${err.description}`;
          if (typeof err.parameters.retry_after === "number")
            retryAfterSec = Math.max(retryAfterSec ?? 0, err.parameters.retry_after);
          if (!PERMANENT.has(err.error_code)) permanent = false;
        } else {
          reason = err instanceof Error ? err.message : String(err);
          permanent = false;
        }
      }
    }
    if (failed.length > 0)
      throw new DeliveryError(
        scrub(`Telegram ${method} failed for ${failed.length} chat(s) (${reason})`),
        failed,
        retryAfterSec,
        permanent,
      );
  }
}
