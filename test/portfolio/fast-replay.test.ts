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
import { type Fill, fillToJson } from "../../src/portfolio/fill.js";
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

  it("reads plain decimal strings exactly, leading and trailing zeros included", () => {
    for (const s of [
      "0",
      "0.000",
      "007.50",
      "123456789012345678901234567890123456789012345.6789",
      "0.00000001",
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
