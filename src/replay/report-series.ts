import { D } from "../decimal.js";
import type { ReplayRecord, ReplaySample } from "./record.js";

/**
 * The replay's value over time beside its two benchmarks, sample by sample, in exact Decimals: the figures of the
 * report and the lines of the chart both come from here, so the chart never shows a number the report does not.
 */

/** The assets a position in which is cash, not "in the market". */
export const STABLE_ASSETS: readonly string[] = ["USDT", "USDC"];
/**
 * A sample counts as "in the market" when more than this share of the account's value is outside USDT and USDC:
 * below it the account holds only dust and leftovers of rounding, which a user would call being in cash.
 */
export const IN_MARKET_THRESHOLD_PCT = "5";
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
  /** More than IN_MARKET_THRESHOLD_PCT of the value was outside the stablecoins. */
  readonly inMarket: boolean;
}

export interface ReportSeries {
  readonly points: readonly SeriesPoint[];
  /** Quantities of the 60/40 portfolio, bought once at the first sample. */
  readonly mixHoldings: Readonly<Record<string, D>>;
}

/**
 * Each sample's prices of the assets the report values, with an asset the sample did not price carried forward
 * from the last sample that did: a sample lists what was held or benchmarked then, and a starting asset sold out
 * of the account may drop out of it. Only those assets are parsed, and only when their price changed: a sample of
 * a 50-symbol replay prices 50 assets, and a year holds 35,040 samples.
 */
class PriceBook {
  private readonly last = new Map<string, { text: string; price: D }>([
    ["USDT", { text: "1", price: new D(1) }],
  ]);

  constructor(private readonly assets: readonly string[]) {}

  advance(sample: ReplaySample): void {
    for (const asset of this.assets) {
      const text = sample.pricesUsdt[asset];
      if (text !== undefined && text !== this.last.get(asset)?.text) {
        this.last.set(asset, { text, price: new D(text) });
      }
    }
  }

  price(asset: string, sample: ReplaySample, index: number): D {
    const p = this.last.get(asset);
    if (p) return p.price;
    throw new Error(
      `The replay record has no USDT price for ${asset} at sample ${index} ` +
        `(${new Date(sample.timeMs).toISOString()}) nor before it, so the benchmarks cannot be valued: the replay ` +
        `runner must put every starting asset and BTC and ETH in pricesUsdt from the first sample on.`,
    );
  }
}

const ZERO = new D(0);

function holdingsValue(
  holdings: Readonly<Record<string, D>>,
  book: PriceBook,
  s: ReplaySample,
  i: number,
): D {
  let total = ZERO;
  for (const [asset, qty] of Object.entries(holdings)) {
    if (!qty.isZero()) total = total.add(qty.mul(book.price(asset, s, i)));
  }
  return total;
}

/** Parses a balance only when it changed since the last sample: most samples repeat the one before. */
class Balances {
  private readonly last = new Map<string, { text: string; qty: D }>();

  qty(asset: string, sample: ReplaySample): D {
    const text = sample.balances[asset] ?? "0";
    const seen = this.last.get(asset);
    if (seen?.text === text) return seen.qty;
    const qty = new D(text);
    this.last.set(asset, { text, qty });
    return qty;
  }
}

function stablesValue(sample: ReplaySample, index: number, book: PriceBook, balances: Balances): D {
  let total = ZERO;
  for (const asset of STABLE_ASSETS) {
    const qty = balances.qty(asset, sample);
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
  const assets = new Set([
    ...Object.keys(record.startBalances),
    ...SIXTY_FORTY.map((m) => m.asset),
    ...STABLE_ASSETS,
  ]);
  const book = new PriceBook([...assets].filter((a) => a !== "USDT"));
  const balances = new Balances();
  const hold: Record<string, D> = {};
  for (const [asset, qty] of Object.entries(record.startBalances)) hold[asset] = new D(qty);
  book.advance(first);
  const mixHoldings = buyMix(new D(first.valueUsdt), book, first);
  const threshold = new D(IN_MARKET_THRESHOLD_PCT).div(100);
  let peak = new D(first.valueUsdt);
  const points = record.samples.map((s, i): SeriesPoint => {
    if (i > 0) book.advance(s);
    const value = new D(s.valueUsdt);
    if (value.gt(peak)) peak = value;
    const outside = value.sub(stablesValue(s, i, book, balances));
    return {
      timeMs: s.timeMs,
      value,
      hold: holdingsValue(hold, book, s, i),
      mix: holdingsValue(mixHoldings, book, s, i),
      // At a new high there is nothing to divide: most samples of a rising replay skip the division.
      drawdownPct: value.lt(peak) && peak.gt(0) ? peak.sub(value).div(peak).mul(100) : ZERO,
      inMarket: value.gt(0) && outside.gt(value.mul(threshold)),
    };
  });
  return { points, mixHoldings };
}
