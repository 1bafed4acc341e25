import { type Api, GrammyError, HttpError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import { splitMessage } from "./split.js";

/**
 * Sending the control bot's answers. A 429 is waited out by auto-retry (installed on the Api); a 5xx or a network
 * error is retried here a few times, because an answer to a command has no queue behind it: once the handler
 * gives up, the owner's question goes unanswered. The notifier's messages do not come through here: it retries
 * on its own schedule.
 */

/** Waits before each retry of a 5xx or network failure; bounded so a dead Telegram cannot hold a handler long. */
const RETRY_DELAYS_MS = [250, 1_000, 3_000];

function retryable(err: unknown): boolean {
  if (err instanceof HttpError) return true;
  return err instanceof GrammyError && err.error_code >= 500;
}

export interface Sender {
  api: Api;
  clock: Clock;
  log: Logger;
}

/** Runs one Bot API call, retrying 5xx and network failures; other errors (and the last failure) are thrown. */
export async function retrying<T>(s: Sender, what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !retryable(err)) throw err;
      s.log.warn(
        { method: what, attempt: attempt + 1, retryInMs: delay, reason: safeError(err) },
        "retrying",
      );
      await s.clock.sleep(delay);
    }
  }
}

const HTML = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

/** Sends HTML split at Telegram's limit; the buttons go with the last part, under the text they act on. */
export async function sendHtml(
  s: Sender,
  chatId: number,
  html: string,
  markup?: InlineKeyboardMarkup,
): Promise<{ messageId: number }> {
  const parts = splitMessage(html);
  let messageId = 0;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const sent = await retrying(s, "sendMessage", () =>
      s.api.sendMessage(chatId, part, { ...HTML, ...(last && markup ? { reply_markup: markup } : {}) }),
    );
    messageId = sent.message_id;
  }
  return { messageId };
}

/**
 * Replaces a message's text (and buttons: none unless given). Telegram refuses an edit that changes nothing
 * ("message is not modified"): that is success here, not an error.
 */
export async function editHtml(
  s: Sender,
  chatId: number,
  messageId: number,
  html: string,
  markup?: InlineKeyboardMarkup,
): Promise<void> {
  // An edit cannot be split: the tail is cut rather than the edit lost (proposal texts are short anyway).
  const text = splitMessage(html)[0] ?? "";
  try {
    await retrying(s, "editMessageText", () =>
      s.api.editMessageText(chatId, messageId, text, {
        ...HTML,
        reply_markup: markup ?? { inline_keyboard: [] },
      }),
    );
  } catch (err) {
    if (err instanceof GrammyError && /not modified/i.test(err.description)) return;
    throw err;
  }
}
