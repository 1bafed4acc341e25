import { describe, expect, it } from "vitest";
import { D } from "../../src/api/decimal.js";
import { literalDecimal } from "../../src/api/decimal-scan.js";
import { seeded } from "./random.js";

/** literalDecimal on a whole literal, with the positions a reader finds. */
function fromLiteral(text: string) {
  const negative = text.startsWith("-");
  const intStart = negative ? 1 : 0;
  const dot = text.indexOf(".");
  const intEnd = dot < 0 ? text.length : dot;
  return literalDecimal(text, negative, intStart, intEnd, text.length);
}

/** The constructor's own fields and their order: what makes two Decimals the same to toStrictEqual and to V8. */
function expectConstructorsValue(text: string): void {
  const want = new D(text);
  const got = fromLiteral(text);
  expect(got, text).toStrictEqual(want);
  expect(Object.keys(got), text).toEqual(Object.keys(want));
  expect(Object.is(got.s, want.s), text).toBe(true);
  expect(got.toFixed(), text).toBe(want.toFixed());
}

describe("literalDecimal, new D(literal) from the digits in place", () => {
  it("gives the constructor's Decimal on the edges of its 7-digit words", () => {
    const cases = [
      "0",
      "-0",
      "0.0",
      "-0.000",
      "00",
      "007",
      "1",
      "10",
      "1000000",
      "10000000",
      "9999999",
      "12345678",
    ];
    for (let n = 1; n <= 16; n++) {
      cases.push(
        `1${"0".repeat(n)}`,
        `0.${"0".repeat(n)}1`,
        `${"9".repeat(n)}.${"9".repeat(n)}`,
        `-0.${"0".repeat(n)}5`,
      );
    }
    cases.push(
      "123456789012345678901234567890123456789012345.678901234567890123456789",
      `0.${"0".repeat(60)}7`,
    );
    for (const c of cases) expectConstructorsValue(c);
  });

  it("gives the constructor's Decimal on random literals: signs, leading and trailing zeros, long mantissas", () => {
    const rng = seeded(77);
    const digits = (n: number): string =>
      Array.from({ length: n }, () => rng.pick(["0", "0", "1", "5", "9"])).join("");
    for (let i = 0; i < 20_000; i++) {
      const sign = rng.next() < 0.2 ? "-" : "";
      const whole = digits(rng.int(1, 25));
      const frac = rng.next() < 0.3 ? "" : `.${digits(rng.int(1, 30))}`;
      expectConstructorsValue(sign + whole + frac);
    }
  });

  it("reads the literal where it stands in a longer text", () => {
    const text = '{"price":"-0012.50400"}';
    expect(literalDecimal(text, true, 11, 15, 21)).toStrictEqual(new D("-0012.50400"));
  });
});
