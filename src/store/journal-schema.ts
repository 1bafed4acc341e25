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
export type Transition = z.output<typeof transitionSchema>;

/** What every entry holds, whatever its state. */
const base = {
  clientOrderId: z.string().max(32),
  bot: z.string(),
  reason: z.string(),
  intent: intentSchema,
  executedQty: decimalString.default("0"),
  cummulativeQuoteQty: decimalString.default("0"),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Cancel a resting order that has not filled by then (epoch ms); set from the start, PENDING included. */
  expiresAt: z.number().optional(),
  /** Lookups that found nothing while the outcome was in doubt; kept once resolved, as the order's history. */
  notFound: z.number().int().default(0),
  /** Adopted: found on the exchange with our prefix but not in the journal. */
  adopted: z.boolean().optional(),
  transitions: z.array(transitionSchema),
};

/** The exchange knows the order: its id comes with the acknowledgement, a lookup or the adoption. */
const onExchange = {
  ...base,
  orderId: z.string(),
  /** Since when the outcome was in doubt, when it once was (an UNKNOWN or LOST that a lookup found). */
  unknownSince: z.number().optional(),
};

/** The outcome is in doubt: no id yet (an answer with one would have resolved it), looked up by client id. */
const inDoubt = { ...base, unknownSince: z.number() };

/**
 * One entry per state, each with what that state really carries. Files written before the union (every field
 * optional) load unchanged: what today's code wrote in each state is what the variant asks for, and fields a
 * state never had (a PENDING's `notFound: 0`) are in the base.
 */
export const journalEntrySchema = z.discriminatedUnion("state", [
  z.object({ ...base, state: z.literal("PENDING") }),
  z.object({ ...onExchange, state: z.literal("OPEN") }),
  z.object({ ...onExchange, state: z.literal("PARTIALLY_FILLED") }),
  z.object({ ...onExchange, state: z.literal("FILLED") }),
  z.object({ ...onExchange, state: z.literal("CANCELED") }),
  z.object({ ...onExchange, state: z.literal("PARTIALLY_CANCELED") }),
  z.object({
    ...base,
    state: z.literal("REJECTED"),
    /** The exchange's code and text. */
    rejection: z.object({ code: z.number().optional(), message: z.string() }),
    unknownSince: z.number().optional(),
  }),
  z.object({ ...inDoubt, state: z.literal("UNKNOWN") }),
  z.object({ ...inDoubt, state: z.literal("LOST") }),
]);

type Stored = z.output<typeof journalEntrySchema>;
type AnyKey = Stored extends infer E ? (E extends unknown ? keyof E : never) : never;
/** A variant that says "absent" of the fields other states carry, so `entry.orderId` reads on any entry. */
type Closed<E> = E & { [K in Exclude<AnyKey, keyof E>]?: undefined };
type Distribute<E> = E extends unknown ? Closed<E> : never;

export type JournalEntry = Distribute<Stored>;
export type JournalEntryOf<S extends OrderStateName> = Extract<JournalEntry, { state: S }>;
