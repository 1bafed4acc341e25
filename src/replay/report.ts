import { D } from "../decimal.js";
import type { ReplayPace } from "./pace.js";
import type { ReplayRecord } from "./record.js";
import { type BotReport, botReports, sum, usdt } from "./report-bots.js";
import {
  computeSeries,
  IN_MARKET_THRESHOLD_PCT,
  type ReportSeries,
  type SeriesPoint,
  SIXTY_FORTY,
} from "./report-series.js";

/**
 * The replay's figures, computed from its record alone: pure and exact, so the same record gives the same report
 * to the byte. Amounts are decimal strings in USDT, percentages decimal strings, dates ISO UTC.
 */

export type { BotReport } from "./report-bots.js";

export { IN_MARKET_THRESHOLD_PCT } from "./report-series.js";

export interface Performance {
  readonly startUsdt: string;
  readonly endUsdt: string;
  readonly pnlUsdt: string;
  /** null when the start value is zero. */
  readonly returnPct: string | null;
}

export interface DrawdownReport {
  /** The largest fall from a running peak to a later value, in % of the peak; 0 if the value never fell. */
  readonly pct: string;
  readonly peakUsdt: string | null;
  readonly troughUsdt: string | null;
  readonly peakAt: string | null;
  readonly troughAt: string | null;
  /** When the value first stood at the peak again after the trough; null if it never did within the replay. */
  readonly recoveredAt: string | null;
}

export interface Report {
  readonly from: string;
  readonly to: string;
  readonly interval: string;
  readonly samples: number;
  readonly overrides: Readonly<Record<string, string>>;
  /** How often the suite decided; null for a record without it. */
  readonly pace: ReplayPace | null;
  readonly startBalances: Readonly<Record<string, string>>;
  readonly portfolio: Performance;
  readonly buyAndHold: Performance;
  /** Bought at the first sample's prices with the portfolio's starting value, without fees. */
  readonly sixtyForty: Performance & { readonly holdings: Readonly<Record<string, string>> };
  readonly maxDrawdown: DrawdownReport;
  /** Every fill's fee valued in USDT at its time. */
  readonly feesUsdt: string;
  readonly fills: number;
  readonly timeInMarket: { readonly pct: string; readonly thresholdPct: string };
  readonly messages: number;
  readonly bots: readonly BotReport[];
  /** Where the record contradicts itself; empty when all is consistent. */
  readonly warnings: readonly string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Percentages to 4 decimals: a hundredth of a basis point. */
const pct = (v: D) => v.toDecimalPlaces(4).toFixed();

function performance(start: D, end: D): Performance {
  return {
    startUsdt: usdt(start),
    endUsdt: usdt(end),
    pnlUsdt: usdt(end.sub(start)),
    returnPct: start.isZero() ? null : pct(end.sub(start).div(start).mul(100)),
  };
}

function seriesPerformance(points: readonly SeriesPoint[], pick: (p: SeriesPoint) => D): Performance {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last)
    throw new Error("a replay series is never empty (computeSeries refuses an empty record)");
  return performance(pick(first), pick(last));
}

export function maxDrawdown(points: readonly SeriesPoint[]): DrawdownReport {
  let peak = 0;
  let worst: { peak: number; trough: number; pct: D } | undefined;
  points.forEach((p, i) => {
    if (p.value.gt((points[peak] as SeriesPoint).value)) peak = i;
    if (p.drawdownPct.gt(worst?.pct ?? 0)) worst = { peak, trough: i, pct: p.drawdownPct };
  });
  if (!worst) {
    return { pct: "0", peakUsdt: null, troughUsdt: null, peakAt: null, troughAt: null, recoveredAt: null };
  }
  const top = points[worst.peak] as SeriesPoint;
  const bottom = points[worst.trough] as SeriesPoint;
  const recovery = points.slice(worst.trough + 1).find((p) => p.value.gte(top.value));
  return {
    pct: pct(worst.pct),
    peakUsdt: usdt(top.value),
    troughUsdt: usdt(bottom.value),
    peakAt: iso(top.timeMs),
    troughAt: iso(bottom.timeMs),
    recoveredAt: recovery ? iso(recovery.timeMs) : null,
  };
}

/**
 * The share of the replay's time spent in the market: each sample stands for the time until the next one (the
 * last sample ends the replay and stands for none); samples all at one instant count one each.
 */
export function timeInMarketPct(points: readonly SeriesPoint[]): D {
  const inMarket = (p: SeriesPoint) => p.inMarket;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return new D(0);
  const span = last.timeMs - first.timeMs;
  if (span === 0) return new D(points.filter(inMarket).length).div(points.length).mul(100);
  let inside = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const p = points[i] as SeriesPoint;
    if (inMarket(p)) inside += (points[i + 1] as SeriesPoint).timeMs - p.timeMs;
  }
  return new D(inside).div(span).mul(100);
}

function sorted(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k] as string;
  return out;
}

function feeWarnings(record: ReplayRecord): string[] {
  if (record.bots.length === 0) return [];
  const listed = new Set(record.bots.map((b) => b.bot));
  const ofResults = sum(record.bots.map((b) => b.feesUsdt));
  const ofFills = sum(record.fills.filter((f) => listed.has(f.bot)).map((f) => f.feeUsdt));
  if (ofResults.eq(ofFills)) return [];
  return [`the bots' results count ${usdt(ofResults)} USDT of fees, their fills ${usdt(ofFills)}`];
}

/** The report of a replay, from its record and (when the caller has it already) its series. */
export function computeReport(record: ReplayRecord, series: ReportSeries = computeSeries(record)): Report {
  const { points, mixHoldings } = series;
  const fees = sum(record.fills.map((f) => f.feeUsdt));
  const bots = botReports(record);
  const holdings: Record<string, string> = {};
  for (const { asset } of SIXTY_FORTY)
    holdings[asset] = (mixHoldings[asset] as D).toDecimalPlaces(12).toFixed();
  return {
    from: iso(record.fromMs),
    to: iso(record.toMs),
    interval: record.interval,
    samples: points.length,
    overrides: sorted(record.overrides),
    pace: record.pace ?? null,
    startBalances: sorted(record.startBalances),
    portfolio: seriesPerformance(points, (p) => p.value),
    buyAndHold: seriesPerformance(points, (p) => p.hold),
    sixtyForty: { ...seriesPerformance(points, (p) => p.mix), holdings },
    maxDrawdown: maxDrawdown(points),
    feesUsdt: usdt(fees),
    fills: record.fills.length,
    timeInMarket: { pct: pct(timeInMarketPct(points)), thresholdPct: IN_MARKET_THRESHOLD_PCT },
    messages: record.messages.length,
    bots: bots.rows,
    warnings: [...bots.warnings, ...feeWarnings(record)],
  };
}

/** report.json: two-space indented with a final newline; key order is the Report's, maps sorted. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
