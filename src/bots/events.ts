import type { Logger } from "../log.js";
import type { Decision } from "./monitor.js";

/** Everything bots and the runtime tell each other and the notifier. Amounts are decimal strings, never numbers. */
export type RuntimeEvent =
  | { type: "funds-freed"; asset: string; amount: string; by: string }
  /** A bot asks the balancers to run now (the PnL seller's periodic portfolio rebalance). */
  | { type: "rebalance-requested"; by: string; reason: string }
  /** A periodic report for people: Telegram HTML (telegram/format.ts), printed as plain text without Telegram. */
  | { type: "report"; bot: string; title: string; html: string }
  | { type: "decision"; bot: string; decision: Decision }
  | { type: "bot-failing"; bot: string; errors: number; lastError: string }
  | { type: "bot-recovered"; bot: string; afterErrors: number }
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
