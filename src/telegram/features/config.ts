import { configSections, configView, usage } from "../views.js";
import { type Feature, onCommand } from "./feature.js";

/** /config [section]: the thresholds in effect. */
export const config: Feature = {
  commands: [{ command: "config", args: "[section]", description: "the thresholds in effect" }],
  composer: ({ deps, commands, reply, guarded }) =>
    onCommand(
      "config",
      guarded("config", (ctx) => {
        const section = ctx.match.trim();
        const sections = configSections(deps.config);
        if (section && !sections.includes(section))
          return reply(ctx, usage(commands, "config", `Sections: ${sections.join(", ")}.`));
        return reply(ctx, configView(deps.config, section || undefined));
      }),
    ),
};
