import { existsSync } from "node:fs";

/**
 * The operator's last resort that needs no Telegram and no running program: `touch data/<mode>/EMERGENCY_STOP`.
 * Checked synchronously on purpose: one stat a second is nothing, and an async check would let a virtual clock
 * move on before the answer arrives.
 */
export class EmergencyStopFile {
  #active = false;

  constructor(readonly path: string) {}

  get active(): boolean {
    return this.#active;
  }

  /** Looks at the file; returns the new state when it changed since the last look, else null. */
  check(): boolean | null {
    const now = existsSync(this.path);
    if (now === this.#active) return null;
    this.#active = now;
    return now;
  }
}
