import type { D } from "../decimal.js";
import { num, signedPct, times } from "./format.js";
import type { Indicators } from "./indicators.js";

/**
 * Anti-hype filter (seed note 002, AntiHypeFilter and RebalancerAntiHypeFilter): never buy a coin that has just
 * pumped, buy less into mild hype, buy more (DCA) into a dip. Thresholds come from `config.antiHype`.
 *
 * Block rules: any one of them blocks (score −10, size ×0); all that fire are listed, so the report says
 * everything that was wrong, not just the first thing.
 * - 24 h change above `blockChange24hPct`: the pump already happened.
 * - close more than `blockAboveUpperBandPct` percent above the upper Bollinger band: the price left its range.
 * - RSI above `blockRsi`: overbought.
 * - last candle's volume above `blockVolumeSpike` × its average while the price rises (the last bar closed up, or
 *   the 24 h change is positive): a pump in progress. A spike on a falling price is a sell-off, not hype.
 * Otherwise a size multiplier:
 * - 24 h change above `dampChange24hPct`: mild hype, ×`dampMultiplier` (< 1).
 * - 24 h change below −`dipChange24hPct`: a dip, ×`dipMultiplier` (the DCA boost, 2 by default).
 * - else ×1.
 * Every comparison is strict: a value exactly at a threshold does not trigger it.
 * An indicator that could not be computed (too few candles) skips its rule, and the reasons say so. A 24 h change
 * that is not a finite number blocks: every rule but the indicator ones hangs on it, and buying blind is the one
 * outcome a safety filter must not produce.
 *
 * Rebalancing buys (`checkRebalanceBuy`) restore a target split rather than chase a coin, so they are held to looser
 * limits: each block and damp threshold is `rebalanceLeniency` times looser. For percent and volume thresholds that
 * means multiplied. RSI is bounded by 100, so multiplying it (80 × 1.5 = 120) would silently switch the rule off;
 * instead the room above the threshold is divided: 100 − (100 − 80) / 1.5 ≈ 86.7. The dip rule is not a
 * restriction and stays as it is.
 */

/** The thresholds, as `config.antiHype` holds them (plain values: filters never read the config's schema). */
export interface AntiHypeSettings {
  readonly blockChange24hPct: number;
  readonly blockAboveUpperBandPct: number;
  readonly blockRsi: number;
  readonly blockVolumeSpike: number;
  readonly dampChange24hPct: number;
  readonly dampMultiplier: D;
  readonly dipChange24hPct: number;
  readonly dipMultiplier: D;
  readonly rebalanceLeniency: number;
}

/** What the filter looks at; plain numbers, `undefined` when an indicator could not be computed. */
export interface HypeInput {
  readonly change24hPct: number;
  readonly rsi?: number | undefined;
  /** (close − upper band) / upper band × 100; negative when the close is under the band. */
  readonly pctAboveUpperBand?: number | undefined;
  readonly volumeRatio?: number | undefined;
  readonly lastBarChangePct?: number | undefined;
}

export const BLOCKED_SCORE = -10;

export type AntiHypeVerdict =
  | {
      readonly verdict: "blocked";
      readonly scoreOverride: typeof BLOCKED_SCORE;
      readonly multiplier: 0;
      readonly reasons: readonly string[];
    }
  | { readonly verdict: "damped"; readonly multiplier: number; readonly reasons: readonly string[] }
  | { readonly verdict: "boosted"; readonly multiplier: number; readonly reasons: readonly string[] }
  | { readonly verdict: "allowed"; readonly multiplier: 1; readonly reasons: readonly string[] };

/** The thresholds one check uses, already as numbers. */
interface Limits {
  readonly blockChange24hPct: number;
  readonly blockAboveUpperBandPct: number;
  readonly blockRsi: number;
  readonly blockVolumeSpike: number;
  readonly dampChange24hPct: number;
  readonly dampMultiplier: number;
  readonly dipChange24hPct: number;
  readonly dipMultiplier: number;
}

/** The scanner's check: the thresholds as configured. */
export function checkBuy(settings: AntiHypeSettings, input: HypeInput): AntiHypeVerdict {
  return judge(limitsOf(settings, 1), input);
}

