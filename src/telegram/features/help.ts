import { helpView } from "../views.js";
import { type Feature, onCommand } from "./feature.js";

/** /help (and /start, which Telegram sends first): the command list, from every feature's own entries. */
export const help: Feature = {
  commands: [{ command: "help", description: "this list" }],
  composer: (f) =>
    onCommand(
      ["start", "help"],
      f.guarded("help", (ctx) => f.reply(ctx, helpView(f.deps.mode, f.commands))),
    ),
};
