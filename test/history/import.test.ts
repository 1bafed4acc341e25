import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runHistory, tempDir } from "./run.js";

const HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";
const LEN = 15 * 60_000;
const T0 = Date.UTC(2025, 0, 1);
const BINANCE_HEADER =
  "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";

/** Binance's 12 columns; `micros` as its spot files have them since 2025. */
function binanceRow(i: number, micros: boolean): string[] {
  const open = T0 + i * LEN;
  const t = (ms: number) => String(micros ? ms * 1000 : ms);
  const closeTime = micros ? String((open + LEN) * 1000 - 1) : String(open + LEN - 1);
  return [
    t(open),
    `10${i % 7}.10`,
    "109.00000000",
    "99.50",
    `10${(i + 3) % 7}.2`,
    "12.50000000",
    closeTime,
    "1252.1",
    "42",
    "6.1",
    "610.0",
    "0",
  ];
}

/** What the canonical file holds for binanceRow(i): ms times, the eight columns, every other digit unchanged. */
function canonical(i: number): string {
  const open = T0 + i * LEN;
  return [
    String(open),
    `10${i % 7}.10`,
    "109.00000000",
    "99.50",
    `10${(i + 3) % 7}.2`,
    "12.50000000",
    String(open + LEN - 1),
    "1252.1",
  ].join(",");
}

