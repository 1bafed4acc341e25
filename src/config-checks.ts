import type { Config } from "./config-schema.js";
import type { D } from "./decimal.js";

/**
 * Settings that are each valid alone but contradict each other: a minimum above its maximum makes the bot either
 * overspend its cap or never act, so the program refuses them at start (exit 2), naming both keys (issue 13).
 * The pairs, from going through src/config.ts:
 * - scanner.minBuyUsdt above scanner.sizing.maxBuyUsdt: every buy would break the cap (the minimum is applied
 *   after the anti-hype multiplier, the cap last);
 * - balancer5050.minPerAssetUsd above balancer5050.maxPerOperationUsdc: no operation could ever buy one asset.
 * Checked elsewhere in the schema: antiHype.dampChange24hPct below antiHype.blockChange24hPct, and the BTC/ETH
 * splits (balanceBuyer.allocationPct, balancer5050.btcEthSplitPct) summing to 100.
 * Not contradictions, so accepted: a keep-amount (balanceBuyer.keepUsdcAfterPurchase, balancer5050.keepUsdc) or a
 * minimum free balance (minUsdc, scanner.minUsdtBalance) above a per-purchase maximum: both only hold money back.
 */
export interface Contradiction {
  /** The key whose value is reported; `rule` names the other one. */
  key: string;
  rule: string;
}

interface AtMost {
  key: string;
  of: (c: Config) => D;
  max: string;
  maxOf: (c: Config) => D;
  why: string;
}

const AT_MOST: readonly AtMost[] = [
  {
    key: "scanner.minBuyUsdt",
    of: (c) => c.scanner.minBuyUsdt,
    max: "scanner.sizing.maxBuyUsdt",
    maxOf: (c) => c.scanner.sizing.maxBuyUsdt,
    why: "every scanner buy would be above its maximum",
  },
  {
    key: "balancer5050.minPerAssetUsd",
    of: (c) => c.balancer5050.minPerAssetUsd,
    max: "balancer5050.maxPerOperationUsdc",
    maxOf: (c) => c.balancer5050.maxPerOperationUsdc,
    why: "the balancer could never buy anything",
  },
];

export function contradictions(config: Config): Contradiction[] {
  return AT_MOST.filter((p) => p.of(config).gt(p.maxOf(config))).map((p) => ({
    key: p.key,
    rule:
      `must not be above ${p.max} (${p.maxOf(config).toFixed()}): ${p.why}. ` +
      `Lower ${p.key} or raise ${p.max}`,
  }));
}
