/** Events a person must hear about: the notifier subscribes and forwards them (Telegram, console). */
export interface Alert {
  /** "client-bug": MEXC refused how a request was built (e.g. 700013): nothing will work until the code is fixed. */
  readonly kind: "banned" | "rate-limited" | "auth" | "client-bug";
  /** When calls may resume (client clock, ms since epoch), for bans and rate-limit pauses. */
  readonly untilMs?: number;
  readonly message: string;
}

export type AlertListener = (alert: Alert) => void;

export class Alerts {
  private readonly listeners = new Set<AlertListener>();

  /** Subscribes; returns the function that unsubscribes. */
  on(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(alert: Alert): void {
    for (const l of [...this.listeners]) {
      try {
        l(alert);
      } catch {
        // A failing listener must not break the request that raised the alert, nor the other listeners.
      }
    }
  }
}

/** pino's method shape, so a pino logger (or a child of it) can be passed as is. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
