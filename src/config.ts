/**
 * The settings you may edit. Every value is checked when the program starts: a wrong one stops it (exit code 2)
 * before any request, with a message naming the key, the value and the rule it breaks.
 *
 * Units are in the names: `...Sec` seconds, `...Pct` percent (0–100), `...Usd` / `...Usdt` / `...Usdc` amounts in
 * that dollar stablecoin. Amounts may be written as numbers (6) or strings ("0.07"); both become exact decimals.
 * `autoTrade`: true lets a bot place orders by itself; false turns its orders into proposals you approve in
 * Telegram. Leave it out (undefined) for the safe default: true in sim and paper, false in live mode.
 * Secrets (API keys, Telegram token) never go here: they live in `.env` (see `.env.example`).
 */
export const userConfig = {
  /** Market scanner: buys the best-scoring USDT pair (seed note 002, MarketScanner). */
  scanner: {
    enabled: true,
    autoTrade: undefined as boolean | undefined,
    /** Seconds between scans. */
    intervalSec: 600,
    /** Scan the top N USDT pairs by 24 h quote volume; 0 scans all of them. */
    maxPairs: 200,
    /** Pairs with less 24 h quote volume (USDT) are ignored. */
    minQuoteVolume24hUsdt: 10_000,
    /** Candle interval for the indicators (MEXC spells one hour `60m`). */
    klineInterval: "15m",
    /**
     * Candles fetched per pair. The seed used 24, too few for MACD(12,26,9) to exist (35 needed) or settle;
     * 100 costs the same single request and lets RSI, MACD and Bollinger warm up.
     */
    klineLimit: 100,
    /** Parallel kline requests; the client's weight limiter keeps them under MEXC's limits anyway. */
    concurrency: 8,
    /** Buy only when the score is strictly above this. */
    minBuyScore: 2,
    /** Smallest purchase (USDT). */
    minBuyUsdt: 6,
    /** Do not buy when free USDT is below this. */
    minUsdtBalance: 6,
    /** Sizing: below `smallBalanceBelowUsdt` spend `smallBalancePct` of USDT, else `normalPct` capped at `maxBuyUsdt`. */
    sizing: {
      smallBalanceBelowUsdt: 20,
      smallBalancePct: 60,
      normalPct: 30,
      maxBuyUsdt: 50,
    },
    /** Never bought by the scanner: stablecoins and anything you list. */
    excludedSymbols: ["USDCUSDT", "FDUSDUSDT", "TUSDUSDT", "DAIUSDT", "USDEUSDT"],
    /** Send the scan report to Telegram every N scans. */
    reportEveryCycles: 2,
    /**
     * Where MEXC refuses MARKET orders through the API (error 30051, or quoteOrderQtyMarketAllowed false), buy
     * with a marketable limit instead: at most `maxSlippagePct` above the best ask, IMMEDIATE_OR_CANCEL where the
     * symbol lists it, else a LIMIT cancelled after `limitTimeoutSec`. Such a symbol is remembered for
     * `rememberSec`, so the next buy goes straight to the limit.
     */
    marketFallback: {
      maxSlippagePct: 0.5,
      rememberSec: 86_400,
      limitTimeoutSec: 30,
    },
  },

  /**
   * Anti-hype filter: blocks buying coins that just pumped (score −10) and returns a size multiplier:
   * below 1 to damp buying into mild hype, `dipMultiplier` (DCA boost) into a dip.
   */
  antiHype: {
    /** Block when the 24 h change is above this (percent). */
    blockChange24hPct: 20,
    /** Block when the price is more than this percent above the upper Bollinger band. */
    blockAboveUpperBandPct: 2,
    /** Block when RSI is above this. */
    blockRsi: 80,
    /** Block when the last candle's volume is more than this many times the average (together with a rise). */
    blockVolumeSpike: 5,
    /** Damp (multiply the size by `dampMultiplier`) when the 24 h change is above this (percent). */
    dampChange24hPct: 8,
    dampMultiplier: 0.5,
    /** Boost (DCA) when the 24 h change is below minus this (percent). */
    dipChange24hPct: 5,
    dipMultiplier: 2,
    /** Rebalancing buys use thresholds this many times looser (softer variant). */
    rebalanceLeniency: 1.5,
  },

  /** USDC balance buyer: spends free USDC on BTC/ETH toward the target split with limit orders. */
  balanceBuyer: {
    enabled: true,
    autoTrade: undefined as boolean | undefined,
    /** Seconds between checks. */
    intervalSec: 60,
    /** Act only when free USDC is at least this. */
    minUsdc: 10,
    /** Spend at most this per purchase (USDC). */
    maxPurchaseUsdc: 100,
    /** USDC that must remain after a purchase. */
    keepUsdcAfterPurchase: 2,
    /** Target split of the BTC/ETH holding by value (percent, sums to 100). */
    allocationPct: { BTC: 60, ETH: 40 },
    /** When one asset is off its target by more than this many percentage points, buy only the lagging one. */
    rebalanceDeviationPts: 10,
    /** Smallest quantity worth buying, per asset. */
    minQuantity: { BTC: "0.0001", ETH: "0.001" },
    /** Seconds between two purchases. */
    cooldownSec: 300,
    /** A spread wider than this (percent) makes the buyer bid as maker this far under the ask instead of at it. */
    makerOffsetPct: 0.05,
    /** Placement attempts for one purchase (re-priced from the book each time). */
    placementAttempts: 3,
    /** Cancel a resting buy that has not filled after this many seconds. */
    orderTimeoutSec: 300,
    /** Optionally buy USDC with USDT (USDCUSDT) in small amounts when USDC runs short. */
    topUpFromUsdt: { enabled: false, chunkUsdt: 10 },
  },

  /** PnL seller: sells BTC/ETH when the unrealized profit (net of the exit fee) passes the threshold. */
  pnlSeller: {
    enabled: true,
    autoTrade: undefined as boolean | undefined,
    /** Seconds between profit checks. */
    intervalSec: 60,
    /** Sell a position when its unrealized profit exceeds this (USD). */
    profitThresholdUsd: "0.07",
    /** Pairs watched. */
    pairs: ["BTCUSDC", "ETHUSDC"],
    /** false: report profits but never sell. */
    autoSell: true,
    /** Limit price = market price × this (slightly under the market so it fills quickly). */
    limitPriceFactor: "0.999",
    /** Cancel an unfilled sell after this many seconds. */
    orderTimeoutSec: 120,
    /** Seconds between PnL summary reports. */
    notifyEverySec: 600,
    /** Seconds between periodic portfolio rebalances. */
    rebalanceEverySec: 3600,
    /** Rebalance even while the total PnL is negative (the seed says no). */
    rebalanceWhenPnlNegative: false,
  },

  /** Alts seller: the same rule for alt positions. */
  altsSeller: {
    enabled: true,
    autoTrade: undefined as boolean | undefined,
    intervalSec: 60,
    /** Sell an alt when its unrealized profit exceeds this (USD). */
    profitThresholdUsd: "0.15",
    limitPriceFactor: "0.999",
    orderTimeoutSec: 120,
    notifyEverySec: 600,
  },

  /** 50/50 balancer: keeps alts vs BTC/ETH near 50/50 by buying the lagging side with USDC. */
  balancer5050: {
    enabled: true,
    autoTrade: undefined as boolean | undefined,
    intervalSec: 60,
    /** Act only when free USDC is at least this. */
    minUsdc: 10,
    /** Spend at most this per operation (USDC). */
    maxPerOperationUsdc: 100,
    /** USDC that must remain after an operation (reserve for the other bots). */
    keepUsdc: 20,
    /** Act when one side is off 50 % by more than this (percent). */
    deviationPct: 10,
    /** Seconds between operations. */
    cooldownSec: 60,
    /** How the BTC/ETH side is split (percent, sums to 100). */
    btcEthSplitPct: { BTC: 60, ETH: 40 },
    /** Alts bought on the alt side. */
    altBasket: ["ADAUSDC", "DOTUSDC", "LINKUSDC", "MATICUSDC", "AVAXUSDC"],
    /** Smallest purchase per asset (USD); a small amount goes to one asset only. */
    minPerAssetUsd: 5,
    // The three order settings below mirror balanceBuyer's: both buy with book-priced limit orders, and each bot
    // keeps its own so tuning one never changes the other.
    /** A spread wider than this (percent) makes the balancer bid as maker this far under the ask instead of at it. */
    makerOffsetPct: 0.05,
    /** Placement attempts for one purchase (re-priced from the book each time; only after a rejection). */
    placementAttempts: 3,
    /** Cancel a resting buy that has not filled after this many seconds. */
    orderTimeoutSec: 300,
  },

  /** Orders reporter: a periodic summary of orders placed, filled, open, failed and fees. */
  ordersReporter: {
    enabled: true,
    intervalSec: 3600,
  },

  /** Guards shared by every bot. */
  risk: {
    /** Pause every buying bot when the day's loss (realized + unrealized change since 00:00 UTC) exceeds this (USD). */
    dailyLossLimitUsd: 25,
    /** Never have more open orders than this across all bots. */
    maxOpenOrders: 10,
    /** Creating this file (inside the data directory) pauses every bot within one tick. */
    emergencyStopFile: "EMERGENCY_STOP",
  },

  /** What SIGINT/SIGTERM (Ctrl-C, systemctl stop) does. */
  shutdown: {
    /** Seconds a bot's run in progress may take to finish before the process exits anyway. */
    graceSec: 20,
    /** Cancel every open order of the suite on the way out (false: they stay on the book and are followed again at the next start). */
    cancelOpenOrders: false,
  },

  /** Telegram reports and approvals. */
  telegram: {
    /** Identical messages within this many seconds are merged into one. */
    mergeWindowSec: 60,
    /** At least this many seconds between two messages of the same type (alerts excepted). */
    minIntervalPerTypeSec: 30,
    /** A proposal (bot with autoTrade false) expires after this many seconds. */
    proposalExpirySec: 300,
    /** Execute refuses when the price moved more than this percent since the proposal. */
    maxPriceDriftPct: 1,
    /** Seconds between portfolio value samples for /chart. */
    valueSampleEverySec: 900,
    /** Fills and cancels are gathered into one message per this many seconds (the "trade" level below). */
    tradeDigestSec: 900,
    /** The daily report goes out at this hour (UTC, 0–23): value, PnL per bot, trades, fees, the chart. */
    dailyReportHourUtc: 8,
    /**
     * How loud each message is (see src/telegram/levels.ts): "alert" is sent at once and on its own, "trade" goes
     * into the trade digest, "report" waits for the daily report (the commands still show it when asked).
     */
    levels: {
      /** An order filled, or was cancelled (partly filled or not). */
      trade: "trade",
      /** An order was rejected, or was sent and the exchange does not know it (lost). */
      "trade-failed": "alert",
      /** The bots' periodic reports: market scan, PnL summaries, orders report, a skipped rebalance. */
      report: "report",
      /** A bot with autoTrade false asks for approval (without Telegram: printed on the console). */
      proposal: "alert",
      /** A bot's runs keep failing. */
      "bot-failing": "alert",
      /** A failing bot works again. */
      "bot-recovered": "alert",
      /** A bot's run has gone on for three of its intervals without deciding (it waits on something). */
      "bot-silent": "alert",
      /** That run ended at last. */
      "bot-silent-ended": "alert",
      /** The emergency-stop file appeared or went. */
      "emergency-stop": "alert",
      /** The daily loss limit paused the buying bots, or let them go. */
      "risk-pause": "alert",
      /** The kill switch was turned on or off from Telegram. */
      "kill-switch": "alert",
      /** MEXC banned this IP for a while (418). */
      "api-banned": "alert",
      /** MEXC refused the API key. */
      "api-auth": "alert",
      /** MEXC refused how a request was built: a bug, nothing of that kind can succeed. */
      "api-client-bug": "alert",
      /** MEXC's rate limit was hit (429): the client slows down by itself. */
      "api-rate-limited": "report",
      /** The program started, is stopping, or crashed. */
      lifecycle: "alert",
    } as Record<string, "alert" | "trade" | "report">,
  },

  /** Connection to MEXC (or the simulator). */
  exchange: {
    /** How long a signed request stays valid (ms; MEXC allows at most 60000). */
    recvWindowMs: 5000,
    /** Give up waiting for an answer after this many ms. */
    timeoutMs: 10_000,
    /** Seconds between refreshes of the symbol rules (exchangeInfo). */
    rulesRefreshSec: 1800,
  },

  /**
   * How hard the client may use MEXC's rate limits. The sources disagree, so the defaults are the strictest readings
   * (details in src/api/rate-limits.ts); the client never lets any sliding window of a pool pass its budget minus
   * the margin, and a 429 lowers the pools that request charged for a while.
   */
  rateLimits: {
    /** Weight per 10 s on each public endpoint, per IP. Docs ("LIMITS"): 500; a ccxt reviewer reads 300 (ccxt PR #22879). */
    ipWeightPer10s: 300,
    /** Weight per 10 s on each signed endpoint, per account (UID). Docs ("LIMITS"): 500. */
    uidWeightPer10s: 500,
    /** Requests per second, all endpoints together. MEXC support: 20 (JKorf/Mexc.Net #42). */
    requestsPerSec: 20,
    /** New orders + cancels per second. Docs ("New Order"): about 12; MEXC support: 12 (JKorf/Mexc.Net #42). */
    ordersPerSec: 12,
    /** GET /api/v3/account per second. Docs ("Account Information"): 2. */
    accountPerSec: 2,
    /** Percent of every pool kept unused, for other programs on the same IP or key (5: 285 of 300, 19 of 20). */
    marginPct: 5,
    /** After a 429, each pool that request charged is cut to this percent of its ceiling (50: halved; 100: never cut). */
    backoffPct: 50,
    /** A cut never goes below this percent of the configured ceiling. */
    floorPct: 10,
    /** Per window (10 s, or 1 s for the per-second pools) without a 429, a cut ceiling climbs back by this percent. */
    climbPct: 10,
  },

  /** The built-in simulated exchange used in sim mode. */
  sim: {
    /** Same seed, same market. */
    seed: 42,
    /** Generated alt pairs besides the seed's symbols. */
    generatedAlts: 300,
    /** Starting balances of the simulated account. */
    startingBalances: { USDT: "500", USDC: "500" } as Record<string, string>,
    /** The asset fees are charged in: "quote", "base" or "MX" (MEXC does not document which). */
    feeAsset: "quote" as "quote" | "base" | "MX",
  },
};

export type UserConfig = typeof userConfig;
