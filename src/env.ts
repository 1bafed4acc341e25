import { existsSync } from "node:fs";
import { z } from "zod";
import { Secret } from "./secret.js";

/**
 * Secrets and the run mode come from the environment (or a `.env` file), never from src/config.ts, so the config
 * can be shared and committed. Secrets are wrapped in `Secret`, which prints as "[redacted]" everywhere.
 */

export type Mode = "sim" | "paper" | "live";

export interface Env {
  mode: Mode;
  /** Present only when both key and secret are set. */
  mexcKeys: { apiKey: Secret; apiSecret: Secret } | undefined;
  /** Base URL of the exchange: the live endpoint, or the upstream market data in paper mode. */
  mexcBaseUrl: string;
  /** True only with MODE=live and LIVE_TRADING=yes. */
  liveTrading: boolean;
  /**
   * allowedIds: the owners (and the chats messages go to); viewerIds: people who may only read (status, portfolio,
   * PnL, orders, chart, daily), and receive messages only when they are in allowedIds too.
   */
  telegram:
    | { token: Secret; allowedIds: number[]; viewerIds: number[]; apiRoot: string | undefined }
    | undefined;
  dataDir: string;
  logDir: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  /** Variables set but without effect in this setup (said at start, so a typo'd setup does not pass unnoticed). */
  ignored?: string[];
}

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const schema = z
  .object({
    MODE: z.preprocess(
      empty,
      z.enum(["sim", "paper", "live"], { error: 'must be "sim", "paper" or "live"' }).default("sim"),
    ),
    MEXC_API_KEY: z.preprocess(empty, z.string().optional()),
    MEXC_API_SECRET: z.preprocess(empty, z.string().optional()),
    MEXC_BASE_URL: z.preprocess(
      empty,
      z
        .url({ protocol: /^https?$/, error: "must be an http(s) URL like https://api.mexc.com" })
        .default("https://api.mexc.com"),
    ),
    LIVE_TRADING: z.preprocess(empty, z.string().optional()),
    TELEGRAM_BOT_TOKEN: z.preprocess(
      empty,
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token from @BotFather (digits:letters)")
        .optional(),
    ),
    TELEGRAM_ALLOWED_CHAT_IDS: z.preprocess(
      empty,
      z
        .string()
        .regex(
          /^\s*-?\d+(\s*,\s*-?\d+)*\s*$/,
          "must be a comma-separated list of numeric chat or user ids, like 12345,-100987",
        )
        .optional(),
    ),
    TELEGRAM_VIEWER_IDS: z.preprocess(
      empty,
      z
        .string()
        .regex(
          /^\s*\d+(\s*,\s*\d+)*\s*$/,
          "must be a comma-separated list of numeric Telegram user ids (people, not groups), like 12345,67890",
        )
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(
      empty,
      z.url({ protocol: /^https?$/, error: "must be an http(s) URL of a Bot API server" }).optional(),
    ),
    DATA_DIR: z.preprocess(empty, z.string().default("data")),
    LOG_DIR: z.preprocess(empty, z.string().default("logs")),
    LOG_LEVEL: z.preprocess(
      empty,
      z
        .enum(["trace", "debug", "info", "warn", "error", "fatal"], {
          error: "must be one of trace, debug, info, warn, error, fatal",
        })
        .default("info"),
    ),
  })
  .superRefine((e, ctx) => {
    if (Boolean(e.MEXC_API_KEY) !== Boolean(e.MEXC_API_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [e.MEXC_API_KEY ? "MEXC_API_SECRET" : "MEXC_API_KEY"],
        message: "is missing: MEXC_API_KEY and MEXC_API_SECRET go together",
      });
    }
    if (e.LIVE_TRADING !== undefined && e.LIVE_TRADING !== "yes") {
      ctx.addIssue({
        code: "custom",
        path: ["LIVE_TRADING"],
        message: 'must be exactly "yes" to allow live trading, or be left empty',
      });
    }
    if (e.MODE === "live") {
      if (!e.MEXC_API_KEY || !e.MEXC_API_SECRET) {
        ctx.addIssue({
          code: "custom",
          path: ["MEXC_API_KEY"],
          message:
            "MODE=live needs MEXC_API_KEY and MEXC_API_SECRET (a key with spot trading and read, never withdrawal)",
        });
      }
      if (e.LIVE_TRADING !== "yes") {
        ctx.addIssue({
          code: "custom",
          path: ["LIVE_TRADING"],
          message: "MODE=live needs LIVE_TRADING=yes as well: real money moves only when you say so twice",
        });
      }
    }
    // The API key travels in a header and the bot token in every Bot API path: over plain http anyone on the way
    // reads them. A simulator or a Bot API server on this machine (loopback) is the one exception.
    if (e.MODE === "live" && !encryptedOrLocal(e.MEXC_BASE_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["MEXC_BASE_URL"],
        message:
          "is plain http while MODE=live: your API key and signed requests would cross the network unencrypted. " +
          "Use https:// (MEXC's is https://api.mexc.com); plain http is allowed only for localhost",
      });
    }
    if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_API_ROOT && !encryptedOrLocal(e.TELEGRAM_API_ROOT)) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_API_ROOT"],
        message:
          "is plain http: the bot token is part of every request's path and would cross the network unencrypted. " +
          "Use https://, or run the Bot API server on this machine (localhost)",
      });
    }
    for (const key of ["TELEGRAM_ALLOWED_CHAT_IDS", "TELEGRAM_VIEWER_IDS"] as const) {
      const bad = (e[key] ?? "")
        .split(",")
        .map((x) => x.trim())
        .filter((x) => /^-?\d+$/.test(x) && !isTelegramId(x));
      if (bad.length)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `has ${bad.join(", ")}: a Telegram id is a whole number other than 0 of at most 52 bits (16 digits; @userinfobot tells you yours)`,
        });
    }
    if (e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_ALLOWED_CHAT_IDS) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_ALLOWED_CHAT_IDS"],
        message:
          "is empty while TELEGRAM_BOT_TOKEN is set: nobody could control the bot. Send any message to @userinfobot " +
          "in Telegram to learn your numeric user id, and put it here",
      });
    }
  });