/** The softer check for rebalancing buys: block and damp thresholds `rebalanceLeniency` times looser. */
export function checkRebalanceBuy(settings: AntiHypeSettings, input: HypeInput): AntiHypeVerdict {
  return judge(limitsOf(settings, settings.rebalanceLeniency), input);
}

/** The filter's input from computed indicators and the 24 h ticker change. */
export function hypeInputOf(indicators: Indicators, change24hPct: number): HypeInput {
  const bands = indicators.bollinger.value;
  return {
    change24hPct,
    rsi: indicators.rsi.value,
    pctAboveUpperBand: bands && ((bands.close - bands.upper) / bands.upper) * 100,
    volumeRatio: indicators.volume.value?.ratio,
    lastBarChangePct: indicators.lastBarChangePct.value,
  };
}

function limitsOf(s: AntiHypeSettings, leniency: number): Limits {
  return {
    blockChange24hPct: s.blockChange24hPct * leniency,
    blockAboveUpperBandPct: s.blockAboveUpperBandPct * leniency,
    blockRsi: 100 - (100 - s.blockRsi) / leniency,
    blockVolumeSpike: s.blockVolumeSpike * leniency,
    dampChange24hPct: s.dampChange24hPct * leniency,
    dampMultiplier: s.dampMultiplier.toNumber(),
    dipChange24hPct: s.dipChange24hPct,
    dipMultiplier: s.dipMultiplier.toNumber(),
  };
}

function judge(l: Limits, input: HypeInput): AntiHypeVerdict {
  const change = input.change24hPct;
  if (!Number.isFinite(change)) {
    return blocked([`24h change unknown (${change}): not buying blind`]);
  }
  const rsi = known(input.rsi);
  const above = known(input.pctAboveUpperBand);
  const spike = known(input.volumeRatio);
  const lastBar = known(input.lastBarChangePct);

  const blocks: string[] = [];
  if (change > l.blockChange24hPct) {
    blocks.push(
      `24h change ${signedPct(change, [l.blockChange24hPct])} above ${num(l.blockChange24hPct)}%: pumped`,
    );
  }
  if (above !== undefined && above > l.blockAboveUpperBandPct) {
    blocks.push(
      `price ${num(above, [l.blockAboveUpperBandPct])}% above the upper band (limit ${num(l.blockAboveUpperBandPct)}%)`,
    );
  }
  if (rsi !== undefined && rsi > l.blockRsi) {
    blocks.push(`RSI ${num(rsi, [l.blockRsi])} above ${num(l.blockRsi)}: overbought`);
  }
  const rising = (lastBar !== undefined && lastBar > 0) || change > 0;
  if (spike !== undefined && spike > l.blockVolumeSpike && rising) {
    blocks.push(
      `volume ${times(spike, [l.blockVolumeSpike])} above ${times(l.blockVolumeSpike)} on a rising price`,
    );
  }

  const skipped = [
    rsi === undefined ? "RSI" : undefined,
    above === undefined ? "upper band" : undefined,
    spike === undefined ? "volume spike" : undefined,
  ].filter((s) => s !== undefined);
  const notes = skipped.length > 0 ? [`not checked (no data): ${skipped.join(", ")}`] : [];

  if (blocks.length > 0) return blocked([...blocks, ...notes]);
  if (change > l.dampChange24hPct) {
    const reason = `24h change ${signedPct(change, [l.dampChange24hPct])} above ${num(l.dampChange24hPct)}%: mild hype, size ${times(l.dampMultiplier)}`;
    return { verdict: "damped", multiplier: l.dampMultiplier, reasons: [reason, ...notes] };
  }
  if (change < -l.dipChange24hPct) {
    const reason = `24h change ${signedPct(change, [-l.dipChange24hPct])} below -${num(l.dipChange24hPct)}%: dip, DCA size ${times(l.dipMultiplier)}`;
    return { verdict: "boosted", multiplier: l.dipMultiplier, reasons: [reason, ...notes] };
  }
  return {
    verdict: "allowed",
    multiplier: 1,
    reasons: [`no hype (24h ${signedPct(change)}): size 1×`, ...notes],
  };
}

function blocked(reasons: string[]): AntiHypeVerdict {
  return { verdict: "blocked", scoreOverride: BLOCKED_SCORE, multiplier: 0, reasons };
}

/** NaN or Infinity from a caller counts as "no data", like undefined: a rule cannot judge what it cannot read. */
function known(x: number | undefined): number | undefined {
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}
