import { D } from "../decimal.js";
import type { Performance, Report } from "./report.js";

/**
 * The report for people: report.md (every figure, with tables) and the one screen the replay prints at its end.
 * Figures are rounded for reading here only; report.json keeps them to 8 decimals.
 */

const CONSOLE_WIDTH = 100;
const CONSOLE_BOT_ROWS = 8;

/** 1234.5 → "1,234.50": two decimals and thousands separators, from the decimal string (no float). */
export function money(s: string | null): string {
  if (s === null) return "n/a";
  const fixed = new D(s).toFixed(2);
  const [int, frac] = fixed.split(".") as [string, string];
  const sign = int.startsWith("-") ? "-" : "";
  const digits = int.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}.${frac}`;
}

/** "12.3456" → "+12.35 %"; null (a zero start) → "n/a". */
export function signedPct(s: string | null, dp = 2): string {
  if (s === null) return "n/a";
  const v = new D(s).toFixed(dp);
  return `${v.startsWith("-") ? "" : "+"}${v} %`;
}

const day = (iso: string | null) => (iso === null ? "never" : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const align = head.map((_, i) => (i === 0 ? "---" : "---:"));
  return [head, align, ...rows].map((r) => `| ${r.join(" | ")} |`);
}

const performanceRows = (r: Report): [string, Performance][] => [
  ["Portfolio", r.portfolio],
  ["Buy and hold", r.buyAndHold],
  ["60/40 BTC/ETH", r.sixtyForty],
];

const botCells = (r: Report) =>
  r.bots.map((b) => [
    b.bot,
    String(b.orders),
    String(b.fills),
    money(b.realizedUsdt),
    money(b.unrealizedUsdt),
    money(b.turnoverUsdt),
    money(b.feesUsdt),
  ]);
const BOT_HEAD = ["Bot", "Orders", "Fills", "Realized", "Unrealized", "Turnover", "Fees"];

function drawdownLine(r: Report): string {
  const dd = r.maxDrawdown;
  if (dd.peakAt === null) return "Max drawdown: none (the value never fell below an earlier high)";
  const back = dd.recoveredAt === null ? "not recovered by the end" : `recovered ${day(dd.recoveredAt)}`;
  return `Max drawdown: ${new D(dd.pct).toFixed(2)} % from ${day(dd.peakAt)} to ${day(dd.troughAt)}, ${back}`;
}

const overridesText = (r: Report) =>
  Object.entries(r.overrides)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ") || "none (the default config)";

/** The bot periods grouped: "every 900 s: alts, buyer · 3600 s: reporter". */
function periodsText(periods: Readonly<Record<string, number>>): string {
  const bySec = new Map<number, string[]>();
  for (const [bot, sec] of Object.entries(periods)) bySec.set(sec, [...(bySec.get(sec) ?? []), bot]);
  return [...bySec]
    .sort(([a], [b]) => a - b)
    .map(([sec, bots], i) => `${i === 0 ? "every " : ""}${sec} s: ${bots.join(", ")}`)
    .join(" · ");
}

/** One line on how often the suite decided, so a reader knows what was simulated. */
function paceLine(r: Report): string {
  const p = r.pace;
  if (!p) return "Pace: not recorded";
  const how = p.mode === "candle" ? `candle (at ${r.interval} closes)` : "bot (each at its own period)";
  return `Pace: ${how} · ${periodsText(p.botPeriodsSec)}`;
}

function paceSection(r: Report): string[] {
  const p = r.pace;
  if (!p) return [];
  const changed = Object.entries(p.changed).map(([k, [from, to]]) => `${k} ${from} → ${to} s`);
  const timers = Object.entries(p.timersSec).map(([k, sec]) => `${k} ${sec} s`);
  return [
    "## Pace",
    "",
    `- ${paceLine(r).replace(/^Pace: /, "")}; the clock stepped ${p.stepSec} s at a time.`,
    `- Timers: ${timers.join(", ")}.`,
    `- Changed from the config for this pace: ${changed.length ? changed.join(", ") : "nothing"}.`,
    ...(p.mode === "candle"
      ? [
          "- At the candle pace a bot sees only closes: a high inside a candle that a seller deciding every " +
            "minute would have sold into is missed; resting limit orders still fill wherever the path crosses them.",
        ]
      : []),
    "",
  ];
}

const clip = (s: string) => (s.length > CONSOLE_WIDTH ? `${s.slice(0, CONSOLE_WIDTH - 1)}…` : s);

/** The one screen the replay ends with: at most 25 lines of at most 100 columns. */
export function renderConsole(report: Report, output?: { dir: string; chartLabelled?: boolean }): string {
  const r = report;
  const perf = performanceRows(r).map(([name, p]) => [
    name,
    money(p.startUsdt),
    money(p.endUsdt),
    money(p.pnlUsdt),
    signedPct(p.returnPct),
  ]);
  const bots = botCells(r);
  const shown = bots.slice(0, CONSOLE_BOT_ROWS);
  const lines = [
    `Replay ${day(r.from)} → ${day(r.to)} UTC (${r.interval}, ${r.samples} samples)`,
    `Overrides: ${overridesText(r)}`,
    paceLine(r),
    "",
    ...columns([["USDT", "Start", "End", "PnL", "Return"], ...perf]),
    drawdownLine(r),
    `Fees ${money(r.feesUsdt)} USDT in ${r.fills} fills · in the market ${new D(r.timeInMarket.pct).toFixed(1)} % ` +
      `of the time · ${r.messages} messages`,
    "",
    ...(bots.length === 0 ? ["No bot traded."] : columns([BOT_HEAD, ...shown])),
    ...(bots.length > shown.length ? [`… and ${bots.length - shown.length} more bots in report.md`] : []),
  ];
  if (r.warnings.length > 0) lines.push(`Warnings: ${r.warnings.length}, the first: ${r.warnings[0]}`);
  if (output?.chartLabelled === false)
    lines.push("chart.png has no labels: no system font (fonts-dejavu-core)");
  if (output)
    lines.push(`Report: ${output.dir}/ (report.md, report.json, trades.csv, messages.txt, chart.png)`);
  return `${lines.map(clip).join("\n")}\n`;
}

function summarySection(r: Report): string[] {
  return [
    `# Replay ${day(r.from)} → ${day(r.to)} UTC`,
    "",
    `Interval ${r.interval}, ${r.samples} samples. Overrides: ${overridesText(r)}.`,
    `Starting balances: ${Object.entries(r.startBalances)
      .map(([a, q]) => `${q} ${a}`)
      .join(", ")}.`,
    "",
    "## Value (USDT)",
    "",
    ...markdownTable(
      ["", "Start", "End", "PnL", "Return"],
      performanceRows(r).map(([name, p]) => [
        name,
        money(p.startUsdt),
        money(p.endUsdt),
        money(p.pnlUsdt),
        signedPct(p.returnPct),
      ]),
    ),
    "",
    "Buy and hold keeps the starting balances untouched. The 60/40 portfolio puts the starting value into " +
      `${Object.entries(r.sixtyForty.holdings)
        .map(([a, q]) => `${q} ${a}`)
        .join(" and ")} at the first sample's prices, without fees, and holds them.`,
    "",
  ];
}

