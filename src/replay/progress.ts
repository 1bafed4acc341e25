const DAY = 86_400_000;

/**
 * The replay's progress on stderr: on a terminal one bar redrawn in place (at most 10 times a second) with the
 * simulated date and speed in simulated days per second; otherwise (a log, CI) a plain line every simulated week.
 * `wallNow` is the real clock, injected: the speed is real seconds against virtual days.
 */
export function replayProgress(o: {
  fromMs: number;
  toMs: number;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  wallNow: () => number;
  label?: string;
}): { update(nowMs: number): void; done(): void } {
  const started = o.wallNow();
  const total = o.toMs - o.fromMs;
  const label = o.label ? `${o.label} ` : "";
  let lastDraw = 0;
  let nextLine = o.fromMs + 7 * DAY;
  const figures = (nowMs: number) => {
    const secs = Math.max(0.001, (o.wallNow() - started) / 1000);
    const days = (nowMs - o.fromMs) / DAY;
    return { date: new Date(nowMs).toISOString().slice(0, 16).replace("T", " "), speed: days / secs, secs };
  };
  return {
    update(nowMs) {
      const f = figures(nowMs);
      const share = Math.min(1, (nowMs - o.fromMs) / total);
      if (o.out.isTTY) {
        if (o.wallNow() - lastDraw < 100 && nowMs < o.toMs) return;
        lastDraw = o.wallNow();
        const width = 30;
        const filled = Math.round(share * width);
        o.out.write(
          `\r${label}[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` +
            `${f.date} UTC  ${f.speed.toFixed(1)} simulated days/s `,
        );
        return;
      }
      if (nowMs < nextLine) return;
      while (nextLine <= nowMs) nextLine += 7 * DAY;
      o.out.write(
        `replay: ${label}${f.date} UTC, ${(share * 100).toFixed(0)}% after ${f.secs.toFixed(0)} s ` +
          `(${f.speed.toFixed(2)} simulated days/s)\n`,
      );
    },
    done() {
      if (o.out.isTTY) o.out.write("\n");
    },
  };
}
