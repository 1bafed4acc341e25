import { appendFileSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { CostBasisBook, type CostBasisOptions, computeCostBasis } from "../../src/portfolio/cost-basis.js";
import {
  type Exact,
  exact,
  exactOfDecimal,
  toDecimal,
  xAdd,
  xCmp,
  xDiv,
  xMul,
  xSub,
} from "../../src/portfolio/exact-decimal.js";
import { type Fill, fillProblems, fillToJson } from "../../src/portfolio/fill.js";
import { replayFillsFile } from "../../src/portfolio/fills-replay.js";
import { digits, randomFills, rng } from "./random-fills.js";

/** A random decimal of 1 to 45 significant digits at a random scale, sometimes negative. */
function randomDecimal(r: () => number): D {
  const n = 1 + Math.floor(r() * 45);
  let s = String(1 + Math.floor(r() * 9));
  for (let i = 1; i < n; i++) s += String(Math.floor(r() * 10));
  // Ties: a run of 5 then zeros, where half-even rounding decides.
  if (r() < 0.15) s = `${s.slice(0, 40)}5${"0".repeat(Math.floor(r() * 4))}`;
  const d = new D(`${s}e${Math.floor(r() * 40) - 30}`);
  return r() < 0.3 ? d.neg() : d;
}

function fileOf(lines: readonly Fill[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "mpb-fast-")), "fills.jsonl");
  appendFileSync(path, lines.map((f) => `${JSON.stringify(fillToJson(f))}\n`).join(""));
  return path;
}

const snapshotOf = (path: string, options: CostBasisOptions = {}) =>
  CostBasisBook.withoutHistory(options, replayFillsFile(path, options, statSync(path).size).state).snapshot();

describe("exact BigInt decimals give decimal.js's digits (precision 40, half even)", () => {
  it("plus, minus, times, div and cmp on 5,000 random pairs, ties and 45-digit operands included", () => {
    const r = rng(42);
    const x = (d: D): Exact => exactOfDecimal(d);
    for (let i = 0; i < 5_000; i++) {
      const a = randomDecimal(r);
      const b = randomDecimal(r);
      expect(toDecimal(xAdd(x(a), x(b))).toString()).toBe(a.plus(b).toString());
      expect(toDecimal(xSub(x(a), x(b))).toString()).toBe(a.minus(b).toString());
      expect(toDecimal(xMul(x(a), x(b))).toString()).toBe(a.mul(b).toString());
      expect(toDecimal(xDiv(x(a), x(b))).toString()).toBe(a.div(b).toString());
      expect(xCmp(x(a), x(b))).toBe(a.cmp(b));
    }
  });

  it("the same across the Number/BigInt boundary: coefficients around 2^53, at scales that shift them over it", () => {
    const r = rng(53);
    const TWO_53 = 9007199254740992n;
    const SAFE = TWO_53 - 1n;
    const sign = (d: D) => (r() < 0.4 ? d.neg() : d);
    const near = (e: number): D => {
      // 2^53 and its neighbours, small multiples and halves of it, and 15/16/17-digit values.
      const kinds = [
        () => TWO_53 + BigInt(Math.floor(r() * 7) - 3),
        () => (TWO_53 + BigInt(Math.floor(r() * 7) - 3)) / BigInt(1 + Math.floor(r() * 16)),
        () => BigInt(Math.floor(r() * 9e14) + 1e14),
        () => BigInt(`${Math.floor(r() * 9e15) + 1e15}${Math.floor(r() * 10)}`),
      ];
      return sign(new D(`${(kinds[Math.floor(r() * kinds.length)] as () => bigint)()}e${e}`));
    };
    const x = (d: D): Exact => exactOfDecimal(d);
    for (let i = 0; i < 5_000; i++) {
      const e = Math.floor(r() * 7) - 5;
      const a = near(e);
      // Another value near 2^53, or a few units at the same scale (a sum or difference lands right at 2^53), or
      // a small value at another scale.
      const pick = r();
      const b =
        pick < 0.4
          ? near(r() < 0.5 ? e : e + Math.floor(r() * 3) - 1)
          : pick < 0.8
            ? sign(new D(`${Math.floor(r() * 9)}e${e}`))
            : new D(`${Math.floor(r() * 1e6)}e${Math.floor(r() * 5) - 3}`);
      expect(toDecimal(xAdd(x(a), x(b))).toString()).toBe(a.plus(b).toString());
      expect(toDecimal(xSub(x(a), x(b))).toString()).toBe(a.minus(b).toString());
      expect(toDecimal(xMul(x(a), x(b))).toString()).toBe(a.mul(b).toString());
      if (!b.isZero()) expect(toDecimal(xDiv(x(a), x(b))).toString()).toBe(a.div(b).toString());
      expect(xCmp(x(a), x(b))).toBe(a.cmp(b));
      // A result that crossed back under 2^53 is held as a Number again: one form per value.
      const sum = xAdd(x(a), x(b));
      const coefficient = BigInt(
        toDecimal(sum)
          .div(new D(`1e${sum.e}`))
          .toFixed(),
      );
      expect(Number.isSafeInteger(sum.n)).toBe(coefficient >= -SAFE && coefficient <= SAFE);
    }
  });

  it("div at the edges of a digit count: 10^k − 1, 10^k and 10^k + 1 from 15 to 45 digits, both signs", () => {
    // xDiv and round guess an operand's digit count (40, the precision; 42 for a quotient) before they search.
    const x = (d: D): Exact => exactOfDecimal(d);
    const edges: D[] = [];
    for (let k = 15; k <= 45; k++)
      for (const delta of [-1, 0, 1]) {
        const v = new D(`${10n ** BigInt(k) + BigInt(delta)}e-${k % 7}`);
        edges.push(v, v.neg());
      }
    const others = [
      new D("3"),
      new D("-7e-3"),
      new D("123456789.123"),
      ...edges.filter((_, i) => i % 5 === 0),
    ];
    for (const a of edges)
      for (const b of others) {
        expect(toDecimal(xDiv(x(a), x(b))).toString()).toBe(a.div(b).toString());
        expect(toDecimal(xDiv(x(b), x(a))).toString()).toBe(b.div(a).toString());
        expect(toDecimal(xAdd(x(a), x(b))).toString()).toBe(a.plus(b).toString());
        expect(toDecimal(xMul(x(a), x(b))).toString()).toBe(a.mul(b).toString());
      }
  });

  it("reads plain decimal strings exactly, leading and trailing zeros included", () => {
    for (const s of [
      "0",
      "0.000",
      "007.50",
      "123456789012345678901234567890123456789012345.6789",
      "0.00000001",
      "9007199254740991",
      "9007199254740992",
      "9007199254740993",
      "90071992.54740993",
      "0.000000000000000000009007199254740993",
    ])
      expect(toDecimal(exact(s)).toString()).toBe(new D(s).toString());
  });
});

