import { type Api, GrammyError } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import type { CommandInfo } from "./features/feature.js";
import { viewerCommands } from "./viewer-gate.js";

/**
 * Telegram's command menu, per person: the owners see every command, a read-only viewer only what they may use,
 * anyone else nothing.
 *
 * Telegram shows the first list that is set, narrowest scope first (Bot API, "Determining list of commands",
 * core.telegram.org/bots/api#determining-list-of-commands): in a private chat `chat`, `all_private_chats`,
 * `default`; in a group `chat_member`, `chat_administrators`, `chat`, `all_chat_administrators`,
 * `all_group_chats`, `default`; each first with the user's language_code, then without. So:
 * - the four broad scopes are emptied (an earlier version of this program, or BotFather's /setcommands, set the
 *   default for everyone): a stranger, and a member of a listed group who is not one of ours, find no list;
 * - each owner's and each viewer's private chat gets a `chat` list, and each of them in each listed group a
 *   `chat_member` list, the narrowest scope there is: no group-wide list can outrank it.
 * Nothing is set for a language: a list with a language_code would outrank ours for that language, and the
 * program sets none. A viewer listed as an owner too is a viewer (access.ts).
 */

export interface MenuEntry {
  scope: BotCommandScope;
  /** Empty: the scope's list is deleted, so nobody there gets a menu from it. */
  commands: BotCommand[];
  /** The scope in words, for the log. */
  label: string;
}

export interface MenuPeople {
  /** TELEGRAM_ALLOWED_CHAT_IDS: owners' user ids (positive) and group chat ids (negative). */
  allowedIds: readonly number[];
  viewerIds?: readonly number[] | undefined;
}

type GrammySignal = Parameters<Api["deleteMyCommands"]>[1];

const BROAD_SCOPES = ["default", "all_private_chats", "all_group_chats", "all_chat_administrators"] as const;

/** Telegram's limit on a command's description (BotCommand: 1-256 characters). */
const MAX_DESCRIPTION = 256;

const asMenu = (commands: readonly CommandInfo[]): BotCommand[] =>
  commands.map((c) => ({ command: c.command, description: c.description.slice(0, MAX_DESCRIPTION) }));

/** Every call that sets the menu, in order: the broad scopes emptied first, then owners, then viewers. */
export function menuPlan(commands: readonly CommandInfo[], people: MenuPeople): MenuEntry[] {
  const viewers = [...new Set(people.viewerIds ?? [])].filter((id) => id > 0);
  const owners = [...new Set(people.allowedIds)].filter((id) => id > 0 && !viewers.includes(id));
  const groups = [...new Set(people.allowedIds)].filter((id) => id < 0);
  const everyone = [
    ...owners.map((id) => ({ id, commands: asMenu(commands), who: "owner" })),
    ...viewers.map((id) => ({ id, commands: asMenu(viewerCommands(commands)), who: "viewer" })),
  ];
  return [
    ...BROAD_SCOPES.map((type) => ({ scope: { type }, commands: [], label: `scope ${type}` })),
    ...everyone.map((p) => ({
      scope: { type: "chat" as const, chat_id: p.id },
      commands: p.commands,
      label: `the private chat of ${p.who} ${p.id}`,
    })),
    ...groups.flatMap((group) =>
      everyone.map((p) => ({
        scope: { type: "chat_member" as const, chat_id: group, user_id: p.id },
        commands: p.commands,
        label: `${p.who} ${p.id} in group ${group}`,
      })),
    ),
  ];
}

/** What a refusal means for the user, where Telegram's words alone do not say it. */
function advice(entry: MenuEntry, err: unknown): string | undefined {
  if (!(err instanceof GrammyError) || err.error_code !== 400) return undefined;
  if (entry.scope.type === "chat")
    return "that person has to open the bot and press Start once; the menu is set at the next start";
  if (entry.scope.type === "chat_member")
    return "that person, or the bot, is not a member of the group; the menu is set at the next start once both are";
  return undefined;
}

/**
 * Registers the plan: each scope on its own, so one failure (an owner who never started the bot) leaves the
 * others set. Failures are logged and never thrown: commands work without a menu. A refusal (400, 403) is not
 * tried again in this process; anything else (network, 5xx) is, at the next polling start.
 */
export class CommandMenu {
  #pending: MenuEntry[];
  #inFlight: Promise<void> | undefined;
  #stop = new AbortController();

  constructor(
    private readonly api: Api,
    plan: readonly MenuEntry[],
    private readonly log: Logger,
  ) {
    this.#pending = [...plan];
  }

  /** Scopes still to set (transient failures so far). */
  get pending(): readonly MenuEntry[] {
    return this.#pending;
  }

  register(): Promise<void> {
    this.#inFlight ??= this.#register().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Abandons the calls in flight (the program is stopping) and waits for them to end; a later start goes on. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#inFlight;
    this.#stop = new AbortController();
  }

  async #register(): Promise<void> {
    const stop = this.#stop.signal;
    const left: MenuEntry[] = [];
    let set = 0;
    const todo = this.#pending;
    for (const [i, entry] of todo.entries()) {
      // Stopped: what was not set stays for a later start.
      const abandon = () => {
        this.#pending = [...left, ...todo.slice(i)];
      };
      if (stop.aborted) return abandon();
      try {
        await this.#apply(entry, stop);
        set += 1;
      } catch (err) {
        if (stop.aborted) return abandon();
        const permanent = err instanceof GrammyError && (err.error_code === 400 || err.error_code === 403);
        if (!permanent) left.push(entry);
        const hint = advice(entry, err);
        this.log.warn(
          { scope: entry.scope, reason: safeError(err), ...(hint ? { advice: hint } : {}) },
          `could not set the command menu for ${entry.label} (commands still work)${permanent ? "" : "; tried again when polling restarts"}`,
        );
      }
    }
    this.#pending = left;
    this.log.info({ set, left: left.length }, "Telegram command menus registered");
  }

  #apply(entry: MenuEntry, stop: AbortSignal): Promise<true> {
    // grammY types its signal after the abort-controller shim; Node's own AbortSignal is what it uses at run time.
    const signal = stop as unknown as GrammySignal;
    if (entry.commands.length === 0) return this.api.deleteMyCommands({ scope: entry.scope }, signal);
    return this.api.setMyCommands(entry.commands, { scope: entry.scope }, signal);
  }
}
