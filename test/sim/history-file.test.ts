import { describe, expect, it } from "vitest";
import { COL, candleAt, closeTime, openTime, parseSeries, text } from "../../src/sim/history-file.js";
import type { Interval } from "../../src/sim/klines.js";
import { HEADER } from "./history-files.js";

const S = Date.UTC(2025, 0, 1);
const M = 60_000;
const parse = (body: string) => parseSeries(body, "X-1m.csv", "XUSDT", "1m");

describe("history files: the loader", () => {
  it("gives back each value's own text, long ones included, from CRLF files with blank lines at the end", () => {
    const body = [
      HEADER,
      `${S},0.00001230,0.0000125,0.0000122,0.0000124,123456789012345678.123,${S + M},1.5`,
      `${S + M},0.0000124,0.0000124,0.0000124,0.0000124,0,${S + 2 * M},0`,
      "",
      "",
    ].join("\r\n");
    const s = parse(body);
    expect(s.n).toBe(2);
    expect(text(s, 0, COL.o)).toBe("0.00001230");
    expect(text(s, 0, COL.v)).toBe("123456789012345678.123");
    expect(text(s, 1, COL.qv)).toBe("0");
    expect(s.priceDecimals).toBe(8);
    expect(s.volumeDecimals).toBe(3);
  });

  it("accepts Binance-style close times one ms before the next open, but not a mix", () => {
    const row = (i: number, close: number): string => `${S + i * M},1,1,1,1,1,${close},1`;
    expect(parse([HEADER, row(0, S + M - 1), row(1, S + 2 * M - 1)].join("\n")).closeOffset).toBe(-1);
    expect(() => parse([HEADER, row(0, S + M - 1), row(1, S + 2 * M)].join("\n"))).toThrow(
      /X-1m\.csv:3: close_time is not computed the same way/,
    );
  });

  it("refuses what is not a plain decimal, with the line", () => {
    for (const bad of ["01", "-1", "1.", ".5", "1e3", " 1", "", "1,5"]) {
      const body = `${HEADER}\n${S},${bad},1,1,1,1,${S + M},1\n`;
      expect(() => parse(body), bad).toThrow(/X-1m\.csv:2: /);
    }
    expect(() => parse(`${HEADER}\n${S + 1},1,1,1,1,1,${S + M + 1},1`)).toThrow(
      /not the start of a 1m candle/,
    );
    expect(() => parse(`${HEADER}\n`)).toThrow(/X-1m\.csv:2: no candles/);
  });

  it("gives each candle's open time and finds the candle of an instant, for fixed lengths, weeks and months", () => {
    const week = 7 * 86_400_000;
    const cases: [Interval, number[], (open: number) => number][] = [
      ["15m", [0, 1, 2, 3].map((i) => S + i * 15 * M), (o) => o + 15 * M],
      ["1W", [0, 1, 2].map((i) => Date.UTC(2024, 11, 30) + i * week), (o) => o + week],
      ["1M", [0, 1, 2, 3].map((i) => Date.UTC(2025, i, 1)), (o) => nextMonth(o)],
    ];
    for (const [interval, opens, close] of cases) {
      const body = [HEADER, ...opens.map((o) => `${o},1,1,1,1,1,${close(o)},1`)].join("\n");
      const s = parseSeries(body, `X-${interval}.csv`, "XUSDT", interval);
      const last = opens.length - 1;
      expect(
        opens.map((_, i) => openTime(s, i)),
        interval,
      ).toEqual(opens);
      expect(closeTime(s, last), interval).toBe(close(opens[last] as number));
      expect(candleAt(s, (opens[0] as number) - 1), interval).toBe(-1);
      for (let i = 0; i <= last; i++) {
        expect(candleAt(s, opens[i] as number), interval).toBe(i);
        expect(candleAt(s, closeTime(s, i) - 1), interval).toBe(i);
      }
      expect(candleAt(s, closeTime(s, last)), interval).toBe(opens.length);
    }
  });
});

function nextMonth(open: number): number {
  const d = new Date(open);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