describe("the fast full replay equals the decimal.js replay to the last digit (issue 15)", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("random fills in every fee mode, no prices known (seed %i)", (seed) => {
    const fills = randomFills(seed, 400);
    expect(digits(snapshotOf(fileOf(fills)))).toEqual(digits(computeCostBasis(fills)));
  });

  it.each([11, 12, 14])("with historical, fallback and quote prices (seed %i)", (seed) => {
    const fills = randomFills(seed, 400);
    const options: CostBasisOptions = {
      quoteToUsd: (q, t) =>
        q === "BTC" && t % 3 !== 0 ? new D("43210.123456789").plus(t % 1000) : undefined,
      priceAt: (a, t) => (a === "MX" && t % 2 === 0 ? new D("0.7").plus(new D(t % 977).div(3)) : undefined),
      currentPrice: (a) => (a === "BTC" ? new D("65000.5") : a === "MX" ? new D("2").div(3) : undefined),
    };
    const want = computeCostBasis(fills, options);
    expect(want.warnings.some((w) => w.kind === "price-fallback")).toBe(true);
    expect(digits(snapshotOf(fileOf(fills), options))).toEqual(digits(want));
  });

  it("lines out of order and an id seen twice: sorted, the first line of an id wins", () => {
    const fills = randomFills(21, 300);
    const shuffled = fills.slice(150).concat(fills.slice(0, 150));
    const twice = { ...(fills[40] as Fill), qty: new D("999"), quoteQty: new D("1") };
    const path = fileOf([...shuffled, twice]);
    expect(digits(snapshotOf(path))).toEqual(digits(computeCostBasis(fills)));
  });

  it("amounts around 2^53 and zero fees in every fee mode: the Number/BigInt boundary inside the book", () => {
    const r = rng(91);
    // Coefficients of 15 to 17 digits near 2^53 = 9007199254740992, at scales of 0 to 12 decimals.
    const near = () => {
      const c = 9007199254740992n + BigInt(Math.floor(r() * 2001) - 1000);
      const shifted = r() < 0.3 ? c / 10n : r() < 0.5 ? c * 10n + BigInt(Math.floor(r() * 10)) : c;
      return new D(`${shifted}e-${Math.floor(r() * 13)}`);
    };
    const fills = randomFills(41, 300).map((f, i) => {
      const qty = f.side === "SELL" && r() < 0.3 ? f.qty : near();
      const price = r() < 0.5 ? near() : f.price;
      const zero = i % 3 === 0;
      return {
        ...f,
        qty,
        price,
        quoteQty: r() < 0.5 ? qty.mul(price) : near(),
        fee: zero ? new D(0) : f.feeAsset === f.base ? qty.div(1000).toDecimalPlaces(12) : near().div(1e6),
      };
    });
    const valid = fills.filter((f) => fillProblems(f).length === 0);
    expect(valid.length).toBeGreaterThan(250);
    expect(valid.some((f) => f.fee.isZero() && f.feeAsset === f.base)).toBe(true);
    expect(valid.some((f) => f.fee.isZero() && f.feeAsset === "MX")).toBe(true);
    expect(digits(snapshotOf(fileOf(valid)))).toEqual(digits(computeCostBasis(valid)));
  });

  it("amounts of many digits, where every operation rounds", () => {
    const r = rng(77);
    const long = () => new D((r() * 1000 + 0.001).toFixed(12)).plus(new D(`${Math.floor(r() * 1e9)}e-30`));
    const fills = randomFills(31, 300).map((f) => {
      const qty = long();
      const price = long();
      return { ...f, qty, price, quoteQty: qty.mul(price), fee: f.fee.isZero() ? f.fee : qty.mul("0.00099") };
    });
    expect(digits(snapshotOf(fileOf(fills)))).toEqual(digits(computeCostBasis(fills)));
  });
});
