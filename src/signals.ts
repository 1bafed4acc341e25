import { writeErr } from "./stdio.js";

/** Exit code of a second signal: the operator insists, the clean stop is skipped. */
export const EXIT_SECOND_SIGNAL = 130;

export interface StopSignals {
  /** Resolves with the first SIGINT/SIGTERM. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** The first signal, once it came. */
  readonly requested: NodeJS.Signals | undefined;
  /** Epoch ms of the first signal (Date.now(): the composition root, not the bots' clock). */
  readonly requestedAt: number | undefined;
  /** Runs `listener` at the first signal, or at once if it already came. */
  onStop(listener: (signal: NodeJS.Signals) => void): void;
  /** Lets the process end without a signal (a failed start): the keep-alive timer goes. */
  release(): void;
}

/**
 * Listens for SIGINT/SIGTERM. main.ts calls it before importing anything heavy: loading the program's modules
 * takes a noticeable time, and a signal in it used to kill the process (exit 143) instead of stopping it (issue
 * 13, defect 9). The first signal asks for a clean stop; a second one exits at once.
 */
export function watchSignals(): StopSignals {
  // Signal listeners do not keep Node's event loop alive; this timer does until the stop is asked for.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let resolveStop: (sig: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((r) => (resolveStop = r));
  const listeners: ((sig: NodeJS.Signals) => void)[] = [];
  let requested: NodeJS.Signals | undefined;
  let requestedAt: number | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (requested) {
      writeErr(`\n${sig} again: exiting now without a clean shutdown.\n`);
      process.exit(EXIT_SECOND_SIGNAL);
    }
    requested = sig;
    requestedAt = Date.now();
    clearInterval(keepAlive);
    for (const l of listeners) call(l, sig);
    resolveStop(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stopped,
    get requested() {
      return requested;
    },
    get requestedAt() {
      return requestedAt;
    },
    onStop(listener) {
      listeners.push(listener);
      if (requested) call(listener, requested);
    },
    release: () => clearInterval(keepAlive),
  };
}

/** A failing listener must not keep the others (or the stop itself) from running. */
function call(listener: (sig: NodeJS.Signals) => void, sig: NodeJS.Signals): void {
  try {
    listener(sig);
  } catch {}
}
