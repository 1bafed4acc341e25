import { z } from "zod";
import { journalEntrySchema } from "./journal-schema.js";

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

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  createdAt: z.number(),
  /** The mode that wrote this file; a live file is never opened in paper mode or the other way round. */
  mode: z.enum(["sim", "paper", "live"]),
  bots: z.record(z.string(), botStateSchema).default({}),
  /** Every order intent by client order id, from the moment before it is sent; entries are never deleted. */
  journal: z.record(z.string(), journalEntrySchema).default({}),
  /** Where the trade-history sync of each symbol stopped (the fills themselves are in fills.jsonl). */
  ledger: z
    .object({ cursors: z.record(z.string(), z.object({ lastTime: z.number() })).default({}) })
    .default({ cursors: {} }),
  killSwitch: z
    .object({ active: z.boolean(), since: z.number().optional(), reason: z.string().optional() })
    .default({ active: false }),
});

export type State = z.output<typeof stateSchema>;
export type BotState = z.output<typeof botStateSchema>;
