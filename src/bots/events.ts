import type { Logger } from "../log.js";
import type { Decision } from "./monitor.js";
import type { BotReport } from "./reports.js";

export type * from "./reports.js";

/**
 * Everything bots and the runtime tell each other and the notifier, as data (never words for a reader). Amounts are
 * decimal strings or Decimals, never numbers.
 */
export type RuntimeEvent =
  | { type: "funds-freed"; asset: string; amount: string; by: string }
  /** A bot asks the balancers to run now (the PnL seller's periodic portfolio rebalance). */
  | { type: "rebalance-requested"; by: string; reason: string }
  /** A periodic report for people, as data: telegram/render/ words it, for Telegram and for the console. */
  | { type: "report"; bot: string; report: BotReport }
  | { type: "decision"; bot: string; decision: Decision }
  | { type: "bot-failing"; bot: string; errors: number; lastError: string }
  | { type: "bot-recovered"; bot: string; afterErrors: number }
  /** A run in progress for three of the bot's intervals (active), and that run ending at last (not active). */
  | { type: "bot-silent"; bot: string; active: boolean; runningMs: number; intervalMs: number }
  | { type: "emergency-stop"; active: boolean; path: string }
  | { type: "risk-pause"; active: true; reason: string }
  | { type: "risk-pause"; active: false };

export type RuntimeEventType = RuntimeEvent["type"];
export type EventOf<T extends RuntimeEventType> = Extract<RuntimeEvent, { type: T }>;
type Listener<E> = (event: E) => void | Promise<void>;

/**
 * A tiny synchronous bus. Listeners run in the emitter's call, so an emitting bot sees their effect (runSoon)
 * at once; a listener that throws or rejects is logged and never reaches the emitter or the other listeners.
 */
export class RuntimeEvents {
  readonly #byType = new Map<RuntimeEventType, Set<Listener<RuntimeEvent>>>();
  readonly #any = new Set<Listener<RuntimeEvent>>();

  constructor(private readonly log: Logger) {}

  /** Returns a function that removes the listener. */
  on<T extends RuntimeEventType>(type: T, listener: Listener<EventOf<T>>): () => void {
    let set = this.#byType.get(type);
    if (!set) {
      set = new Set();
      this.#byType.set(type, set);
    }
    const l = listener as Listener<RuntimeEvent>;
    set.add(l);
    return () => set.delete(l);
  }

  /** Every event, e.g. for the notifier. */
  onAny(listener: Listener<RuntimeEvent>): () => void {
    this.#any.add(listener);
    return () => this.#any.delete(listener);
  }

  emit(event: RuntimeEvent): void {
    // Copies, so a listener that unsubscribes (or subscribes) while called does not disturb this round.
    const listeners = [...(this.#byType.get(event.type) ?? []), ...this.#any];
    for (const listener of listeners) {
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.#failed(event, err));
      } catch (err) {
        this.#failed(event, err);
      }
    }
  }

  #failed(event: RuntimeEvent, err: unknown): void {
    this.log.error({ event: event.type, err }, "event listener failed");
  }
}

/** An exchange alert as people hear of it (api/alerts.ts's Alert fits): the Telegram room reads no api type. */
export interface ExchangeAlert {
  /** "client-bug": MEXC refused how a request was built (e.g. 700013): nothing works until the code is fixed. */
  readonly kind: "banned" | "rate-limited" | "auth" | "client-bug";
  readonly message: string;
}

/** A proposal as the console words it without the Telegram bot (the store's ProposalJson fits). */
export interface ProposalNotice {
  readonly id: string;
  readonly bot: string;
  readonly intent: {
    readonly side: string;
    readonly symbol: string;
    readonly quantity?: string | undefined;
    readonly quoteOrderQty?: string | undefined;
  };
  readonly referencePrice: string;
  readonly reason: string;
  readonly expiresAt: number;
  /** Set once it was executed, skipped or expired. */
  readonly end?: unknown;
  readonly executingSince?: number | undefined;
}
