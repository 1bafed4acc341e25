import { D } from "../decimal.js";
import type { ReplayRecord, ReplaySample } from "./record.js";

/**
 * The replay's value over time beside its two benchmarks, sample by sample, in exact Decimals: the figures of the
 * report and the lines of the chart both come from here, so the chart never shows a number the report does not.
 */

/** The assets a position in which is cash, not "in the market". */
export const STABLE_ASSETS: readonly string[] = ["USDT", "USDC"];
/** The benchmark mix bought on day one, by weight of the starting value. */
export const SIXTY_FORTY: readonly { readonly asset: string; readonly weight: string }[] = [
  { asset: "BTC", weight: "0.6" },
  { asset: "ETH", weight: "0.4" },
];

export interface SeriesPoint {
  readonly timeMs: number;
  /** The account's own value (the suite's valuation). */
  readonly value: D;
  /** The starting balances, held untouched, at this sample's prices. */
  readonly hold: D;
  /** The 60/40 BTC/ETH portfolio bought with the starting value at the first sample's prices. */
  readonly mix: D;
  /** How far the account's value is below its highest value so far, in % (0 at a new high). */
  readonly drawdownPct: D;
  /** The value held outside the stablecoins, in % of the account's value. */
  readonly outsideStablesPct: D;
}

export interface ReportSeries {
  readonly points: readonly SeriesPoint[];
  /** Quantities of the 60/40 portfolio, bought once at the first sample. */
  readonly mixHoldings: Readonly<Record<string, D>>;
}

/**
 * Each sample's prices, with an asset the sample did not price carried forward from the last sample that did: a
 * sample lists what was held or benchmarked then, and a starting asset sold out of the account may drop out of it.
 */
class PriceBook {
  private readonly last = new Map<string, D>([["USDT", new D(1)]]);

  advance(sample: ReplaySample): void {
    for (const [asset, price] of Object.entries(sample.pricesUsdt)) this.last.set(asset, new D(price));
  }

  price(asset: string, sample: ReplaySample, index: number): D {
    const p = this.last.get(asset);
    if (p) return p;
    throw new Error(
      `The replay record has no USDT price for ${asset} at sample ${index} ` +
        `(${new Date(sample.timeMs).toISOString()}) nor before it, so the benchmarks cannot be valued: the replay ` +
        `runner must put every starting asset and BTC and ETH in pricesUsdt from the first sample on.`,
    );
  }
}

function holdingsValue(
  holdings: Readonly<Record<string, D>>,
  book: PriceBook,
  s: ReplaySample,
  i: number,
): D {
  let total = new D(0);
  for (const [asset, qty] of Object.entries(holdings)) {
    if (!qty.isZero()) total = total.add(qty.mul(book.price(asset, s, i)));
  }
  return total;
}

function stablesValue(sample: ReplaySample, book: PriceBook, index: number): D {
  let total = new D(0);
  for (const asset of STABLE_ASSETS) {
    const qty = new D(sample.balances[asset] ?? "0");
    if (!qty.isZero()) total = total.add(qty.mul(book.price(asset, sample, index)));
  }
  return total;
}

function buyMix(start: D, book: PriceBook, first: ReplaySample): Record<string, D> {
  const out: Record<string, D> = {};
  for (const { asset, weight } of SIXTY_FORTY)
    out[asset] = start.mul(weight).div(book.price(asset, first, 0));
  return out;
}

export function computeSeries(record: ReplayRecord): ReportSeries {
  const first = record.samples[0];
  if (!first) {
    throw new Error(
      "The replay record holds no value samples, so there is nothing to report: check that the replay ran " +
        "at least one step (--from before --to, history covering the period).",
    );
  }
  const book = new PriceBook();
  book.advance(first);
  const hold: Record<string, D> = {};
  for (const [asset, qty] of Object.entries(record.startBalances)) hold[asset] = new D(qty);
  const mixHoldings = buyMix(new D(first.valueUsdt), book, first);
  let peak = new D(first.valueUsdt);
  const points = record.samples.map((s, i): SeriesPoint => {
    if (i > 0) book.advance(s);
    const value = new D(s.valueUsdt);
    if (value.gt(peak)) peak = value;
    const outside = value.sub(stablesValue(s, book, i));
    return {
      timeMs: s.timeMs,
      value,
      hold: holdingsValue(hold, book, s, i),
      mix: holdingsValue(mixHoldings, book, s, i),
      drawdownPct: peak.gt(0) ? peak.sub(value).div(peak).mul(100) : new D(0),
      outsideStablesPct: value.gt(0) ? D.max(outside, 0).div(value).mul(100) : new D(0),
    };
  });
  return { points, mixHoldings };
}
