import { describe, expect, it } from "vitest";
import { scanKlines } from "../../src/api/klines-scan.js";
import { describeIssues, klinesSchema, parseJson } from "../../src/api/schemas.js";
import type { IndicatorCandle } from "../../src/api/types.js";
import { type Random, seeded } from "./random.js";

/** The general path: what the client did before the fast reader, and still does for anything it leaves. */
function general(text: string): { value: IndicatorCandle[] } | { error: string } {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    return { error: "not JSON" };
  }
  const r = klinesSchema.safeParse(body);
  return r.success ? { value: r.data } : { error: describeIssues(r.error) };
}

function digits(rng: Random, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** A decimal literal as MEXC writes them, and beyond: long mantissas, leading zeros, negatives, -0. */
function decimal(rng: Random): string {
  const sign = rng.next() < 0.05 ? "-" : "";
  const whole = rng.next() < 0.1 ? "0" : digits(rng, rng.pick([1, 1, 2, 5, 8, 12, 16, 20]));
  const frac = rng.next() < 0.3 ? "" : `.${digits(rng, rng.pick([1, 2, 4, 8, 10, 15, 18]))}`;
  return sign + whole + frac;
}

function time(rng: Random): number {
  return rng.int(1, 9) * 10 ** 12 + rng.int(0, 10 ** 9);
}

function canonical(rng: Random, rows: number): string {
  const out: unknown[][] = [];
  for (let r = 0; r < rows; r++) {
    const t = time(rng);
    out.push([
      t,
      decimal(rng),
      decimal(rng),
      decimal(rng),
      decimal(rng),
      decimal(rng),
      t + 59_999,
      decimal(rng),
    ]);
  }
  return JSON.stringify(out);
}

/** One change of the text that the general path may accept differently, or refuse. */
const MUTATIONS: ((text: string, rng: Random) => string)[] = [
  (t, rng) => {
    const at = rng.int(0, t.length);
    return `${t.slice(0, at)}${rng.pick([" ", "\n", "\t"])}${t.slice(at)}`;
  },
  (t, rng) => t.slice(0, rng.int(0, t.length - 1)),
  (t, rng) => {
    const at = rng.int(0, t.length - 1);
    return (
      t.slice(0, at) + rng.pick(['"', ",", "[", "]", "-", ".", "e", "0", "x", "\\", "9"]) + t.slice(at + 1)
    );
  },
  (t, rng) => {
    const cells = t.match(/"[^"]*"|\d+/g) ?? [];
    const cell = rng.pick(cells);
    const by = rng.pick([
      '""',
      "null",
      "1.5",
      "7",
      '"1e5"',
      '"NaN"',
      '" 1"',
      '"0x10"',
      "1e3",
      `"${"9".repeat(400)}"`,
    ]);
    return t.replace(cell, by);
  },
  (t) => t.replace(/,"[^"]*"\]/, "]"),
  (t) => t.replace("]", ',"extra"]'),
  (t) => t.replace(/\[\[(\d+)/, "[[0$1"),
  (t) => t.replace(/\[\[(\d+)/, "[[12345678901234567"),
  (t) => t.replace(/\[\[(\d+)/, "[[0"),
  (t) => `${t} `,
  (t) => `${t}[]`,
];

describe("scanKlines, the fast reader of MEXC's klines form", () => {
  it("reads the documented and the recorded answers as the general path does", () => {
    const samples = [
      // docs "Kline/Candlestick Data"; ccxt's recorded answer from api.mexc.com (test/contract/fixtures/klines.json)
      '[[1640804880000,"47482.36","47482.36","47416.57","47436.1","3.550717",1640804940000,"168387.3"]]',
      '[[1710327600000,"73260.0","73442.95","73238.69","73414.21","49.560236",1710331200000,"3633995.45"]]',
      "[]",
    ];
    for (const text of samples) {
      const fast = scanKlines(text);
      expect(fast, text).toBeDefined();
      expect({ value: fast }).toEqual(general(text));
    }
  });

  it("reads every answer in MEXC's form, to exactly the numbers of the general path (-0 included)", () => {
    const rng = seeded(15);
    for (let i = 0; i < 400; i++) {
      const text = canonical(rng, rng.int(0, 30));
      const fast = scanKlines(text);
      const slow = general(text);
      if ("error" in slow) {
        // Only a mantissa of 309 digits or more can fail (Infinity); the generator makes none.
        throw new Error(`the general path refused a canonical answer: ${slow.error}`);
      }
      expect(fast, text).toEqual(slow.value);
      fast!.forEach((k, r) => {
        const g = slow.value[r]!;
        for (const key of ["open", "high", "low", "close", "volume", "quoteVolume"] as const)
          expect(Object.is(k[key], g[key]), `${text} [${r}].${key}`).toBe(true);
      });
    }
  });

  it("on any other text says nothing, or exactly what the general path says: it never accepts what that refuses", () => {
    const rng = seeded(16);
    let leftToGeneral = 0;
    for (let i = 0; i < 3000; i++) {
      let text = canonical(rng, rng.int(1, 4));
      for (let m = rng.int(1, 2); m > 0; m--) text = rng.pick(MUTATIONS)(text, rng);
      const fast = scanKlines(text);
      const slow = general(text);
      if (fast === undefined) {
        leftToGeneral++;
        continue;
      }
      expect(slow, text).toEqual({ value: fast });
    }
    // The mutations must mostly leave the fast form, or this test would prove little.
    expect(leftToGeneral).toBeGreaterThan(2000);
  });

  it("leaves what the general path reads differently or refuses: blanks, bare numbers, whitespace, short rows", () => {
    const row = (cells: string): string => `[[1640804880000,${cells}]]`;
    for (const text of [
      row('"1","2","0.5","1.5","10",1640804940000,""'),
      row('"1","2","0.5","1.5","10",1640804940000,null'),
      row('"1","2","0.5","1.5","10",1640804940000'),
      row('1,"2","0.5","1.5","10",1640804940000,"3"'),
      row('"1","2","0.5","1.5","10",1640804940000,"3","extra"'),
      row('"1","2","0.5","1.5","1e5",1640804940000,"3"'),
      row('"1","2","0.5","1.5","Infinity",1640804940000,"3"'),
      row(`"1","2","0.5","1.5","${"9".repeat(400)}",1640804940000,"3"`),
      row('"1", "2","0.5","1.5","10",1640804940000,"3"'),
      row('"1","2","0.5","1.5","10","1640804940000","3"'),
      '{"code":0,"msg":"ok"}',
      "[[]]",
      "",
    ]) {
      expect(scanKlines(text), text).toBeUndefined();
    }
  });
});
