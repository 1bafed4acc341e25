import type { SoakResult } from "./run.js";

const MUST = "must be 0";

/** The soak's figures as a plain table (two columns), then what went wrong, if anything. */
export function formatReport(r: SoakResult): string {
  const rows = [...orderRows(r), ...wireRows(r), ...outcomeRows(r)];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const problems = problemsOf(r);
  if (problems.length) lines.push("", "problems:", ...problems.map((p) => `  ${p}`));
  return lines.join("\n");
}

const zero = (n: number) => `${n}${n === 0 ? "" : "   <-- FAIL"} (${MUST})`;

/** What the bots did with their orders, and the checks that must find nothing. */
function orderRows(r: SoakResult): [string, string][] {
  const o = r.orders;
  const decisions = Object.entries(r.logs.decisions)
    .map(([b, n]) => `${b} ${n}`)
    .join(", ");
  const failed = Object.entries(r.logs.failedByBot)
    .map(([b, n]) => `${b} ${n}`)
    .join(", ");
  return [
    ["simulated", `${r.options.days} days, fault rate ${r.options.faultRate}, seed ${r.options.seed}`],
    ["orders placed (journal)", `${o.placed} (on the exchange ${o.onExchange}; by bot: ${byBot(o.byBot)})`],
    ["filled", `${o.filled} (+ ${o.partlyFilledThenCancelled} partly filled then cancelled)`],
    ["cancelled / rejected / open", `${o.cancelled} / ${o.rejected} / ${o.open}`],
    ["unknown, then resolved", String(o.unknownThenResolved)],
    ["unknown at the end", String(o.stillUnknown)],
    ["lost (at the end / ever)", `${o.lost} / ${o.everLost} (of which on the exchange: ${o.lostOnExchange})`],
    [
      "duplicates",
      `${zero(r.duplicates.total)} [same client id ${r.duplicates.sameClientId}, no journal entry ${r.duplicates.withoutJournal}]`,
    ],
    ["journal final state vs exchange", zero(r.journalVsExchange.count)],
    [
      "floor violations",
      `${zero(r.floors.violations.length)} [${r.floors.purchases} USDC purchases checked, ${r.floors.samples} samples, lowest free USDC ${r.floors.lowestUsdc}]`,
    ],
    [
      "ledger vs simulator fills",
      `${zero(r.ledger.total)} [${r.ledger.fills} fills, ${r.ledger.trades} exchange trades; missing ${r.ledger.missing}, extra ${r.ledger.extra}, different ${r.ledger.different}]`,
    ],
    [
      "bot crashes",
      `${zero(r.crashes.total)} [scheduler crashed ${r.crashes.schedulerCrashes}, unhandled ${r.crashes.unhandled}, other fatal ${r.crashes.otherFatal}]`,
    ],
    ["failed runs (retried)", `${r.logs.failedRuns}${failed ? ` (${failed})` : ""}`],
    ["bot decisions", decisions],
  ];
}

/** The requests and the faults met on the way. */
function wireRows(r: SoakResult): [string, string][] {
  const w = r.wire;
  const injected = Object.entries(r.faults.injected)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const timed = Object.entries(r.faults.timed)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return [
    ["requests made", `${w.sent} (answered ${w.answered}, dropped ${w.dropped}, timed out ${w.timedOut})`],
    ["busiest endpoints", r.busiest.map(([e, n]) => `${e} ${n}`).join(", ")],
    ["random faults injected", injected || "none"],
    ["timed faults", timed || "none"],
    [
      "429s / 418s received",
      `${w.count429} / ${w.count418} (simulator's limiter and dice: ${w.simCount429} / ${w.simCount418})`,
    ],
    [
      "5xx received",
      String(
        Object.entries(w.byStatus)
          .filter(([s]) => Number(s) >= 500)
          .reduce((n, [, c]) => n + c, 0),
      ),
    ],
  ];
}

/** Money, messages, logs and time at the end. */
function outcomeRows(r: SoakResult): [string, string][] {
  return [
    [
      "portfolio value (USDT)",
      `${r.pnl.startValueUsdt} -> ${r.pnl.endValueUsdt} (${signed(r.pnl.changeUsdt)})`,
    ],
    ["realized PnL (ledger)", `${signed(r.pnl.realizedUsd)} USD, fees ${r.pnl.feesUsd} USD`],
    [
      "realized PnL by bot",
      Object.entries(r.pnl.realizedByBotUsd)
        .map(([bot, v]) => `${bot} ${signed(v)}`)
        .join(", ") || "none",
    ],
    ["messages to the owner", messageFigures(r)],
    ["warnings / errors logged", `${r.logs.warnings} / ${r.logs.errors}`],
    [
      "real time",
      `${(r.time.realMs / 1000).toFixed(1)} s, CPU ${(r.time.cpuMs / 1000).toFixed(1)} s (${r.time.steps} steps, ${r.time.settleTurns} settle turns)`,
    ],
    ["state and logs", r.dir],
  ];
}

/** Per simulated day, and by level: the owner's phone buzzes for each one (issue 17's goal: at most 40 a day). */
function messageFigures(r: SoakResult): string {
  const days = r.options.days || 1;
  const perDay = (n: number) => (n / days).toFixed(1).replace(/\.0$/, "");
  const { held = 0, ...sent } = r.messagesByLevel;
  const levels = Object.entries(sent)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${level} ${perDay(n)}`)
    .join(", ");
  return `${r.messages} (${perDay(r.messages)} a day; by level a day: ${levels || "none"}; reports held for the daily report ${perDay(held)} a day)`;
}

function problemsOf(r: SoakResult): string[] {
  return [
    ...r.duplicates.examples.map((x) => `duplicate: ${x}`),
    ...r.journalVsExchange.examples.map((x) => `journal vs exchange: ${x}`),
    ...r.floors.violations
      .slice(0, 10)
      .map(
        (v) =>
          `floor: ${v.bot} ${v.clientOrderId ?? ""} at ${new Date(v.at).toISOString()}: ${v.why}, floor ${v.floor}`,
      ),
    ...r.ledger.examples.map((x) => `ledger: ${x}`),
    ...r.crashes.examples.map((x) => `crash: ${x}`),
  ];
}

function byBot(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([b, n]) => `${b} ${n}`)
    .join(", ");
}

function signed(s: string): string {
  return s.startsWith("-") ? s : `+${s}`;
}

/** The must-be-zero figures that are not. */
export function failures(r: SoakResult): string[] {
  return Object.entries(r.mustBeZero)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => `${k}: ${n}`);
}
