import { type Account, ApiError, type MexcClient } from "./api/index.js";
import { TRADING_BOTS } from "./bots/ids.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Mode } from "./env.js";
import { safeError } from "./redact.js";

/** The pre-flight's checks one by one; preflight.ts runs them in order and decides what the report means. */

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** "server", "clock", "api key", "can trade", "balances", or "pair <SYMBOL>". */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do about it (warnings and failures). */
  readonly fix?: string;
}

/** Records one check's result (the console line and the log line). */
export type AddCheck = (r: CheckResult) => void;
/** Records a check that was not run, and why. */
export type SkipCheck = (check: string, why: string) => void;

const NTP_FIX =
  "Sync the clock with NTP: `sudo timedatectl set-ntp true`, then check `timedatectl status` shows " +
  '"System clock synchronized: yes".';
const KEY_FIX =
  "The API key or secret is wrong, or the key is not enabled for spot: copy both again from MEXC → API " +
  "Management into MEXC_API_KEY and MEXC_API_SECRET (.env), and check the key is active, allows spot trading and " +
  "reading, and lists this server's public IP on its whitelist (`curl -4 ifconfig.me` shows it).";
const WHITELIST_FIX =
  "This server's IP is not on the key's whitelist: add it in MEXC → API Management (`curl -4 ifconfig.me` shows " +
  "the public IP), or create a key bound to it.";
const PERMISSION_FIX =
  "The key lacks a permission: enable spot trading and read (never withdrawal) for it in MEXC → API Management.";
const KEY_SYMBOLS_FIX =
  "Add the pair to the API key's trading pairs in MEXC → API Management (a key trades only the pairs it lists).";
const UNREACHABLE_FIX =
  "Check the network and MEXC_BASE_URL; if MEXC is in maintenance (status page, announcements), start again later.";
const upstreamFix = (url: string) =>
  `Paper mode reads MEXC's public market data from ${url} (MEXC_BASE_URL): check this machine's network ` +
  "(connection, DNS, proxy, firewall) and the URL, then start again.";

/**
 * Who approves the proposals: a bot with autoTrade false (or unset, in live mode) proposes its orders, and only
 * Telegram's Execute button places them. Without Telegram, unset fails (the user did not choose) and false warns.
 */
export function approvalsCheck(config: Config, mode: Mode, telegram: boolean): CheckResult {
  const enabled = TRADING_BOTS.filter((b) => config[b].enabled);
  const unset = mode === "live" ? enabled.filter((b) => config[b].autoTrade === undefined) : [];
  const off = enabled.filter((b) => config[b].autoTrade === false);
  if (telegram || (unset.length === 0 && off.length === 0))
    return {
      check: "approvals",
      status: "pass",
      detail: telegram
        ? "proposals are sent to Telegram for approval"
        : "every enabled bot trades by itself (autoTrade)",
    };
  if (unset.length > 0)
    return {
      check: "approvals",
      status: "fail",
      detail:
        `no Telegram bot is configured, and ${unset.map((b) => `${b}.autoTrade`).join(", ")} ${unset.length === 1 ? "is" : "are"} ` +
        "unset, which in live mode turns every order of these bots into a proposal nobody can approve.",
      fix:
        "Set TELEGRAM_BOT_TOKEN and TELEGRAM_ALLOWED_CHAT_IDS in .env to approve them in Telegram, or set autoTrade " +
        "for these bots in the config: `autoTrade: true` to let a bot trade alone, or `enabled: false` to turn it off.",
    };
  return {
    check: "approvals",
    status: "warn",
    detail: `no Telegram bot is configured and ${off.map((b) => `${b}.autoTrade`).join(", ")} ${off.length === 1 ? "is" : "are"} false: their proposals are printed, and expire unapproved.`,
    fix: "Set TELEGRAM_BOT_TOKEN and TELEGRAM_ALLOWED_CHAT_IDS in .env to approve them.",
  };
}

export interface ConfiguredPair {
  symbol: string;
  /** A bot cannot work without it: missing or not tradable fails the pre-flight; otherwise it only warns. */
  required: boolean;
  /** The config keys that name it, for the advice. */
  from: string[];
}

/** The pairs the enabled bots trade, required ones first. */
export function configuredPairs(config: Config): ConfiguredPair[] {
  const pairs = new Map<string, ConfiguredPair>();
  const add = (symbol: string, required: boolean, from: string) => {
    const p = pairs.get(symbol) ?? { symbol, required, from: [] };
    p.required ||= required;
    if (!p.from.includes(from)) p.from.push(from);
    pairs.set(symbol, p);
  };
  // The balance buyer and the 50/50 balancer buy BTC and ETH with USDC; the PnL seller sells its pairs.
  for (const s of ["BTCUSDC", "ETHUSDC"]) {
    if (config.balanceBuyer.enabled) add(s, true, "balanceBuyer");
    if (config.balancer5050.enabled) add(s, true, "balancer5050");
  }
  if (config.pnlSeller.enabled) for (const s of config.pnlSeller.pairs) add(s, true, "pnlSeller.pairs");
  if (config.balanceBuyer.enabled && config.balanceBuyer.topUpFromUsdt.enabled)
    add("USDCUSDT", false, "balanceBuyer.topUpFromUsdt");
  if (config.balancer5050.enabled)
    for (const s of config.balancer5050.altBasket) add(s, false, "balancer5050.altBasket");
  return [...pairs.values()].sort((a, b) => Number(b.required) - Number(a.required));
}

