import type { Context, MiddlewareFn } from "grammy";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";

/**
 * Who the control bot obeys. The allow-list (TELEGRAM_ALLOWED_CHAT_IDS) holds user ids and/or group chat ids.
 *
 * The rule: an update is obeyed only when BOTH its sender and its chat are allowed.
 * - The sender's user id must be in the list, always. A listed group does not make its members owners: anyone
 *   can be added to a group, and a stranger there must not press Execute on a proposal.
 * - The chat must be the sender's own private chat (its id is the user's id), or a group whose id is in the list.
 *   A listed owner writing in an unlisted group gets nothing: balances must not leak to the group's other members.
 * - No sender (a channel post, an anonymous group admin posting as the group) or no chat (a button on an inline
 *   message) is denied. Deny is the default for anything the rule does not name.
 * So for a group, list both the group's id and the id of every member who may give orders.
 *
 * Read-only viewers (TELEGRAM_VIEWER_IDS, user ids only) follow the same rule for the chat: their own private
 * chat, or a group in the allow-list. What they may do there is viewer-gate.ts's to decide. A viewer listed in
 * the allow-list too is still a viewer: the allow-list also says who receives the messages, and listing a
 * viewer there is how a viewer gets them; being a viewer only ever takes rights away.
 */

export interface Subject {
  chatId: number | undefined;
  chatType: string | undefined;
  fromId: number | undefined;
}

export function isAllowed(s: Subject, allowed: ReadonlySet<number>): boolean {
  if (s.fromId === undefined || s.chatId === undefined) return false;
  if (!allowed.has(s.fromId)) return false;
  if (s.chatType === "private") return s.chatId === s.fromId;
  return allowed.has(s.chatId);
}

export type Role = "owner" | "viewer";

/** Who the sender is here, or undefined for everyone the bot must not answer. */
export function roleOf(
  s: Subject,
  allowed: ReadonlySet<number>,
  viewers: ReadonlySet<number>,
): Role | undefined {
  if (s.fromId !== undefined && viewers.has(s.fromId)) {
    if (s.chatId === undefined) return undefined;
    if (s.chatType === "private") return s.chatId === s.fromId ? "viewer" : undefined;
    return allowed.has(s.chatId) ? "viewer" : undefined;
  }
  return isAllowed(s, allowed) ? "owner" : undefined;
}

export interface AccessOptions {
  allowedIds: readonly number[];
  /** Read-only users (TELEGRAM_VIEWER_IDS). */
  viewerIds?: readonly number[];
  clock: Clock;
  log: Logger;
  /** A refused sender is logged at most once per this span (default one hour). */
  logEveryMs?: number;
}

/** Bounds the memory of refused senders: a flood of strangers cannot grow it without limit. */
const MAX_REMEMBERED = 1000;

/** The allow-list as grammY middleware: strangers' updates stop here, unanswered. */
export class AccessGuard {
  readonly #allowed: ReadonlySet<number>;
  readonly #viewers: ReadonlySet<number>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #everyMs: number;
  /** Sender (or chat, when there is no sender) → when its refusal was last logged. */
  readonly #lastLogged = new Map<string, number>();

  constructor(opts: AccessOptions) {
    this.#allowed = new Set(opts.allowedIds);
    this.#viewers = new Set(opts.viewerIds ?? []);
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#everyMs = opts.logEveryMs ?? 3_600_000;
  }

  /** True if obeyed; a refusal is logged (rate-limited) so the owner can find an id they forgot to list. */
  check(s: Subject & { kind: string; username?: string }): boolean {
    if (roleOf(s, this.#allowed, this.#viewers) !== undefined) return true;
    const key = s.fromId !== undefined ? `user:${s.fromId}` : `chat:${s.chatId}`;
    const now = this.#clock.now();
    const last = this.#lastLogged.get(key);
    if (last === undefined || now - last >= this.#everyMs) {
      this.#remember(key, now);
      this.#log.warn(
        { fromId: s.fromId, chatId: s.chatId, chatType: s.chatType, username: s.username, kind: s.kind },
        "Telegram update from a sender or chat not in TELEGRAM_ALLOWED_CHAT_IDS or TELEGRAM_VIEWER_IDS: ignored (logged once an hour per sender)",
      );
    }
    return false;
  }

  /**
   * Runs first: a refused update reaches no handler, so a stranger gets no reply and no answerCallbackQuery
   * (even a button's spinner tells them the bot is alive and reads them).
   */
  middleware(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const kind = ctx.callbackQuery ? "callback" : ctx.message ? "message" : "other";
      const ok = this.check({
        chatId: ctx.chat?.id,
        chatType: ctx.chat?.type,
        fromId: ctx.from?.id,
        ...(ctx.from?.username !== undefined ? { username: ctx.from.username } : {}),
        kind,
      });
      if (ok) await next();
    };
  }

  #remember(key: string, now: number): void {
    // Deleted first so the Map's order stays oldest-logged first.
    this.#lastLogged.delete(key);
    this.#lastLogged.set(key, now);
    if (this.#lastLogged.size <= MAX_REMEMBERED) return;
    for (const [k, at] of this.#lastLogged) if (now - at >= this.#everyMs) this.#lastLogged.delete(k);
    // Still full of recent strangers: forget the oldest (Map keeps insertion order).
    while (this.#lastLogged.size > MAX_REMEMBERED) {
      const oldest = this.#lastLogged.keys().next().value;
      if (oldest === undefined) break;
      this.#lastLogged.delete(oldest);
    }
  }
}
