import type { ReplayFill, ReplayRecord, ReplaySample } from "../../src/replay/record.js";

/** Small hand-written replay records for the report's tests: every figure they check is computed by hand. */

export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 0, 1);

/** A sample at day `day` of the replay, all in USDT unless balances say otherwise. */
export function sample(day: number, valueUsdt: string, more: Partial<ReplaySample> = {}): ReplaySample {
  return {
    timeMs: T0 + day * DAY,
    valueUsdt,
    balances: more.balances ?? { USDT: valueUsdt },
    pricesUsdt: more.pricesUsdt ?? { BTC: "50000", ETH: "2000" },
  };
}

export function fill(more: Partial<ReplayFill> = {}): ReplayFill {
  return {
    timeMs: T0 + DAY,
    bot: "balancer5050",
    symbol: "BTCUSDT",
    base: "BTC",
    quote: "USDT",
    side: "BUY",
    price: "50000",
    qty: "0.001",
    quoteQty: "50",
    fee: "0.05",
    feeAsset: "USDT",
    feeUsdt: "0.05",
    orderId: "1",
    isMaker: false,
    ...more,
  };
}

export function record(samples: readonly ReplaySample[], more: Partial<ReplayRecord> = {}): ReplayRecord {
  return {
    fromMs: samples[0]?.timeMs ?? T0,
    toMs: samples[samples.length - 1]?.timeMs ?? T0,
    interval: "15m",
    startBalances: { USDT: samples[0]?.valueUsdt ?? "0" },
    samples,
    fills: [],
    bots: [],
    messages: [],
    overrides: {},
    ...more,
  };
}