function describe(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  const safe = safeError(err);
  return typeof safe === "string" ? safe : safe.message;
}

/** A network failure in plain words: MEXC's own help for it ("Could not reach MEXC") would blame the wrong party. */
function upstreamProblem(err: unknown): string {
  if (err instanceof ApiError && err.kind === "network")
    return `no connection (${err.cause?.code ?? err.detail}): the network or the upstream is down.`;
  return describe(err);
}

function authFix(err: ApiError): string {
  if (err.code === 700006) return WHITELIST_FIX;
  if (err.code === 700007 || err.code === 401 || err.code === 30020) return PERMISSION_FIX;
  return KEY_FIX;
}

/** Paper mode: the market data comes from the upstream; without it nothing else can be judged. */
export async function checkUpstream(
  upstream: { client: MexcClient; url: string },
  add: AddCheck,
  skip: SkipCheck,
): Promise<boolean> {
  const { client: upstreamClient, url } = upstream;
  try {
    await upstreamClient.time();
    add({ check: "market data", status: "pass", detail: `${url} answers (GET /api/v3/time)` });
  } catch (err) {
    add({
      check: "market data",
      status: "fail",
      detail: `the market data upstream ${url} is not reachable: ${upstreamProblem(err)}`,
      fix: upstreamFix(url),
    });
    for (const c of ["server", "clock", "api key", "can trade", "balances", "pairs"])
      skip(c, "the market data upstream did not answer");
    return false;
  }
  return true;
}

/** Reachability and the clock, from one unsigned GET /api/v3/time read at its midpoint: the offset, if it answered. */
export async function checkServerAndClock(
  client: MexcClient,
  clock: Clock,
  maxOffset: number,
  add: AddCheck,
  skip: SkipCheck,
): Promise<number | undefined> {
  let offset: number | undefined;
  try {
    const sentAt = clock.now();
    const serverTime = await client.time();
    const receivedAt = clock.now();
    offset = Math.round(serverTime - (sentAt + receivedAt) / 2);
    add({
      check: "server",
      status: "pass",
      detail: `reachable, server time ${new Date(serverTime).toISOString()} (round trip ${receivedAt - sentAt} ms)`,
    });
  } catch (err) {
    add({ check: "server", status: "fail", detail: `not reachable: ${describe(err)}`, fix: UNREACHABLE_FIX });
  }
  if (offset === undefined) {
    for (const c of ["clock", "api key", "can trade", "balances", "pairs"])
      skip(c, "the exchange did not answer");
    return undefined;
  }
  const side = offset > 0 ? "behind" : "ahead of";
  add(
    Math.abs(offset) <= maxOffset
      ? {
          check: "clock",
          status: "pass",
          detail: `local clock within ${Math.abs(offset)} ms of the exchange's`,
        }
      : {
          check: "clock",
          status: "fail",
          detail: `the local clock is ${Math.abs(offset)} ms ${side} the exchange's (at most ${maxOffset} ms allowed).`,
          fix: NTP_FIX,
        },
  );
  return offset;
}

