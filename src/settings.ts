import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Config, ConfigError, parseConfig } from "./config-schema.js";
import { type Env, loadDotEnv, parseEnv } from "./env.js";
import { registerSecret } from "./redact.js";

/** Exit code for problems the operator must fix (config, environment, state file): restarting will not help. */
export const EXIT_FIX_SETUP = 2;

export function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The config is src/config.ts, or another file of the same shape given with `--config <file>`. */
export async function loadConfig(argv: string[]): Promise<Config> {
  const file = argValue(argv, "--config");
  const mod = (file ? await import(pathToFileURL(resolve(file)).href) : await import("./config.js")) as {
    userConfig?: unknown;
  };
  if (!mod.userConfig)
    throw new ConfigError([{ key: "userConfig", value: undefined, rule: `${file} exports no userConfig` }]);
  return parseConfig(mod.userConfig);
}

export function registerSecrets(env: Env): void {
  registerSecret(env.mexcKeys?.apiKey.reveal());
  registerSecret(env.mexcKeys?.apiSecret.reveal());
  registerSecret(env.telegram?.token.reveal());
}

/**
 * The environment and the config, validated, with every secret registered for scrubbing before anything can log.
 * Throws EnvError or ConfigError, whose messages name what to fix.
 */
export async function loadSettings(argv: string[]): Promise<{ env: Env; config: Config }> {
  loadDotEnv();
  const env = parseEnv();
  registerSecrets(env);
  return { env, config: await loadConfig(argv) };
}