function write(dir: string, name: string, lines: string[], eol = "\n"): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}${eol}`).join(""));
  return path;
}

const rows = (from: number, to: number, micros = false) =>
  Array.from({ length: to - from }, (_, k) => binanceRow(from + k, micros).join(","));

const expected = (n: number) =>
  `${HEADER}\n${Array.from({ length: n }, (_, i) => `${canonical(i)}\n`).join("")}`;

describe("history import", () => {
  it("merges headerless Binance files with µs times, given in any order, into the canonical file", async () => {
    const src = tempDir();
    const out = tempDir();
    const feb = write(src, "BTCUSDT-15m-2025-02.csv", rows(100, 200, true));
    const jan = write(src, "BTCUSDT-15m-2025-01.csv", rows(0, 100, true));
    const r = await runHistory(["import", feb, jan, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("BTCUSDT 15m: 200 rows from 2 files");
    expect(readFileSync(join(out, "BTCUSDT-15m.csv"), "utf8")).toBe(expected(200));
    expect(existsSync(join(out, "exchangeInfo.json"))).toBe(false);
  });

  it("reads a header, ms times, CRLF line ends and a BOM alike", async () => {
    const src = tempDir();
    const out = tempDir();
    const f = write(src, "BTCUSDT-15m-2025-01.csv", [`\uFEFF${BINANCE_HEADER}`, ...rows(0, 50)], "\r\n");
    const r = await runHistory(["import", f, "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "BTCUSDT-15m.csv"), "utf8")).toBe(expected(50));
  });

  it("takes the symbol and interval from the flags when the name does not say them, and 1h as MEXC's 60m", async () => {
    const src = tempDir();
    const out = tempDir();
    const f = write(src, "download.csv", rows(0, 10));
    const named = await runHistory(["import", f, "--symbol", "btcusdt", "--interval", "15m", "--out", out]);
    expect(named.code).toBe(0);
    expect(readFileSync(join(out, "BTCUSDT-15m.csv"), "utf8")).toBe(expected(10));
    const unnamed = await runHistory(["import", f, "--out", out]);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain("--symbol");
    const hourly = Array.from({ length: 5 }, (_, i) => {
      const open = T0 + i * 3_600_000;
      return [open, "1.0", "1.2", "0.9", "1.1", "5", open + 3_599_999, "5.5"].join(",");
    });
    const h = write(src, "ETHUSDT-1h-2025-01.csv", hourly);
    const r = await runHistory(["import", h, "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "ETHUSDT-60m.csv"), "utf8")).toBe(
      `${HEADER}\n${hourly.map((l) => `${l}\n`).join("")}`,
    );
  });

  it("gives back a history file unchanged when it imports one", async () => {
    const src = tempDir();
    const out = tempDir();
    writeFileSync(join(src, "BTCUSDT-15m.csv"), expected(120));
    const r = await runHistory(["import", join(src, "BTCUSDT-15m.csv"), "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "BTCUSDT-15m.csv"), "utf8")).toBe(expected(120));
  });

  const set = (lines: string[], i: number, col: number, v: string) => {
    const cells = (lines[i] as string).split(",");
    cells[col] = v;
    lines[i] = cells.join(",");
    return lines;
  };
  // Headerless, so row i is on line i + 1.
  const refusals: { what: string; edit: (l: string[]) => string[]; line: number; says: string }[] = [
    { what: "a gap", edit: (l) => l.filter((_, i) => i !== 40), line: 41, says: "1 candle missing" },
    {
      what: "a duplicate",
      edit: (l) => [...l.slice(0, 31), l[30] as string, ...l.slice(31)],
      line: 32,
      says: "duplicate",
    },
    {
      what: "swapped rows",
      edit: (l) => [...l.slice(0, 20), l[21] as string, l[20] as string, ...l.slice(22)],
      line: 21,
      says: "out of order",
    },
    {
      what: "a row moved to the end",
      edit: (l) => [...l.slice(0, 10), ...l.slice(11), l[10] as string],
      line: 11,
      says: "is at line 60",
    },
    {
      what: "high below low",
      edit: (l) => set(l, 5, 2, "99.00"),
      line: 6,
      says: "high 99.00 is below low 99.50",
    },
    {
      what: "open outside the range",
      edit: (l) => set(l, 6, 1, "110"),
      line: 7,
      says: "open 110 is outside",
    },
    {
      what: "close outside the range",
      edit: (l) => set(l, 7, 4, "99.49"),
      line: 8,
      says: "close 99.49 is outside",
    },
    { what: "negative volume", edit: (l) => set(l, 8, 5, "-1"), line: 9, says: "volume is negative" },
    {
      what: "a non-number",
      edit: (l) => set(l, 9, 3, "n/a"),
      line: 10,
      says: 'low is not a plain decimal number: "n/a"',
    },
    {
      what: "too few columns",
      edit: (l) => {
        l[12] = (l[12] as string).split(",").slice(0, 7).join(",");
        return l;
      },
      line: 13,
      says: "7 columns",
    },
    {
      what: "an open time off the grid",
      edit: (l) => set(l, 14, 0, String(T0 + 14 * LEN + 60_000)),
      line: 15,
      says: "not the start of a 15m candle",
    },
    {
      what: "times in seconds",
      edit: (l) => set(l, 0, 0, String(T0 / 1000)),
      line: 1,
      says: "looks like seconds",
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.what} with the file and line`, async () => {
      const src = tempDir();
      const out = tempDir();
      const f = write(src, "BTCUSDT-15m-2025-01.csv", c.edit(rows(0, 60)));
      const r = await runHistory(["import", f, "--out", out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${f}:${c.line}: `);
      expect(r.stderr).toContain(c.says);
      expect(existsSync(join(out, "BTCUSDT-15m.csv"))).toBe(false);
    });
  }

  it("refuses a gap or an overlap between two files, naming the second file's line and the first file", async () => {
    const src = tempDir();
    const out = tempDir();
    const a = write(src, "BTCUSDT-15m-2025-01.csv", rows(0, 50));
    const gap = write(src, "BTCUSDT-15m-2025-02.csv", rows(52, 80));
    const r = await runHistory(["import", a, gap, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${gap}:1: 2 candles missing`);
    expect(r.stderr).toContain(`after the last row of ${a}`);
    const overlap = write(src, "BTCUSDT-15m-2025-03.csv", [BINANCE_HEADER, ...rows(45, 80)]);
    const o = await runHistory(["import", a, overlap, "--out", out]);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`${overlap}:2: starts at 2025-01-01 11:15 UTC, inside ${a}`);
    expect(existsSync(join(out, "BTCUSDT-15m.csv"))).toBe(false);
  });

  it("refuses a zip, a missing file and an interval MEXC has not got as bad arguments (exit 2)", async () => {
    const src = tempDir();
    const zip = write(src, "BTCUSDT-15m-2025-01.zip", ["PK"]);
    for (const [argv, says] of [
      [["import", zip], "unzip it"],
      [["import", join(src, "nope.csv")], "no such file"],
      [["import", write(src, "BTCUSDT-2h-2025-01.csv", rows(0, 2))], "MEXC has no 2h candles"],
      [["import"], "needs the CSV files"],
    ] as [string[], string][]) {
      const r = await runHistory(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toContain(says);
    }
  });
});
