import type { MexcClient } from "./api/index.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Mode } from "./env.js";
import type { Logger } from "./log.js";
import {
  approvalsCheck,
  type CheckResult,
  type CheckStatus,
  checkAccount,
  checkPairs,
  checkServerAndClock,
  checkUpstream,
  readKeySymbols,
} from "./preflight-checks.js";
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

export {
  approvalsCheck,
  type CheckResult,
  type CheckStatus,
  type ConfiguredPair,
  configuredPairs,
} from "./preflight-checks.js";

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

  if (opts.upstream && !(await checkUpstream(opts.upstream, add, skip)))
    return finish(mode, checks, undefined);

  const offset = await checkServerAndClock(client, clock, maxOffset, add, skip);
  if (offset === undefined) return finish(mode, checks, offset);

  const account = await checkAccount(client, mode, add, skip);

  // Live: the symbols this API key may trade. Only then: the simulator's accounts have no such list to honour.
  const keySymbols = mode === "live" && account ? await readKeySymbols(client, add) : undefined;

  await checkPairs(client, config, keySymbols, add);
  return finish(mode, checks, offset);
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
