import { viewerCommands } from "../viewer-gate.js";
import { helpView } from "../views.js";
import { type Feature, onCommand } from "./feature.js";

/**
 * /help (and /start, which Telegram sends first): the commands this person may use, from every feature's own
 * entries. A read-only viewer sees only the ones that read, and is told so.
 */
export const help: Feature = {
  commands: [{ command: "help", description: "this list", viewers: true }],
  composer: (f) =>
    onCommand(
      ["start", "help"],
      f.guarded("help", (ctx) => {
        if (!f.isViewer(ctx)) return f.reply(ctx, helpView(f.deps.mode, f.commands));
        const note = "🔒 You have read-only access: you may look, only the owner may change anything.";
        return f.reply(ctx, `${helpView(f.deps.mode, viewerCommands(f.commands))}\n\n${note}`);
      }),
    ),
};
