import type { Clock } from "../clock.js";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** Every this often a line when the output is not a terminal (a log file, CI): enough to see it move. */
const PLAIN_EVERY_MS = 10_000;
/** Redraws of the bar at most this often: a terminal need not be repainted for every request. */
const BAR_EVERY_MS = 100;
const BAR_WIDTH = 24;

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

const n = (x: number) => x.toLocaleString("en-US");

/**
 * The progress of a long download: on a terminal one line redrawn in place (bar, percent, rows, ETA); otherwise
 * a plain line every 10 s. Work is counted in candles to look at, so a symbol listed late moves the bar in jumps.
 */
export class Progress {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private done = 0;
  private rows = 0;
  private label = "";

  constructor(
    private readonly out: Output,
    private readonly clock: Clock,
    private readonly total: number,
  ) {
    this.started = clock.now();
  }

  /** `done` candles of the total looked at, `rows` written, `label` what is being fetched. */
  update(done: number, rows: number, label: string): void {
    this.done = Math.min(done, this.total);
    this.rows = rows;
    this.label = label;
    const now = this.clock.now();
    const every = this.out.isTTY ? BAR_EVERY_MS : PLAIN_EVERY_MS;
    if (now - this.lastDraw < every) return;
    this.lastDraw = now;
    this.draw(now);
  }

  /** A line that stays (a symbol finished, a gap), printed above the bar. */
  note(line: string): void {
    if (this.out.isTTY && this.drawn) this.out.write("\r\x1b[K");
    this.out.write(`${line}\n`);
    if (this.out.isTTY && this.drawn) this.draw(this.clock.now());
  }

  /** Ends the bar's line so what follows starts on its own. */
  finish(): void {
    if (this.out.isTTY && this.drawn) {
      this.draw(this.clock.now());
      this.out.write("\n");
    }
    this.drawn = false;
  }

  private draw(now: number): void {
    const frac = this.total > 0 ? this.done / this.total : 1;
    const pct = `${Math.floor(frac * 100)}%`.padStart(4);
    const elapsed = now - this.started;
    const eta =
      this.done > 0 && frac < 1 ? `ETA ${duration((elapsed / this.done) * (this.total - this.done))}` : "";
    const text = `${pct} ${this.label}, ${n(this.rows)} rows ${eta}`.trimEnd();
    if (this.out.isTTY) {
      const full = Math.round(frac * BAR_WIDTH);
      this.out.write(`\r\x1b[K[${"#".repeat(full)}${".".repeat(BAR_WIDTH - full)}] ${text}`);
      this.drawn = true;
    } else {
      this.out.write(`history: ${text}\n`);
    }
  }
}
