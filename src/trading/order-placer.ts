import type { ProposalJson } from "../store/index.js";
import type { OrderIntent } from "./order-intent.js";
import type { PlaceOutcome } from "./order-manager.js";

/**
 * What a bot may do with an order: place it. Whether it reaches the exchange at once (autoTrade on) or waits for
 * the owner as a proposal (autoTrade off) is decided by the placer the bot was given, never by the bot.
 */
export type SubmitOutcome =
  | PlaceOutcome
  /** Not sent: queued for the owner's approval. `fresh` is false when the same proposal was already waiting. */
  | { kind: "proposed"; proposal: ProposalJson; fresh: boolean };

export interface OrderPlacer {
  place(intent: OrderIntent): Promise<SubmitOutcome>;
}
