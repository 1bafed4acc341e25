import { describe, expect, it } from "vitest";
import {
  compareIds,
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
