import { D } from "../decimal.js";
import type { RankBy } from "./options.js";
import type { Report } from "./report.js";

/** The figures a sweep ranks its points by. */
export interface RunSummary {
  startUsdt: string;
  endUsdt: string;
  returnPct: string;
  /** Largest fall from a peak of the sampled value, in percent of that peak. */
  maxDrawdownPct: string;
  fills: number;
}

/** The sweep's figures are the report's own, rounded for the table. */
export function summarize(r: Report): RunSummary {
  const two = (v: string | null) => new D(v ?? 0).toFixed(2);
  return {
    startUsdt: two(r.portfolio.startUsdt),
    endUsdt: two(r.portfolio.endUsdt),
    returnPct: two(r.portfolio.returnPct),
    maxDrawdownPct: two(r.maxDrawdown.pct),
    fills: r.fills,
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