function riskSection(r: Report): string[] {
  return [
    "## Risk and activity",
    "",
    `- ${drawdownLine(r)}.`,
    `- Fees: ${money(r.feesUsdt)} USDT over ${r.fills} fills (each fee valued in USDT at its fill).`,
    `- In the market ${new D(r.timeInMarket.pct).toFixed(2)} % of the time: the share of the replay during which ` +
      `more than ${r.timeInMarket.thresholdPct} % of the value was outside USDT and USDC.`,
    `- Telegram messages: ${r.messages} (messages.txt).`,
    "",
    "## Bots (USDT)",
    "",
    ...(r.bots.length === 0 ? ["No bot traded."] : markdownTable(BOT_HEAD, botCells(r))),
    "",
  ];
}

export function renderMarkdown(report: Report, chartLabelled = true): string {
  const lines = [...summarySection(report), ...paceSection(report), ...riskSection(report)];
  if (report.warnings.length > 0) {
    lines.push("## Warnings", "", ...report.warnings.map((w) => `- ${w}`), "");
  }
  lines.push(
    "![Value against the benchmarks, drawdown underneath](chart.png)",
    "",
    ...(chartLabelled
      ? []
      : ["The chart has no labels: this machine has no font (install fonts-dejavu-core).", ""]),
    "Every fill is in trades.csv; every figure to 8 decimals in report.json. A replay cannot know queue " +
      "position, the real depth of the book, slippage beyond the simulator's model, or outages.",
  );
  return `${lines.join("\n")}\n`;
}
