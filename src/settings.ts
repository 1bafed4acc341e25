import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Config, ConfigError, parseConfig } from "./config-schema.js";
import { type Env, loadDotEnv, parseEnv } from "./env.js";
import { registerSecret, scrub } from "./redact.js";

/** Exit code for problems the operator must fix (config, environment, state file): restarting will not help. */
export const EXIT_FIX_SETUP = 2;

const DEFAULT_CONFIG = "src/config.ts";

/** The config file could not be named or loaded (missing, a syntax error, an error while it ran). */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
  constructor(
    /** The file as the user gave it (or src/config.ts); undefined when `--config` came without one. */
    readonly file: string | undefined,
    readonly problem: string,
  ) {
    super(file ? `Cannot use the config file ${file}: ${problem}` : problem);
  }
}

export function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * The file named by `--config <file>` (or `--config=<file>`), undefined without the option. The option without a
 * file name is an error: silently using src/config.ts instead would trade with thresholds the user did not mean.
 */
export function configFileArg(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  if (i < 0) return undefined;
  const arg = argv[i] ?? "";
  const file = arg === "--config" ? argv[i + 1] : arg.slice("--config=".length);
  if (!file || file.startsWith("-"))
    throw new ConfigFileError(
      undefined,
      "--config needs a file name: `npm start -- --config my-config.ts` (a file shaped like src/config.ts), " +
        "or leave the option out to use src/config.ts.",
    );
  return file;
}

/** What went wrong loading a config module, in a few lines and without the loader's stack. */
function loadProblem(err: unknown, path: string): string {
  const e = err instanceof Error ? err : new Error(String(err));
  // esbuild's TransformError: "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <what>".
  if (e.name === "TransformError")
    return `it is not valid TypeScript:\n${scrub(e.message.split("\n").slice(1, 6).join("\n"))}\nFix the syntax and start again.`;
  // An error while the file ran: its message and where in the file it was thrown.
  const where = (e.stack ?? "").split("\n").find((l) => l.includes(path));
  const at = where ? ` (${where.trim().replace(/^at\s+/, "")})` : "";
  return `loading it failed: ${e.name}: ${scrub(e.message)}${at}. Fix the file and start again.`;
}

/** The config is src/config.ts, or another file of the same shape given with `--config <file>`. */
export async function loadConfig(argv: string[]): Promise<Config> {
  const file = configFileArg(argv);
  const shown = file ?? DEFAULT_CONFIG;
  let mod: { userConfig?: unknown };
  if (file) {
    const path = resolve(file);
    if (!existsSync(path) || !statSync(path).isFile())
      throw new ConfigFileError(
        file,
        `it does not exist (looked for ${path}). Check the name and the folder.`,
      );
    try {
      mod = (await import(pathToFileURL(path).href)) as typeof mod;
    } catch (e) {
      throw new ConfigFileError(file, loadProblem(e, path));
    }
  } else {
    try {
      mod = (await import("./config.js")) as typeof mod;
    } catch (e) {
      throw new ConfigFileError(DEFAULT_CONFIG, loadProblem(e, "config.ts"));
    }
  }
  if (!mod.userConfig)
    throw new ConfigError(
      [{ key: "userConfig", value: undefined, rule: `${shown} exports no userConfig` }],
      shown,
    );
  return parseConfig(mod.userConfig, shown);
}

export function registerSecrets(env: Env): void {
  registerSecret(env.mexcKeys?.apiKey.reveal());
  registerSecret(env.mexcKeys?.apiSecret.reveal());
  registerSecret(env.telegram?.token.reveal());
}

/**
 * The environment and the config, validated, with every secret registered for scrubbing before anything can log.
 * Throws EnvError, ConfigError or ConfigFileError, whose messages name what to fix.
 */
export async function loadSettings(argv: string[]): Promise<{ env: Env; config: Config }> {
  loadDotEnv();
  const env = parseEnv();
  registerSecrets(env);
  return { env, config: await loadConfig(argv) };
}
