import { afterEach, expect } from "vitest";
import { RealClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { type Config, parseConfig } from "../../src/config-schema.js";
import { PreflightError, type PreflightReport, preflight } from "../../src/preflight.js";
import { captureLog } from "../bots/helpers.js";
import { startExchange } from "./exchange.js";

/** Helpers of the pre-flight's tests (test/preflight*.test.ts). */
export type Running = Awaited<ReturnType<typeof startExchange>>;

/** The user's config with an edit, parsed as the program parses it. */
export function config(edit: (c: typeof userConfig) => void = () => {}): Config {
  const c = structuredClone(userConfig);
  edit(c);
  return parseConfig(c);
}

/**
 * A starter of simulated exchanges, each closed after its test unless the test closed it: call it at a test
 * file's top level.
 */
export function exchanges(): (opts?: Parameters<typeof startExchange>[0]) => Promise<Running> {
  const open: Running[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });
  return async (opts = {}) => {
    const r = await startExchange(opts);
    let closed: Promise<void> | undefined;
    const once: Running = {
      ...r,
      close: () => {
        closed ??= r.close();
        return closed;
      },
    };
    open.push(once);
    return once;
  };
}

/** A live-mode pre-flight against `ex`, with the lines it logs. */
export function run(ex: Running, cfg = config()) {
  const { log, lines } = captureLog();
  const go = preflight({
    client: ex.client,
    config: cfg,
    mode: "live",
    clock: new RealClock(),
    log,
  });
  return { go, lines };
}

/** The PreflightError the pre-flight must end with. */
export async function failure(p: Promise<PreflightReport>): Promise<PreflightError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PreflightError);
  return e as PreflightError;
}

export const statusOf = (r: PreflightReport, check: string) =>
  r.checks.find((c) => c.check === check)?.status;
