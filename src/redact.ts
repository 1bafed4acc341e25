/**
 * The last line of defence against leaking secrets into logs, errors and messages. Libraries put secrets where we
 * cannot reach them with path-based redaction (axios errors carry the X-MEXC-APIKEY header and the signed URL,
 * grammY network errors carry the bot token in the URL), so every log line is scrubbed as text before it is
 * written, and errors are reduced to small safe objects before they are logged.
 */

const registered = new Set<string>();

/** Adds a value that must never be written anywhere (an API secret, API key, bot token). */
export function registerSecret(value: string | undefined): void {
  // Very short values would blank out ordinary text; real keys and tokens are long.
  if (value && value.length >= 8) registered.add(value);
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

const PATTERNS: [RegExp, string][] = [
  // MEXC signature in a query string or object.
  [/(signature["']?\s*[=:]\s*["']?)[0-9a-fA-F]{16,}/g, "$1[redacted]"],
  // API key header in any spelling, as JSON or as an HTTP header line.
  [/(x-mexc-apikey["']?\s*[=:]\s*["']?)[^"',\s}]+/gi, "$1[redacted]"],
  // Telegram bot token inside a Bot API URL or alone.
  [/bot\d{5,}:[A-Za-z0-9_-]{20,}/g, "bot[redacted]"],
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, "[redacted]"],
];

export function scrub(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  for (const [re, repl] of PATTERNS) out = out.replace(re, repl);
  return out;
}

export interface SafeError {
  type: string;
  message: string;
  kind?: string;
  code?: string | number;
  status?: number;
  endpoint?: string;
  stack?: string;
  cause?: SafeError | string;
}

const SAFE_FIELDS = ["kind", "code", "status", "endpoint", "method", "error_code", "description"] as const;

/**
 * Reduces any thrown value to the few fields worth logging. Deliberately drops everything else (config, request,
 * response, headers, payload): those are where libraries keep secrets.
 */
export function safeError(err: unknown, depth = 0): SafeError | string {
  if (!(err instanceof Error)) return scrub(typeof err === "string" ? err : safeStringify(err));
  const out: SafeError = { type: err.name || err.constructor?.name || "Error", message: scrub(err.message) };
  const rec = err as unknown as Record<string, unknown>;
  for (const f of SAFE_FIELDS) {
    const v = rec[f];
    if (typeof v === "string")
      (out as unknown as Record<string, unknown>)[f === "error_code" ? "code" : f] = scrub(v);
    else if (typeof v === "number")
      (out as unknown as Record<string, unknown>)[f === "error_code" ? "code" : f] = v;
  }
  if (err.stack) out.stack = scrub(err.stack);
  if (err.cause !== undefined && depth < 3) out.cause = safeError(err.cause, depth + 1);
  return out;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
