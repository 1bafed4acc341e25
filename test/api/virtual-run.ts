import type { VirtualClock } from "../../src/clock.js";

/** Advances the virtual clock in steps until `done()` or the time limit. */
export async function runUntil(
  clock: VirtualClock,
  done: () => boolean,
  stepMs = 50,
  maxMs = 600_000,
): Promise<void> {
  const end = clock.now() + maxMs;
  while (!done() && clock.now() < end) await clock.advance(stepMs);
}
