import { describe, expect, it } from "vitest";
import { describeIssues, parseJson } from "../../src/api/schemas.js";
import { exchangeInfoAnswer } from "../../src/api/schemas-read.js";
import { Simulator } from "../../src/sim/simulator.js";
import { type Random, seeded } from "./random.js";

function general(text: string): { value: unknown } | { error: string } {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    return { error: "not JSON" };
  }
  const r = exchangeInfoAnswer.schema.safeParse(body);
  return r.success ? { value: r.data } : { error: describeIssues(r.error) };
}

function expectSame(fast: unknown, text: string): void {
  const slow = general(text);
  expect(slow, text).toStrictEqual({ value: fast });
  expect(JSON.stringify(fast), text).toBe(JSON.stringify((slow as { value: unknown }).value));
}

const pick = <T>(rng: Random, items: readonly T[]): T => rng.pick(items);
const decimal = (rng: Random): string =>
  `"${rng.int(0, 99)}${rng.next() < 0.5 ? `.${rng.int(0, 9999)}` : ""}"`;
const blankable = (rng: Random): string | undefined =>
  pick(rng, [() => decimal(rng), () => "null", () => '""', () => undefined])();

function filter(rng: Random): string {
  return pick(rng, [
    () =>
      `{"filterType":"PERCENT_PRICE_BY_SIDE",${[
        "bidMultiplierUp",
        "bidMultiplierDown",
        "askMultiplierUp",
        "askMultiplierDown",
      ]
        .map((k) => [k, blankable(rng)] as const)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `"${k}":${v}`)
        .join(",")}}`,
    () => '{"filterType":"LOT_SIZE","bidMultiplierUp":"x","minQty":1e-8}',
    () => '{"bidMultiplierUp":"abc"}',
    () => "null",
    () => "7",
    () => '["PERCENT_PRICE_BY_SIDE"]',
  ])();
}

function symbolText(rng: Random): string {
  const members: [string, string | undefined][] = [
    ["symbol", `"${pick(rng, ["BTCUSDT", "ETHUSDT", "A1USDT"])}"`],
    ["status", pick(rng, ['"1"', '"ENABLED"', '"2"', "1", '""'])],
    ["baseAsset", '"BTC"'],
    ["quoteAsset", '"USDT"'],
    ["baseAssetPrecision", String(rng.int(0, 10))],
    ["quotePrecision", String(rng.int(0, 10))],
    ["quoteAssetPrecision", pick(rng, [String(rng.int(0, 10)), "null", undefined])],
    ["baseSizePrecision", decimal(rng)],
    ["quoteAmountPrecision", decimal(rng)],
    ["quoteAmountPrecisionMarket", blankable(rng)],
    ["maxQuoteAmount", blankable(rng)],
    ["maxQuoteAmountMarket", blankable(rng)],
    ["makerCommission", blankable(rng)],
    ["takerCommission", blankable(rng)],
    ["orderTypes", pick(rng, ['["LIMIT","MARKET"]', "[]", "null", undefined])],
    ["isSpotTradingAllowed", pick(rng, ["true", "false"])],
    ["permissions", pick(rng, ['["SPOT"]', "null", undefined])],
    ["tradeSideType", pick(rng, ['"1"', "2", "null", undefined])],
    ["quoteOrderQtyMarketAllowed", pick(rng, ["true", "null", undefined])],
    [
      "filters",
      pick(rng, [
        () => `[${Array.from({ length: rng.int(0, 3) }, () => filter(rng)).join(",")}]`,
        () => "null",
        () => undefined,
      ])(),
    ],
    ["st", "false"],
    ["fullName", '"Bitcoin"'],
  ];
  const present = members.filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}":${v}`);
  for (let i = present.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [present[i], present[j]] = [present[j]!, present[i]!];
  }
  return `{${present.join(",")}}`;
}

function answerText(rng: Random): string {
  const symbols = Array.from({ length: rng.int(0, 4) }, () => symbolText(rng)).join(",");
  return `{"timezone":"CST","serverTime":${rng.int(1, 9) * 10 ** 12},"rateLimits":[],"exchangeFilters":[],"symbols":[${symbols}]}`;
}

describe("readExchangeInfo", () => {
  it("reads the simulator's answer, with and without the real-exchange variants, to the schema's value", async () => {
    for (const realVariants of [false, true]) {
      const sim = new Simulator({ seed: 7, generatedAlts: 50, realVariants });
      for (let i = 0; i < 4; i++) {
        const res = await sim.handle({ method: "GET", path: "/api/v3/exchangeInfo", query: "", headers: {} });
        const fast = exchangeInfoAnswer.fastParse(res.body);
        // A quoted serverTime (a variant) is left to the schema.
        if (!res.body.includes('"serverTime":"')) expect(fast, res.body.slice(0, 200)).toBeDefined();
        if (fast !== undefined) expectSame(fast, res.body);
      }
      sim.dispose();
    }
  });

  it("reads every generated answer as the schema does: blanks, codes as numbers, filters of every kind", () => {
    const rng = seeded(4242);
    let read = 0;
    for (let i = 0; i < 1500; i++) {
      const text = answerText(rng);
      const fast = exchangeInfoAnswer.fastParse(text);
      const slow = general(text);
      if (fast === undefined) {
        expect(slow, `left to the general path: ${text}`).toHaveProperty("error");
        continue;
      }
      read++;
      expectSame(fast, text);
    }
    expect(read).toBeGreaterThan(1400);
  });

  it("on a changed answer says nothing, or exactly what the schema says", () => {
    const rng = seeded(99);
    let left = 0;
    for (let i = 0; i < 1500; i++) {
      let text = answerText(rng);
      const at = rng.int(0, text.length - 1);
      text = pick(rng, [
        () => text.slice(0, at),
        () => text.slice(0, at) + pick(rng, ['"', ",", "{", "]", "0", " ", "n", "-"]) + text.slice(at + 1),
        () => text.replace(/"(status|baseSizePrecision|quotePrecision|filters|symbols)":/, '"x":'),
        () => text.replace(/"bidMultiplierUp":("[^"]*"|null)/, '"bidMultiplierUp":"1e5"'),
      ])();
      const fast = exchangeInfoAnswer.fastParse(text);
      if (fast === undefined) left++;
      else expectSame(fast, text);
    }
    expect(left).toBeGreaterThan(500);
  });
});
