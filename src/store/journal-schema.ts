import { z } from "zod";

/** The order journal's stored form. The state machine that moves entries lives in trading/order-state.ts. */
export const ORDER_STATES = [
  "PENDING",
  "OPEN",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PARTIALLY_CANCELED",
  "REJECTED",
  "UNKNOWN",
  "LOST",
] as const;
export type OrderStateName = (typeof ORDER_STATES)[number];

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string");

/** What the bot wanted: kept with the entry so a restart knows what was asked. */
export const intentSchema = z.object({
  symbol: z.string(),
  side: z.enum(["BUY", "SELL"]),
  type: z.enum(["LIMIT", "MARKET", "LIMIT_MAKER", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"]),
  quantity: decimalString.optional(),
  quoteOrderQty: decimalString.optional(),
  price: decimalString.optional(),
});
export type IntentJson = z.output<typeof intentSchema>;

export const transitionSchema = z.object({
  at: z.number(),
  from: z.enum(ORDER_STATES).nullable(),
  to: z.enum(ORDER_STATES),
  note: z.string(),
});

export const journalEntrySchema = z.object({
  clientOrderId: z.string().max(32),
  bot: z.string(),
  reason: z.string(),
  intent: intentSchema,
  state: z.enum(ORDER_STATES),
  orderId: z.string().optional(),
  executedQty: decimalString.default("0"),
  cummulativeQuoteQty: decimalString.default("0"),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Cancel a resting order that has not filled by then (epoch ms). */
  expiresAt: z.number().optional(),
  /** Lookups that found nothing while UNKNOWN/LOST, and since when. */
  notFound: z.number().int().default(0),
  unknownSince: z.number().optional(),
  /** The exchange's code and text when REJECTED. */
  rejection: z.object({ code: z.number().optional(), message: z.string() }).optional(),
  /** Adopted: found on the exchange with our prefix but not in the journal. */
  adopted: z.boolean().optional(),
  transitions: z.array(transitionSchema),
});
export type JournalEntry = z.output<typeof journalEntrySchema>;
