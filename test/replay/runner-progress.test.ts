import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { replayProgress } from "../../src/replay/progress.js";

const DAY = 86_400_000;
const FROM = Date.UTC(2025, 0, 1);

function sink(isTTY: boolean): { out: Writable & { isTTY: boolean }; text: () => string } {
  let text = "";
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    { isTTY },
  );
  return { out, text: () => text };
}

describe("the replay's progress", () => {
  it("on a terminal: one bar redrawn in place, with the simulated date and simulated days per second", () => {
    let wall = 0;
    const s = sink(true);
    const p = replayProgress({ fromMs: FROM, toMs: FROM + 10 * DAY, out: s.out, wallNow: () => wall });
    wall = 2_000;
    p.update(FROM + 5 * DAY);
    wall = 2_050; // within 100 ms of the last draw: not redrawn
    p.update(FROM + 5 * DAY + 3_600_000);
    p.done();
    expect(s.text()).toBe(
      `\r[${"#".repeat(15)}${".".repeat(15)}]  50% 2025-01-06 00:00 UTC  2.5 simulated days/s \n`,
    );
  });

  it("elsewhere: a plain line per simulated week", () => {
    let wall = 0;
    const s = sink(false);
    const p = replayProgress({ fromMs: FROM, toMs: FROM + 20 * DAY, out: s.out, wallNow: () => wall });
    for (let d = 1; d <= 20; d++) {
      wall = d * 1000;
      p.update(FROM + d * DAY);
    }
    p.done();
    expect(s.text().trim().split("\n")).toEqual([
      "replay: 2025-01-08 00:00 UTC, 35% after 7 s (1.00 simulated days/s)",
      "replay: 2025-01-15 00:00 UTC, 70% after 14 s (1.00 simulated days/s)",
    ]);
  });
});
