import type { ChaosResult } from "./run.js";

const LABELS: Record<keyof ChaosResult["figures"], string> = {
  ordersWithoutJournal: "exchange orders with no journal entry",
  unresolved: "journal entries left PENDING/UNKNOWN",
  duplicateClientIds: "orders sent twice (one client id)",
  repeatsInCooldown: "repeats inside a bot's cooldown",
  spendingAboveCap: "spending above a cap",
  journalMismatches: "journal vs exchange mismatches",
  fillsMissing: "fills missing from fills.jsonl",
  fillsExtra: "fills in fills.jsonl not on the exchange",
  fillsDiffering: "fills differing from the exchange",
  unexpectedExits: "runs that crashed or did not stop cleanly",
};

/** The table `npm run chaos` prints: what was exercised, then every figure that must be zero. */
export function formatChaos(r: ChaosResult): string {
  const killedRunning = r.runs.filter((x) => x.stage === "running").length;
  const lines = [
    `chaos: ${r.runs.length} runs killed (${r.runs.length - killedRunning} during start-up, ${killedRunning} while running), then one clean stop; ${r.seconds.toFixed(0)} s`,
    `exercised: ${r.counts.exchangeOrders} orders on the exchange (${Object.entries(r.counts.ordersByBot)
      .map(([b, n]) => `${b} ${n}`)
      .join(
        ", ",
      )}), ${r.counts.exchangeTrades} trades, ${r.counts.journalEntries} journal entries, ${r.counts.fills} fills`,
    "",
    "must be zero                                   ",
  ];
  for (const [key, label] of Object.entries(LABELS) as [keyof ChaosResult["figures"], string][]) {
    lines.push(`  ${label.padEnd(44)} ${String(r.figures[key]).padStart(5)}`);
  }
  if (r.findings.length > 0) {
    lines.push("", "findings:");
    for (const f of r.findings.slice(0, 50)) lines.push(`  - ${f}`);
    if (r.findings.length > 50) lines.push(`  … ${r.findings.length - 50} more`);
  }
  return lines.join("\n");
}
