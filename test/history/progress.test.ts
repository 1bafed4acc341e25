import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Progress } from "../../src/history/progress.js";

function output(isTTY: boolean) {
  const out = { isTTY, text: "", write: (s: string) => (out.text += s) };
  return out;
}

describe("the download's progress", () => {
  it("on a terminal is one line redrawn in place: bar, percent, rows and ETA", async () => {
    const clock = new VirtualClock();
    const out = output(true);
    const p = new Progress(out, clock, 1000);
    await clock.advance(1_000);
    p.update(250, 250, "BTCUSDC 1/2");
    expect(out.text).toBe("\r\x1b[K[######..................]  25% BTCUSDC 1/2, 250 rows ETA 3s");
    p.update(300, 300, "BTCUSDC 1/2");
    expect(out.text.split("\r").length).toBe(2); // redrawn at most every 100 ms
    await clock.advance(1_000);
    p.note("BTCUSDC: 500 rows");
    p.update(500, 500, "ETHUSDC 2/2");
    p.finish();
    expect(out.text).not.toContain("\n[");
    expect(out.text).toContain("\r\x1b[KBTCUSDC: 500 rows\n");
    expect(out.text.endsWith("50% ETHUSDC 2/2, 500 rows ETA 2s\n")).toBe(true);
  });

  it("elsewhere is a plain line every 10 s", async () => {
    const clock = new VirtualClock();
    const out = output(false);
    const p = new Progress(out, clock, 35_040);
    p.update(0, 0, "BTCUSDC 1/1");
    for (let s = 1; s <= 25; s++) {
      await clock.advance(1_000);
      p.update(s * 1000, s * 1000, "BTCUSDC 1/1");
    }
    p.finish();
    expect(out.text.split("\n").filter(Boolean)).toEqual([
      "history:   0% BTCUSDC 1/1, 0 rows",
      "history:  28% BTCUSDC 1/1, 10,000 rows ETA 25s",
      "history:  57% BTCUSDC 1/1, 20,000 rows ETA 15s",
    ]);
  });
});
