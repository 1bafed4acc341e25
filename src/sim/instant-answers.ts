/**
 * Public answers of the history market kept for the current instant, by "METHOD /path?query". The history
 * market's public data is a function of the parameters and the exchange's time alone (recorded candles; the
 * account's own trades do not move it), and a replay's virtual clock stands still while several bots ask the same
 * (every price, then every price again): the second asker gets the first one's text. Only with the answer variants
 * off, whose dice must be rolled for every answer. Forgotten as soon as the time moves.
 */
export class InstantAnswers {
  private now = Number.NaN;
  private readonly bodies = new Map<string, string>();

  get(key: string, now: number): string | undefined {
    if (now !== this.now) {
      this.bodies.clear();
      this.now = now;
    }
    return this.bodies.get(key);
  }

  set(key: string, now: number, body: string): void {
    if (now === this.now) this.bodies.set(key, body);
  }
}
