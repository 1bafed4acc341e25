/**
 * The fake Bot API's command menus: setMyCommands, deleteMyCommands and getMyCommands per scope and language, and
 * the list a person would see, found as the Bot API says Telegram finds it ("Determining list of commands",
 * core.telegram.org/bots/api#determining-list-of-commands): the first list set, narrowest scope first, each
 * scope with the user's language_code before it without.
 */

export interface Scope {
  type: string;
  chat_id?: number | string;
  user_id?: number;
}

export interface MenuCommand {
  command: string;
  description: string;
}

const DEFAULT: Scope = { type: "default" };

/** A chat id given as a string (an @username aside) is the same chat as the number. */
const keyOf = (scope: Scope, language = "") =>
  [scope.type, scope.chat_id === undefined ? "" : Number(scope.chat_id), scope.user_id ?? "", language].join(
    "|",
  );

/** Who looks at the menu, and where: a private chat when chatId is the user's id. */
export interface Viewer {
  chatId: number;
  userId: number;
  /** An administrator of that group. */
  admin?: boolean;
  language?: string;
}

export class FakeMenus {
  readonly #lists = new Map<string, MenuCommand[]>();

  /** The API methods; undefined when `method` is not one of them. */
  handle(method: string, p: Record<string, unknown>): unknown {
    const scope = (p.scope as Scope | undefined) ?? DEFAULT;
    const language = typeof p.language_code === "string" ? p.language_code : "";
    const key = keyOf(scope, language);
    switch (method) {
      case "setMyCommands": {
        const commands = (p.commands as MenuCommand[] | undefined) ?? [];
        // An empty list is the same as deleting it: the scope no longer stops the search.
        if (commands.length === 0) this.#lists.delete(key);
        else this.#lists.set(key, commands);
        return true;
      }
      case "deleteMyCommands":
        this.#lists.delete(key);
        return true;
      case "getMyCommands":
        return this.#lists.get(key) ?? [];
      default:
        return undefined;
    }
  }

  /** A list set by someone before the program started (BotFather, an earlier version). */
  preset(scope: Scope, commands: readonly string[], language = ""): void {
    this.#lists.set(
      keyOf(scope, language),
      commands.map((command) => ({ command, description: command })),
    );
  }

  /** The commands `v` sees in the menu, in order; [] when no list applies. */
  seen(v: Viewer): string[] {
    const chat = { type: "chat", chat_id: v.chatId };
    const scopes: Scope[] =
      v.chatId === v.userId
        ? [chat, { type: "all_private_chats" }, DEFAULT]
        : [
            { type: "chat_member", chat_id: v.chatId, user_id: v.userId },
            ...(v.admin ? [{ type: "chat_administrators", chat_id: v.chatId }] : []),
            chat,
            ...(v.admin ? [{ type: "all_chat_administrators" }] : []),
            { type: "all_group_chats" },
            DEFAULT,
          ];
    for (const scope of scopes)
      for (const language of v.language ? [v.language, ""] : [""]) {
        const list = this.#lists.get(keyOf(scope, language));
        if (list) return list.map((c) => c.command);
      }
    return [];
  }
}
