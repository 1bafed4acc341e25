import type { LiveCheckReport } from "./live-check.js";
import type { CheckStatus } from "./preflight.js";

/** What `npm run check:live` prints: the notice that it places no order, the PASS/FAIL table, the failures. */

const MARK: Record<CheckStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

export const NO_ORDER_NOTICE = [
  "*** check:live PLACES NO ORDER. ***",
  "It reads the account and asks MEXC to validate test orders (POST /api/v3/order/test):",
  "MEXC checks them and never sends them to the matching engine. Nothing is bought or sold.",
];

export const NO_ORDER_PLACED = "*** check:live placed no order: nothing was bought or sold. ***";

/** The PASS/FAIL table: every pre-flight check, then every order shape, each with what to do when it fails. */
export function formatLiveCheck(r: LiveCheckReport): string {
  const rows = [
    ...r.preflight.checks.map((c) => ({ ...c, group: "pre-flight" })),
    ...r.orders.map((o) => ({ ...o, group: "test order" })),
  ];
  const width = Math.max(...rows.map((x) => x.check.length), 5);
  const lines = [`RESULT  ${"CHECK".padEnd(width)}  DETAIL`];
  let group = "";
  for (const x of rows) {
    if (x.group !== group) {
      group = x.group;
      lines.push(`-- ${group} --`);
    }
    lines.push(`${MARK[x.status].padEnd(6)}  ${x.check.padEnd(width)}  ${x.detail}`);
    if (x.fix && (x.status === "fail" || x.status === "warn"))
      lines.push(`${"".padEnd(8 + width)}  -> ${x.fix}`);
  }
  return lines.join("\n");
}

/** Every failure and what to do, for stderr and the exit code. */
export function failures(r: LiveCheckReport): string[] {
  return [...r.preflight.checks, ...r.orders]
    .filter((x) => x.status === "fail")
    .map((x) => `${x.check}: ${x.detail}${x.fix ? ` ${x.fix}` : ""}`);
}
