import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { userConfig } from "../config.js";
import { type Config, parseConfig } from "../config-schema.js";
import { ConfigFileError } from "../settings.js";

type Plain = Record<string, unknown>;

/**
 * The config of one replay: src/config.ts, with the `--config` file's partial config merged over it, then each
 * `--set key=value`; validated by config-schema as a start is, so a wrong key or value throws ConfigError naming it.
 */
export async function replayConfig(
  file: string | undefined,
  overrides: Readonly<Record<string, string>>,
): Promise<Config> {
  let merged = structuredClone(userConfig) as unknown as Plain;
  if (file) merged = mergeOver(merged, await readPartial(file));
  for (const [key, value] of Object.entries(overrides)) setAt(merged, key, value);
  const keys = Object.keys(overrides);
  const source = [file, keys.length ? `--set ${keys.join(", ")}` : undefined].filter(Boolean).join(" and ");
  return parseConfig(merged, source || undefined);
}

/** A JSON file, or a JS/TS module whose default export (or `config` / `userConfig`) is the partial config. */
async function readPartial(file: string): Promise<Plain> {
  const path = resolve(file);
  let value: unknown;
  try {
    if (path.endsWith(".json")) value = JSON.parse(readFileSync(path, "utf8"));
    else {
      const mod = (await import(pathToFileURL(path).href)) as Plain;
      value = mod.default ?? mod.config ?? mod.userConfig;
    }
  } catch (e) {
    throw new ConfigFileError(file, `could not read it (${(e as Error).message})`);
  }
  if (!isPlain(value))
    throw new ConfigFileError(
      file,
      "expected a partial config: a JSON object, or a module whose default export (or `config`) is one",
    );
  return value;
}

function isPlain(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; anything else (numbers, strings, arrays) replaces what was there. */
function mergeOver(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergeOver(b, v) : v;
  }
  return out;
}

/**
 * Sets `a.b.c` to `raw`, typed like the value it replaces (a number stays a number, so the schema judges the
 * number the user meant); a key the config does not have is set anyway, for the schema to name as unknown.
 */
function setAt(root: Plain, key: string, raw: string): void {
  const path = key.split(".");
  let node = root;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (!isPlain(next)) node[part] = {};
    node = node[part] as Plain;
  }
  const last = path[path.length - 1] ?? key;
  node[last] = typed(node[last], raw);
}

function typed(current: unknown, raw: string): unknown {
  const s = raw.trim();
  if (typeof current === "number") return s !== "" && Number.isFinite(Number(s)) ? Number(s) : raw;
  if (typeof current === "boolean") return s === "true" ? true : s === "false" ? false : raw;
  if (typeof current === "string") return raw;
  try {
    return JSON.parse(s);
  } catch {
    return raw;
  }
}
