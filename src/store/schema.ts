import { z } from "zod";
import { intentSchema, journalEntrySchema } from "./journal-schema.js";

/**
 * The shape of data/<mode>/state.json. Each room of the program owns a section; a section added later gets a
 * default here, so an older file gains it on load. A change that is not additive bumps STATE_VERSION and adds a
 * migration in migrations.ts.
 */
export const STATE_VERSION = 1;

const botStateSchema = z.object({
  paused: z.boolean().default(false),
  /** Epoch ms of the bot's last run, so intervals and cooldowns resume after a restart. */
  lastRunAt: z.number().optional(),
  cooldownUntil: z.number().optional(),
});

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string");

/** How a proposal ended; absent while it waits for the owner. */
const proposalEndSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("executed"), at: z.number(), clientOrderId: z.string(), by: z.string() }),
  z.object({ state: z.literal("skipped"), at: z.number(), by: z.string() }),
  z.object({ state: z.literal("expired"), at: z.number() }),
  z.object({ state: z.literal("failed"), at: z.number(), reason: z.string(), by: z.string() }),
]);

/** An order a bot with autoTrade off wanted: it waits for the owner's Execute or Skip until it expires. */
export const proposalSchema = z.object({
  id: z.string(),
  bot: z.string(),
  reason: z.string(),
  intent: intentSchema,
  /** The market price when proposed; Execute refuses when the market moved too far from it. */
  referencePrice: decimalString,
  timeoutMs: z.number().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
  /** Set the moment Execute starts, so a second press cannot send a second order. */
  executingSince: z.number().optional(),
  end: proposalEndSchema.optional(),
});

// Object defaults are factories: zod hands a plain default object out as is, so two stores opened in one
// process (tests, a restart in-process) would share, and write into, the same object.
export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  createdAt: z.number(),
  /** The mode that wrote this file; a live file is never opened in paper mode or the other way round. */
  mode: z.enum(["sim", "paper", "live"]),
  bots: z.record(z.string(), botStateSchema).default(() => ({})),
  /**
   * Where the order journal lived before it had its own append-only file (journal.jsonl, trading/order-journal.ts):
   * read once at the first start of this version, moved to the file, then left empty. Kept so older files load.
   */
  journal: z.record(z.string(), journalEntrySchema).default(() => ({})),
  /**
   * Where the trade-history sync of each symbol stopped (the fills themselves are in fills.jsonl): the newest trade
   * synced, and the end of the last window read in full (portfolio/trade-windows.ts; absent in older files).
   */
  ledger: z
    .object({
      cursors: z
        .record(z.string(), z.object({ lastTime: z.number(), coveredTo: z.number().optional() }))
        .default(() => ({})),
    })
    .default(() => ({ cursors: {} })),
  killSwitch: z
    .object({
      active: z.boolean(),
      since: z.number().optional(),
      reason: z.string().optional(),
      /** "Stop + cancel": orders found resting later (in flight or unknown at the stop) are cancelled too. */
      cancelOpen: z.boolean().optional(),
    })
    .default(() => ({ active: false })),
  /** Proposals of bots that may not trade by themselves, by id; ended ones are kept for the record. */
  proposals: z.record(z.string(), proposalSchema).default(() => ({})),
  /** The daily loss limit's baseline: the portfolio's value when the (UTC) day started. */
  risk: z
    .object({
      day: z.string().optional(),
      startValueUsdt: decimalString.optional(),
      /** The limit was hit today; buyers stay paused until the next day or the owner's resume. */
      trippedAt: z.number().optional(),
    })
    .default(() => ({})),
  /**
   * The end of the last scheduled daily report (telegram/daily-report.ts): a restart keeps the report's period,
   * and neither repeats nor skips a day's report. Absent until the first one.
   */
  dailyReport: z
    .object({
      at: z.number(),
      /** The report hour it was for (epoch ms). */
      slot: z.number(),
      valueUsdt: decimalString,
      realizedByBot: z.record(z.string(), decimalString).default(() => ({})),
    })
    .optional(),
});

export type State = z.output<typeof stateSchema>;
export type BotState = z.output<typeof botStateSchema>;
export type ProposalJson = z.output<typeof proposalSchema>;
