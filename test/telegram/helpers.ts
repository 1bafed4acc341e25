import { pino } from "pino";
import type { Clock } from "../../src/clock.js";
import type { MessageSink, SendOptions } from "../../src/telegram/transport.js";

/**
 * A plain pino writing to memory, without the scrubbing that src/log.ts adds: what our code logs is checked as it
 * is, so a leak cannot hide behind the last line of defence.
 */
export function captureLog() {
  const lines: string[] = [];
  const log = pino({ level: "debug", base: undefined }, { write: (s: string) => void lines.push(s) });
  return {
    log,
    text: () => lines.join(""),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string }),
  };
}

export interface Sent {
  text: string;
  at: number;
  opts: SendOptions | undefined;
}

/** Records what it is given, with the clock time; `fail` makes the next sends throw. */
export class RecordingSink implements MessageSink {
  readonly sent: Sent[] = [];
  readonly tried: Sent[] = [];
  private failures: (() => Error)[] = [];

  constructor(private readonly clock: Clock) {}

  fail(times: number, error: () => Error = () => new Error("sink down")): void {
    for (let i = 0; i < times; i++) this.failures.push(error);
  }

  async send(text: string, opts?: SendOptions): Promise<void> {
    const s = { text, at: this.clock.now(), opts };
    this.tried.push(s);
    const failure = this.failures.shift();
    if (failure) throw failure();
    this.sent.push(s);
  }

  texts(): string[] {
    return this.sent.map((s) => s.text);
  }
}
