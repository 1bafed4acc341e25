import type { AntiHypeVerdict } from "./anti-hype.js";
import { num, points, times } from "./format.js";
import type { Indicators } from "./indicators.js";

/**
 * The scanner's score (seed note 002, MarketScanner step 3): points for signs that a coin is cheap or turning up,
 * minus points for signs that it is expensive, each with a reason a person can read.
 *
 * | rule                                               | points | reason                 |
 * | -------------------------------------------------- | ------ | ---------------------- |
 * | RSI < 30 (oversold)                                 | +2     | "RSI 28 oversold +2"   |
 * | 30 ≤ RSI < 40 (low)                                 | +1     | "RSI 35 low +1"        |
 * | RSI > 70 (overbought)                               | -2     | "RSI 75 overbought -2" |
 * | MACD histogram turned positive on the last bar      | +1     | "MACD crossed up +1"   |
 * | MACD histogram turned negative on the last bar      | -1     | "MACD crossed down -1" |
 * | last close below the lower Bollinger band           | +1     | "below lower band +1"  |
 * | last close above the upper Bollinger band           | -1     | "above upper band -1"  |
 * | volume ratio ≥ 2 and the price not falling          | +1     | "volume 3.1× +1"       |
 *
 * Decisions where the seed is vague:
 * - The RSI bands do not add up: an RSI of 28 earns +2, not +2 and +1.
 * - "Crossed" means the histogram's sign changed between the last two bars (from ≤ 0 to > 0, or ≥ 0 to < 0); a
 *   histogram that stays positive earns nothing, since the signal is the turn, not the trend.
 * - A close exactly on a band is inside it.
 * - "The price not falling" means neither the last bar (close against the close before) nor the 24 h change is
 *   negative: a spike on a red bar or inside a falling day is more often a sell-off than accumulation, and this is
 *   a reason to buy, so both horizons must agree. The 24 h quote volume is not scored: the scanner's liquidity
 *   floor (`scanner.minQuoteVolume24hUsdt`) is applied before a pair is scanned.
 * - An indicator that could not be computed scores 0 and adds no reason.
 * - RSI and ratios print with one decimal, trailing ".0" dropped ("RSI 28", "volume 3.1×"), more next to a
 *   threshold ("RSI 29.96", never "RSI 30 oversold").
 */

export const SCORE_RULES = {
  oversoldRsi: 30,
  lowRsi: 40,
  overboughtRsi: 70,
  volumeSpike: 2,
} as const;

/** The 24 h ticker figures of a pair (MEXC /api/v3/ticker/24hr), as numbers. */
export interface Stats24h {
  /** Percent, e.g. 5.2 for +5.2 %. */
  readonly changePct: number;
  readonly quoteVolume: number;
}

export interface ScoreResult {
  readonly score: number;
  readonly reasons: readonly string[];
}

export function scoreIndicators(indicators: Indicators, stats24h: Pick<Stats24h, "changePct">): ScoreResult {
  const reasons: string[] = [];
  let score = 0;
  const add = (p: number, text: string) => {
    score += p;
    reasons.push(`${text} ${points(p)}`);
  };

  const rsi = indicators.rsi.value;
  if (rsi !== undefined) {
    const shown = num(rsi, [SCORE_RULES.oversoldRsi, SCORE_RULES.lowRsi, SCORE_RULES.overboughtRsi]);
    if (rsi < SCORE_RULES.oversoldRsi) add(2, `RSI ${shown} oversold`);
    else if (rsi < SCORE_RULES.lowRsi) add(1, `RSI ${shown} low`);
    else if (rsi > SCORE_RULES.overboughtRsi) add(-2, `RSI ${shown} overbought`);
  }

  const cross = indicators.macd.value?.cross;
  if (cross === "up") add(1, "MACD crossed up");
  else if (cross === "down") add(-1, "MACD crossed down");

  const band = indicators.bollinger.value?.position;
  if (band === "below") add(1, "below lower band");
  else if (band === "above") add(-1, "above upper band");

  const ratio = indicators.volume.value?.ratio;
  const lastBar = indicators.lastBarChangePct.value;
  // `>= 0` is false for NaN, so an unknown 24 h change never earns the point.
  const notFalling = lastBar !== undefined && lastBar >= 0 && stats24h.changePct >= 0;
  if (ratio !== undefined && ratio >= SCORE_RULES.volumeSpike && notFalling)
    add(1, `volume ${times(ratio, [SCORE_RULES.volumeSpike])}`);

  return { score, reasons };
}

export type ScanClass = "opportunity" | "neutral" | "blocked";

export interface Classified {
  readonly kind: ScanClass;
  /** The score, or the anti-hype override (−10) when blocked, as the seed's report showed it. */
  readonly score: number;
  /** The score's reasons, then the filter's. */
  readonly reasons: readonly string[];
}

/**
 * Sorts a scanned pair into the seed's three lists: blocked by the anti-hype filter, a buy opportunity when the
 * score is strictly above `minBuyScore` (config `scanner.minBuyScore`), otherwise neutral.
 */
export function classify(scored: ScoreResult, antiHype: AntiHypeVerdict, minBuyScore: number): Classified {
  const reasons = [...scored.reasons, ...antiHype.reasons];
  if (antiHype.verdict === "blocked") return { kind: "blocked", score: antiHype.scoreOverride, reasons };
  return { kind: scored.score > minBuyScore ? "opportunity" : "neutral", score: scored.score, reasons };
}