/** The key, the account and its balances, from one signed GET /api/v3/account: the account, if it was read. */
export async function checkAccount(
  client: MexcClient,
  mode: Mode,
  add: AddCheck,
  skip: SkipCheck,
): Promise<Account | undefined> {
  let account: Account | undefined;
  try {
    account = await client.account();
    add({ check: "api key", status: "pass", detail: "signed request accepted (GET /api/v3/account)" });
  } catch (err) {
    if (err instanceof ApiError && err.kind === "auth") {
      add({
        check: "api key",
        status: "fail",
        detail: `refused by the exchange (${err.code !== undefined ? `code ${err.code}: ` : ""}${err.detail}).`,
        fix: authFix(err),
      });
    } else if (err instanceof ApiError && err.kind === "clock") {
      add({
        check: "api key",
        status: "fail",
        detail: `the signed request was refused for its timestamp (code ${err.code ?? "?"}).`,
        fix: NTP_FIX,
      });
    } else {
      add({ check: "api key", status: "fail", detail: `could not be checked: ${describe(err)}` });
    }
  }
  if (account) {
    add(
      account.canTrade
        ? { check: "can trade", status: "pass", detail: "the account may trade" }
        : {
            check: "can trade",
            status: "fail",
            detail: "the exchange reports canTrade=false for this account.",
            fix:
              "Check in MEXC that the account has no trading restriction (verification, risk control) and that " +
              "the API key allows spot trading.",
          },
    );
    if (account.permissions.length > 0 && !account.permissions.includes("SPOT"))
      add({
        check: "can trade",
        status: "warn",
        detail: `the account's permissions are ${account.permissions.join(", ")}, without SPOT.`,
        fix: PERMISSION_FIX,
      });
    const held = account.balances.filter((b) => !b.free.plus(b.locked).isZero());
    add(
      held.length > 0
        ? {
            check: "balances",
            status: "pass",
            detail: held
              .map(
                (b) =>
                  `${b.asset} ${b.free.toFixed()}${b.locked.isZero() ? "" : ` (+${b.locked.toFixed()} locked)`}`,
              )
              .join(", "),
          }
        : {
            check: "balances",
            status: "warn",
            detail: "readable, but every balance is zero.",
            fix: "Deposit USDT and/or USDC (spot account) for the bots to have something to trade.",
          },
    );
  } else {
    skip("can trade", "the account could not be read");
    skip("balances", "the account could not be read");
    if (mode === "live") skip("api symbols", "the account could not be read");
  }
  return account;
}

/** The pairs the enabled bots use: each exists, is tradable through the API, and (live) this key may trade it. */
export async function checkPairs(
  client: MexcClient,
  config: Config,
  keySymbols: ReadonlySet<string> | undefined,
  add: AddCheck,
): Promise<void> {
  for (const { symbol, required, from } of configuredPairs(config)) {
    const check = `pair ${symbol}`;
    const whereFix = required
      ? `Needed by ${from.join(", ")}: correct it in src/config.ts, or disable the bot that needs it (enabled: false).`
      : `The bot skips it and goes on with the others; remove or replace it in src/config.ts (${from.join(", ")}).`;
    let problem: string | undefined;
    try {
      const rules = await client.symbolRules(symbol);
      if (!rules) problem = "not a market of the exchange (not in exchangeInfo).";
      else if (!rules.tradable)
        problem = "listed but not tradable through the API now (paused, offline, or not in defaultSymbols).";
      else if (keySymbols && !keySymbols.has(symbol)) {
        add({
          check,
          status: required ? "fail" : "warn",
          detail:
            "this API key may not trade it (not in GET /api/v3/selfSymbols); every order on it would be refused.",
          fix: `${KEY_SYMBOLS_FIX} ${whereFix}`,
        });
        continue;
      } else if (rules.tradeSide !== "all") {
        add({
          check,
          status: "warn",
          detail: `tradable, but the exchange accepts ${rules.tradeSide === "closed" ? "no" : rules.tradeSide} orders now.`,
          fix: "Orders on the other side are skipped until it reopens.",
        });
        continue;
      }
    } catch (err) {
      add({ check, status: "fail", detail: `the symbol rules could not be read: ${describe(err)}` });
      continue;
    }
    if (problem === undefined)
      add({ check, status: "pass", detail: "exists and is tradable through the API" });
    else add({ check, status: required ? "fail" : "warn", detail: problem, fix: whereFix });
  }
}

/**
 * GET /api/v3/selfSymbols (docs "User API default symbol"): the symbols this key may trade by API. A bot never
 * sends an order outside it: the list goes to the client's symbol rules, which refuse such an order before
 * sending. An exchange without the endpoint (HTTP 404: a stand-in for MEXC, never MEXC itself) only warns and
 * restricts nothing; any other failure fails, as an unreadable account would.
 */
export async function readKeySymbols(
  client: MexcClient,
  add: AddCheck,
): Promise<ReadonlySet<string> | undefined> {
  const check = "api symbols";
  try {
    const symbols = await client.selfSymbols();
    client.rules.restrictToKeySymbols(symbols);
    add(
      symbols.length > 0
        ? { check, status: "pass", detail: `this key may trade ${symbols.length} symbols by API` }
        : {
            check,
            status: "fail",
            detail: "the exchange lists no symbol this key may trade by API (GET /api/v3/selfSymbols).",
            fix: KEY_SYMBOLS_FIX,
          },
    );
    return new Set(symbols);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      add({
        check,
        status: "warn",
        detail:
          "the exchange does not offer GET /api/v3/selfSymbols: the key's symbols are not restricted here.",
        fix: "MEXC itself offers it; if MEXC_BASE_URL points at MEXC, check the URL.",
      });
      return undefined;
    }
    add({
      check,
      status: "fail",
      detail: `the key's API symbols could not be read: ${describe(err)}`,
      ...(err instanceof ApiError && err.kind === "auth" ? { fix: authFix(err) } : {}),
    });
    return undefined;
  }
}
