import { inspect } from "node:util";

/**
 * A value that must never be printed: API secret, API key, bot token. Every way of turning it into text
 * (String(), JSON, util.inspect, template literals) yields "[redacted]"; only `reveal()` gives the value,
 * and only the code that signs or authenticates calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "[redacted]";
  }
}
