import { D } from "../decimal.js";
import type { RankBy } from "./options.js";
import type { ReplayRecord } from "./record.js";

/** The figures a sweep ranks its points by, from the record's samples (the report computes the full set). */
export interface RunSummary {
  startUsdt: string;
  endUsdt: string;
  returnPct: string;
  /** Largest fall from a peak of the sampled value, in percent of that peak. */
  maxDrawdownPct: string;
  fills: number;
}

export function summarize(record: ReplayRecord): RunSummary {
  const values = record.samples.map((s) => new D(s.valueUsdt));
  const start = values[0] ?? new D(0);
  const end = values[values.length - 1] ?? start;
  let peak = start;
  let worst = new D(0);
  for (const v of values) {
    if (v.gt(peak)) peak = v;
    if (peak.gt(0)) worst = D.max(worst, peak.minus(v).div(peak));
  }
  return {
    startUsdt: start.toFixed(2),
    endUsdt: end.toFixed(2),
    returnPct: (start.isZero() ? new D(0) : end.div(start).minus(1).mul(100)).toFixed(2),
    maxDrawdownPct: worst.mul(100).toFixed(2),
    fills: record.fills.length,
  };
}

/** Best first: the highest return, the smallest drawdown, or the most return per point of drawdown. */
export function rankKey(s: RunSummary, by: RankBy): D {
  const ret = new D(s.returnPct);
  const dd = new D(s.maxDrawdownPct);
  if (by === "return") return ret;
  if (by === "drawdown") return dd.neg();
  // No drawdown at all: the return alone decides, ahead of any point that had one.
  return dd.isZero() ? ret.mul(1e9) : ret.div(dd);
}
