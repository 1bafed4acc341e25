/**
 * Bot ids as they appear in client order ids (`<bot>-…`), the journal, the treasury's floors and per-bot PnL.
 * One place: a bot spelled differently in two files would lose its orders' attribution.
 */
export const BOT_IDS = {
  scanner: "scanner",
  balanceBuyer: "buyer",
  pnlSeller: "pnl",
  altsSeller: "alts",
  balancer5050: "balancer",
  ordersReporter: "reporter",
} as const;

export type BotId = (typeof BOT_IDS)[keyof typeof BOT_IDS];

/** The bots that place orders, by config section (the same keys as BOT_IDS). */
export const TRADING_BOTS = [
  "scanner",
  "balanceBuyer",
  "pnlSeller",
  "altsSeller",
  "balancer5050",
] as const satisfies readonly (keyof typeof BOT_IDS)[];
