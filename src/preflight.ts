import { type Account, ApiError, type MexcClient } from "./api/index.js";
import { TRADING_BOTS } from "./bots/ids.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Mode } from "./env.js";
import type { Logger } from "./log.js";
import { safeError } from "./redact.js";
import { EXIT_FIX_SETUP } from "./settings.js";

/**
 * Start-up checks run once before any bot starts, in every mode (sim and paper must pass them too): the exchange
 * answers, the local clock agrees with it, the API key signs, the account may trade, the balances read, and the
 * pairs the enabled bots need exist and are tradable through the API. Each check gives one line (PASS, WARN, FAIL
 * or SKIP) and one structured log line; any FAIL throws a PreflightError naming every failed check and what to do.
 *
 * Pairs: a pair a bot cannot work without (the BTC/ETH USDC pairs of the balance buyer and the 50/50 balancer, the
 * PnL seller's pairs) fails; an alt-basket entry or the buyer's optional USDCUSDT top-up only warns, because those
 * bots already skip a symbol that is missing or paused and go on with the others, and MEXC pauses or delists alts
 * often enough that one of them should not keep the whole suite from starting.
 *
 * Live only: the symbols the API key may trade (GET /api/v3/selfSymbols). From then on the client refuses any
 * order outside them before sending; a pair a bot needs that the key may not trade fails (or warns, as above).
 */

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

export interface PreflightReport {
  readonly mode: Mode;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  /** Exchange clock minus local clock (ms), measured at the midpoint of GET /api/v3/time. */
  readonly clockOffsetMs: number | undefined;
}

export interface PreflightOptions {
  client: MexcClient;
  config: Config;
  mode: Mode;
  clock: Clock;
  log: Logger;
  /**
   * Largest tolerated distance between the local and the exchange clock (ms), default 1000. MEXC refuses a
   * timestamp more than 1 s ahead of its clock whatever recvWindow is; the client corrects a steady offset, but
   * a clock this far off is not synchronised at all, keeps drifting between the client's resyncs, and skews every
   * time the bots compare with the exchange's (trade history windows, order timeouts, the UTC day of the loss limit).
   */
  maxClockOffsetMs?: number;
  /**
   * Whether a Telegram bot is configured (main passes it; the "approvals" check runs only when it is given): in
   * live mode a bot whose autoTrade is unset turns its orders into proposals, and without Telegram nobody can
   * approve them (issue 13, defect 10).
   */
  telegram?: boolean;
  /**
   * Paper mode: the MEXC-compatible upstream the simulator takes its market data from (MEXC_BASE_URL), checked
   * first. The simulator itself answers locally, so its "server" check says nothing about the network.
   */
  upstream?: { client: MexcClient; url: string };
}

const MARK: Record<CheckStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

/** One line per check, for the console. */
export function reportLines(report: PreflightReport): string[] {
  return [
    `Pre-flight checks (${report.mode.toUpperCase()}):`,
    ...report.checks.map((c) => `  ${MARK[c.status]}  ${c.check}: ${c.detail}${c.fix ? ` ${c.fix}` : ""}`),
  ];
}

/** Every failed check and what to do, in one message. Holds no secret: only check names, facts and advice. */
export class PreflightError extends Error {
  override readonly name = "PreflightError";
  readonly failed: readonly CheckResult[];

  constructor(readonly report: PreflightReport) {
    const failed = report.checks.filter((c) => c.status === "fail");
    super(
      `Pre-flight checks failed (${report.mode.toUpperCase()}): ${failed.length} problem${failed.length === 1 ? "" : "s"}, ` +
        "no bot was started.\n" +
        failed.map((c) => `  - ${c.check}: ${c.detail}${c.fix ? ` ${c.fix}` : ""}`).join("\n"),
    );
    this.failed = failed;
  }
}

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

/**
 * Runs every check; resolves with the report when none failed, throws PreflightError (carrying the report)
 * otherwise. Checks that depend on a failed one are reported as SKIP.
 */
export async function preflight(opts: PreflightOptions): Promise<PreflightReport> {
  const { client, config, mode, clock, log } = opts;
  const maxOffset = opts.maxClockOffsetMs ?? 1000;
  const checks: CheckResult[] = [];
  const add = (r: CheckResult) => {
    checks.push(r);
    const fields = { check: r.check, status: r.status, ...(r.fix ? { fix: r.fix } : {}) };
    const line = `pre-flight ${r.check}: ${r.detail}`;
    if (r.status === "fail") log.error(fields, line);
    else if (r.status === "warn") log.warn(fields, line);
    else log.info(fields, line);
  };
  const skip = (check: string, why: string) => add({ check, status: "skip", detail: `not checked: ${why}` });

  // 0. Settings alone: who approves the proposals.
  if (opts.telegram !== undefined) add(approvalsCheck(config, mode, opts.telegram));

  // Paper mode: the market data comes from the upstream; without it nothing else can be judged.
  if (opts.upstream) {
    const { client: upstreamClient, url } = opts.upstream;
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
      return finish(mode, checks, undefined);
    }
  }

  // 1. Reachability and the clock, from one unsigned GET /api/v3/time read at its midpoint.
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
    return finish(mode, checks, offset);
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

  // 2. The key, the account and its balances, from one signed GET /api/v3/account.
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

  // 3. Live: the symbols this API key may trade. Only then: the simulator's accounts have no such list to honour.
  const keySymbols = mode === "live" && account ? await readKeySymbols(client, add) : undefined;

  // 4. The pairs the enabled bots use.
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
  return finish(mode, checks, offset);
}

/**
 * GET /api/v3/selfSymbols (docs "User API default symbol"): the symbols this key may trade by API. A bot never
 * sends an order outside it: the list goes to the client's symbol rules, which refuse such an order before
 * sending. An exchange without the endpoint (HTTP 404: a stand-in for MEXC, never MEXC itself) only warns and
 * restricts nothing; any other failure fails, as an unreadable account would.
 */
async function readKeySymbols(
  client: MexcClient,
  add: (r: CheckResult) => void,
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

function finish(mode: Mode, checks: CheckResult[], clockOffsetMs: number | undefined): PreflightReport {
  const report: PreflightReport = {
    mode,
    ok: checks.every((c) => c.status !== "fail"),
    checks,
    clockOffsetMs,
  };
  if (!report.ok) throw new PreflightError(report);
  return report;
}

/**
 * For the composition root: runs the checks, prints one line per check to `out` (stdout), and on failure prints
 * the PreflightError's message to `err` (stderr). Resolves with undefined when the bots may start, else with the
 * exit code to stop with (2: something for the operator to fix before starting again).
 */
export async function runPreflightOrExplain(
  opts: PreflightOptions & {
    out?: (text: string) => void;
    err?: (text: string) => void;
  },
): Promise<number | undefined> {
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const errOut = opts.err ?? ((t: string) => process.stderr.write(t));
  try {
    const report = await preflight(opts);
    out(`${reportLines(report).join("\n")}\n`);
    return undefined;
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    out(`${reportLines(e.report).join("\n")}\n`);
    errOut(`${e.message}\n`);
    return EXIT_FIX_SETUP;
  }
}
