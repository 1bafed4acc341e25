import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  compareIds,
  comparePlain,
  fillFromJson,
  fillJsonSchema,
  fillToJson,
  parseFillJson,
} from "../../src/portfolio/fill.js";
import { fill } from "./helpers.js";

const sample = fill({
  id: "987654321",
  time: 1_709_301_900_123,
  side: "BUY",
  price: "0.00001234",
  qty: "1000000",
  quoteQty: "12.34",
  fee: "0.000000000000000001",
  feeAsset: "MX",
  clientOrderId: "scanner-01HXYZ",
});

describe("Fill JSON", () => {
  it("round-trips exactly, in plain notation", () => {
    const json = fillToJson(sample);
    expect(json.fee).toBe("0.000000000000000001");
    expect(json.price).toBe("0.00001234");
    const back = parseFillJson(JSON.parse(JSON.stringify(json)));
    expect(fillToJson(back)).toEqual(json);
    expect(back.price.eq(sample.price)).toBe(true);
  });

  it("omits an absent client id and keeps it absent", () => {
    const { clientOrderId: _, ...manual } = sample;
    const json = fillToJson(manual);
    expect("clientOrderId" in json).toBe(false);
    expect("clientOrderId" in fillFromJson(json)).toBe(false);
  });

  it("rejects exponents, signs, a symbol that is not base + quote, and a zero quantity", () => {
    const json = fillToJson(sample);
    expect(fillJsonSchema.safeParse({ ...json, price: "1e-7" }).success).toBe(false);
    expect(fillJsonSchema.safeParse({ ...json, fee: "-0.1" }).success).toBe(false);
    expect(fillJsonSchema.safeParse({ ...json, symbol: "ABCUSDC" }).success).toBe(false);
    expect(fillJsonSchema.safeParse({ ...json, qty: "0" }).success).toBe(false);
    expect(fillJsonSchema.safeParse({ ...json, time: 1.5 }).success).toBe(false);
    expect(fillJsonSchema.safeParse({ ...json, source: "guess" }).success).toBe(false);
  });

  it("parseFillJson (a fast path for good lines) accepts and refuses exactly what the schema does", () => {
    const json = { ...fillToJson(sample), bot: "scanner" };
    const variants: Record<string, unknown>[] = [
      json,
      { ...json, price: "1e-7" },
      { ...json, price: 1 },
      { ...json, fee: "-0.1" },
      { ...json, symbol: "ABCUSDC" },
      { ...json, symbol: "abcusdt" },
      { ...json, qty: "0" },
      { ...json, qty: "0.000" },
      { ...json, time: 1.5 },
      { ...json, time: -1 },
      { ...json, time: 2 ** 53 },
      { ...json, time: "1" },
      { ...json, source: "guess" },
      { ...json, side: "buy" },
      { ...json, id: "" },
      { ...json, orderId: 5 },
      { ...json, clientOrderId: "" },
      { ...json, clientOrderId: null },
      { ...json, bot: "Scanner" },
      { ...json, isMaker: "no" },
      { ...json, feeAsset: "ABC", fee: "2000000" },
      { ...json, extra: "ignored" },
      { ...json, quoteQty: "0" },
    ];
    for (const v of variants) {
      let parsed = true;
      try {
        parseFillJson(v);
      } catch {
        parsed = false;
      }
      expect(parsed, JSON.stringify(v)).toBe(fillJsonSchema.safeParse(v).success);
    }
  });
});

describe("compareIds", () => {
  it("orders numeric ids as numbers and others as strings", () => {
    expect(["10", "9", "100", "11"].sort(compareIds)).toEqual(["9", "10", "11", "100"]);
    expect(["import-b", "import-a"].sort(compareIds)).toEqual(["import-a", "import-b"]);
  });
});

describe("Fill JSON: the ledger's attribution", () => {
  it("keeps the bot, and leaves it out when absent (a fill kept before attribution)", () => {
    const attributed = { ...sample, bot: "scanner" };
    const json = fillToJson(attributed);
    expect(json.bot).toBe("scanner");
    expect(parseFillJson(JSON.parse(JSON.stringify(json))).bot).toBe("scanner");
    const { bot: _, ...legacy } = attributed;
    expect("bot" in fillToJson(legacy)).toBe(false);
    expect("bot" in parseFillJson(fillToJson(legacy))).toBe(false);
  });

  it("refuses a bot that is not a bot id", () => {
    const json = fillToJson({ ...sample, bot: "scanner" });
    for (const bot of ["", "Scanner", "pnl-seller", "x"])
      expect(fillJsonSchema.safeParse({ ...json, bot }).success, bot).toBe(false);
  });
});

describe("comparePlain (a buy's fee in its base against its qty, on the strings)", () => {
  /** A plain decimal string: leading and trailing zeros, no fraction, long fractions, zero itself. */
  function plain(r: () => number): string {
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join("");
    const int =
      r() < 0.3
        ? "0".repeat(1 + Math.floor(r() * 3)) + digits(Math.floor(r() * 3))
        : digits(1 + Math.floor(r() * 4));
    return r() < 0.3 ? int : `${int}.${digits(1 + Math.floor(r() * 10))}${r() < 0.3 ? "000" : ""}`;
  }

  it("orders 20,000 random pairs as decimal.js does, equal values in other spellings included", () => {
    let seed = 7;
    const r = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 20_000; i++) {
      const a = plain(r);
      // A third of the pairs the same value spelled otherwise, or a digit off at the end.
      const b = i % 3 === 0 ? `0${a}${a.includes(".") ? "0" : ".0"}` : plain(r);
      expect(Math.sign(comparePlain(a, b)), `${a} vs ${b}`).toBe(new D(a).cmp(new D(b)));
      expect(Math.sign(comparePlain(b, a)), `${b} vs ${a}`).toBe(new D(b).cmp(new D(a)));
    }
  });

  it("at the edges: zeros, a fraction against none, an integer part longer by a leading zero only", () => {
    const cases: [string, string, number][] = [
      ["0", "0.000", 0],
      ["1", "1.0000001", -1],
      ["10", "9.99999999", 1],
      ["0010.5", "10.50", 0],
      ["0.00000001", "0", 1],
      ["123.45", "123.4500000001", -1],
    ];
    for (const [a, b, want] of cases) expect(Math.sign(comparePlain(a, b)), `${a} vs ${b}`).toBe(want);
  });
});
