import { userConfig as shipped } from "../config.js";

/**
 * The suite as `npm run chaos` runs it: the shipped config with every interval, cooldown and timeout cut to
 * seconds, so a few seconds of life between two SIGKILLs see runs, orders, fills, timeouts and cancels. Every bot
 * trades by itself (`autoTrade: true`): live mode with no Telegram would otherwise only queue proposals.
 * The caps are small so that spending above one (a cooldown lost in a crash) shows in the audit.
 */
export const userConfig = {
  ...shipped,
  scanner: {
    ...shipped.scanner,
    autoTrade: true,
    intervalSec: 7,
    maxPairs: 12,
    concurrency: 4,
    /** Buy the best pair whatever its score, so the scanner places an order in nearly every run. */
    minBuyScore: -5,
    sizing: { ...shipped.scanner.sizing, maxBuyUsdt: 20 },
  },
  balanceBuyer: {
    ...shipped.balanceBuyer,
    autoTrade: true,
    intervalSec: 2,
    maxPurchaseUsdc: 30,
    cooldownSec: 12,
    orderTimeoutSec: 6,
  },
  pnlSeller: {
    ...shipped.pnlSeller,
    autoTrade: true,
    intervalSec: 3,
    profitThresholdUsd: "0.01",
    orderTimeoutSec: 6,
    notifyEverySec: 60,
    rebalanceEverySec: 60,
  },
  altsSeller: {
    ...shipped.altsSeller,
    autoTrade: true,
    intervalSec: 3,
    profitThresholdUsd: "0.01",
    orderTimeoutSec: 6,
    notifyEverySec: 60,
  },
  balancer5050: {
    ...shipped.balancer5050,
    autoTrade: true,
    intervalSec: 3,
    maxPerOperationUsdc: 30,
    cooldownSec: 12,
    orderTimeoutSec: 6,
  },
  ordersReporter: { ...shipped.ordersReporter, intervalSec: 60 },
  shutdown: { ...shipped.shutdown, graceSec: 5 },
};

/** The caps the audit holds the exchange's orders to, read from the same object the suite ran with. */
export const chaosCaps = {
  scanner: { perOrderUsdt: userConfig.scanner.sizing.maxBuyUsdt },
  buyer: {
    perPurchase: userConfig.balanceBuyer.maxPurchaseUsdc,
    cooldownSec: userConfig.balanceBuyer.cooldownSec,
  },
  balancer: {
    perPurchase: userConfig.balancer5050.maxPerOperationUsdc,
    cooldownSec: userConfig.balancer5050.cooldownSec,
  },
} as const;
