import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReplayRecord } from "./record.js";
import { computeReport, type Report, reportJson } from "./report.js";
import { reportChart } from "./report-chart.js";
import { renderMarkdown } from "./report-render.js";
import { computeSeries } from "./report-series.js";

/** The output folder of a replay: report.json, report.md, trades.csv, messages.txt and chart.png. */

export const REPORT_FILES = ["report.json", "report.md", "trades.csv", "messages.txt", "chart.png"] as const;

const TRADE_COLUMNS = [
  "time",
  "bot",
  "symbol",
  "side",
  "price",
  "qty",
  "quoteQty",
  "fee",
  "feeAsset",
  "feeUsdt",
  "orderId",
  "maker",
] as const;

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function tradesCsv(record: ReplayRecord): string {
  const rows = record.fills.map((f) =>
    [
      new Date(f.timeMs).toISOString(),
      f.bot,
      f.symbol,
      f.side,
      f.price,
      f.qty,
      f.quoteQty,
      f.fee,
      f.feeAsset,
      f.feeUsdt,
      f.orderId,
      f.isMaker ? "true" : "false",
    ]
      .map(csvField)
      .join(","),
  );
  return `${[TRADE_COLUMNS.join(","), ...rows].join("\n")}\n`;
}

/** One message after another: its virtual time, then its text, later lines indented under the first. */
export function messagesText(record: ReplayRecord): string {
  const indent = " ".repeat(26);
  return record.messages
    .map((m) => `${new Date(m.timeMs).toISOString()}  ${m.text.split("\n").join(`\n${indent}`)}\n`)
    .join("");
}

export interface WrittenReport {
  readonly report: Report;
  readonly dir: string;
  /** false when this machine has no font and chart.png was drawn without its labels. */
  readonly chartLabelled: boolean;
}

/** Computes the report once and writes every file of it into `dir` (created if missing). */
export async function writeReportFiles(record: ReplayRecord, dir: string): Promise<WrittenReport> {
  const series = computeSeries(record);
  const report = computeReport(record, series);
  const title = `Replay ${report.from.slice(0, 10)} → ${report.to.slice(0, 10)}`;
  const { png, chartLabelled } = reportChart(series, title);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "report.json"), reportJson(report)),
    writeFile(join(dir, "report.md"), renderMarkdown(report, chartLabelled)),
    writeFile(join(dir, "trades.csv"), tradesCsv(record)),
    writeFile(join(dir, "messages.txt"), messagesText(record)),
    writeFile(join(dir, "chart.png"), png),
  ]);
  return { report, dir, chartLabelled };
}

/** The replay runner's entry point: the report's files in `dir`, and its figures for the console. */
export async function writeReport(record: ReplayRecord, dir: string): Promise<Report> {
  return (await writeReportFiles(record, dir)).report;
}