/** https, or plain http to this machine only (a local simulator, a local Bot API server). */
function encryptedOrLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === "https:") return true;
  return u.hostname === "localhost" || u.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
}

/**
 * Telegram's ids fit in 52 bits (its Bot API docs: "at most 52 significant bits"); a longer one would round to
 * another number when read, so it is refused rather than silently allow-listing someone else.
 */
function isTelegramId(s: string): boolean {
  return /^-?[1-9]\d*$/.test(s) && Math.abs(Number(s)) < 2 ** 52;
}

export class EnvError extends Error {
  override readonly name = "EnvError";
  constructor(readonly problems: { variable: string; rule: string }[]) {
    super(
      `The environment (.env) has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p.variable} ${p.rule}`).join("\n") +
        "\nSee .env.example for every variable and what it takes.",
    );
  }
}

/** Reads `.env` (or the file named by ENV_FILE) into process.env if it exists; variables already set win. */
export function loadDotEnv(path = process.env.ENV_FILE || ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

const idList = (s: string | undefined): number[] =>
  s === undefined ? [] : s.split(",").map((x) => Number(x.trim()));

/** Validates the environment. The values of secrets never appear in an error: only variable names do. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = schema.safeParse(source);
  if (!r.success) {
    throw new EnvError(
      r.error.issues.map((i) => ({ variable: String(i.path[0] ?? "(environment)"), rule: i.message })),
    );
  }
  const e = r.data;
  return {
    mode: e.MODE,
    mexcKeys:
      e.MEXC_API_KEY && e.MEXC_API_SECRET
        ? { apiKey: new Secret(e.MEXC_API_KEY), apiSecret: new Secret(e.MEXC_API_SECRET) }
        : undefined,
    mexcBaseUrl: e.MEXC_BASE_URL.replace(/\/+$/, ""),
    liveTrading: e.MODE === "live" && e.LIVE_TRADING === "yes",
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: new Secret(e.TELEGRAM_BOT_TOKEN),
          allowedIds: idList(e.TELEGRAM_ALLOWED_CHAT_IDS),
          viewerIds: idList(e.TELEGRAM_VIEWER_IDS),
          apiRoot: e.TELEGRAM_API_ROOT?.replace(/\/+$/, ""),
        }
      : undefined,
    dataDir: e.DATA_DIR,
    logDir: e.LOG_DIR,
    logLevel: e.LOG_LEVEL,
    ignored: ignoredVariables(e),
  };
}

function ignoredVariables(e: z.infer<typeof schema>): string[] {
  const out: string[] = [];
  if (e.LIVE_TRADING === "yes" && e.MODE !== "live")
    out.push(`LIVE_TRADING=yes has no effect with MODE=${e.MODE}: no real order is sent`);
  if (!e.TELEGRAM_BOT_TOKEN)
    for (const v of ["TELEGRAM_ALLOWED_CHAT_IDS", "TELEGRAM_VIEWER_IDS", "TELEGRAM_API_ROOT"] as const)
      if (e[v]) out.push(`${v} has no effect without TELEGRAM_BOT_TOKEN: Telegram is off`);
  return out;
}
