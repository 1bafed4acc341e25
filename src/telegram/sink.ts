import type { Logger } from "../log.js";
import { htmlToPlain } from "./format.js";

/**
 * The notifier's side of delivery, without Telegram's libraries: the console sink and the types every sink shares.
 * A program with no bot token never loads grammY or auto-retry (transport.ts, loaded only with a token).
 */

/** What the notifier sends through: Telegram when a token is configured, the console otherwise. */
export interface MessageSink {
  /** Named in the "message sent" log record: the console leaves out what the console sink printed already. */
  readonly name?: string;
  /** Sends HTML text; rejects with a DeliveryError (never a raw library error) when it could not. */
  send(text: string, opts?: SendOptions): Promise<void>;
  sendPhoto?(png: Buffer, caption?: string, opts?: SendOptions): Promise<void>;
}

export interface SendOptions {
  /** Only these recipients (chat ids): a retry goes only to the chats that missed the message. */
  targets?: readonly number[];
}

/**
 * A failed delivery, made only of safe fields: a grammY error carries the token in its URL and the whole message in
 * its payload, so it is never attached as `cause`.
 */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    /** The recipients that did not get the message. */
    readonly failedTargets: readonly number[],
    /** Telegram asked to wait this long (a 429 longer than auto-retry was allowed to wait). */
    readonly retryAfterSec: number | undefined,
    /** Retrying cannot help (bot blocked, chat not found, token revoked). */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Used when no bot token is configured: the operator still sees every report, as plain text. */
export class ConsoleSink implements MessageSink {
  readonly name = "console";
  private readonly out: NodeJS.WritableStream | undefined;
  private readonly log: Logger;

  /**
   * `out` defaults to stdout in a terminal. Off a terminal the console carries JSON lines only (a block of text
   * would break them), and the notifier's "message sent" record holds the text.
   */
  constructor(opts: { log: Logger; out?: NodeJS.WritableStream }) {
    this.log = opts.log;
    this.out = opts.out ?? (process.stdout.isTTY ? process.stdout : undefined);
  }

  async send(text: string): Promise<void> {
    const plain = htmlToPlain(text);
    this.out?.write(`── message ──\n${plain}\n`);
    // Debug: the notifier already logs every message it sends at info.
    this.log.debug({ sink: "console", text: plain }, "message printed (no Telegram token)");
  }

  async sendPhoto(png: Buffer, caption?: string): Promise<void> {
    const plain = caption ? htmlToPlain(caption) : "";
    this.out?.write(`── chart (${png.length} bytes, shown only in Telegram) ──\n${plain}\n`);
    this.log.debug(
      { sink: "console", bytes: png.length, text: plain },
      "chart not shown (no Telegram token)",
    );
  }
}
