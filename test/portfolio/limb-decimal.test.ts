import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  type Exact,
  exactOfDecimal,
  toDecimal,
  xAdd,
  xCmp,
  xDiv,
  xMin,
  xMul,
  xSub,
} from "../../src/portfolio/exact-decimal.js";
import { shiftDown } from "../../src/portfolio/limb-digits.js";
import { rng } from "./random-fills.js";

// The wide form (limb-decimal.ts: up to 42 digits as limbs of 10^7 in doubles) against decimal.js, digit for digit,
// where its arithmetic has edges: carries through limbs of 9s, a rounding up to 10^40, sums of values far apart
// (the scratch limbs' end, where the BigInt way takes over), divisors around 2^49 (the long division's limit) and
// 2^53, and running sums fed back into themselves as the book's are.
const x = (d: D): Exact => exactOfDecimal(d);
const same = (got: Exact, want: D) => expect(toDecimal(got).toString()).toBe(want.toString());

function all(a: D, b: D): void {
  same(xAdd(x(a), x(b)), a.plus(b));
  same(xSub(x(a), x(b)), a.minus(b));
  same(xMul(x(a), x(b)), a.mul(b));
  if (!b.isZero()) same(xDiv(x(a), x(b)), a.div(b));
  if (!a.isZero()) same(xDiv(x(b), x(a)), b.div(a));
  expect(xCmp(x(a), x(b))).toBe(a.cmp(b));
  expect(toDecimal(xMin(x(a), x(b))).toString()).toBe(D.min(a, b).toString());
}

/** A coefficient of `n` digits drawn from runs of 9s, 0s, 5s and random digits: limbs full, empty and at half. */
function patterned(r: () => number, n: number): string {
  let s = "";
  while (s.length < n) {
    const run = 1 + Math.floor(r() * 9);
    const kind = Math.floor(r() * 4);
    for (let k = 0; k < run; k++)
      s += kind === 0 ? "9" : kind === 1 ? "0" : kind === 2 ? "5" : String(Math.floor(r() * 10));
  }
  s = s.slice(0, n).replace(/^0+/, "");
  return s === "" ? "1" : s;
}

describe("wide exact decimals (limbs in doubles) give decimal.js's digits", () => {
  it("carries through limbs of 9s and 0s, ties at 5, 16 to 48 digits at every exponent mod 7, both signs", () => {
    const r = rng(7);
    for (let i = 0; i < 4_000; i++) {
      const make = () => {
        const d = new D(`${patterned(r, 16 + Math.floor(r() * 33))}e${Math.floor(r() * 60) - 40}`);
        return r() < 0.4 ? d.neg() : d;
      };
      all(make(), make());
    }
  });

  it("a rounding up to 10^40 (40 nines and more), and results a unit either side of it", () => {
    const nines = "9".repeat(40);
    for (const tail of ["5", "50", "49", "51", "4999", "5001", "9"])
      for (const e of [-47, -40, -35, -7, -1, 0, 3]) {
        const a = new D(`${nines}${tail}e${e}`);
        for (const b of [new D(0), new D(`1e${e}`), new D(`-1e${e}`), new D(`5e${e - 1}`), new D("1")]) {
          all(a, b);
          all(a.neg(), b);
        }
      }
  });

  it("sums of values 60 to 140 digits apart: the scratch limbs' end, where the BigInt way takes over", () => {
    const r = rng(11);
    for (let gap = 60; gap <= 140; gap++) {
      const a = new D(`${patterned(r, 40)}e${gap - 40}`);
      const b = new D(`${patterned(r, 20 + Math.floor(r() * 20))}e-${Math.floor(r() * 7) + 20}`);
      all(a, b);
      all(a, b.neg());
    }
  });

  it("divisors around 2^49 and 2^53 (safe Numbers) and wide ones, quotients at a tie", () => {
    const r = rng(13);
    const edges = [2n ** 49n, 2n ** 53n - 1n, 10n ** 15n, 10n ** 7n, 9999999n, 1n];
    for (const edge of edges)
      for (let delta = -3n; delta <= 3n; delta++) {
        const c = edge + delta;
        if (c <= 0n) continue;
        const b = new D(`${c}e-${Math.floor(r() * 12)}`);
        for (let k = 0; k < 20; k++) {
          const a = new D(`${patterned(r, 17 + Math.floor(r() * 26))}e${Math.floor(r() * 30) - 20}`);
          all(a, b);
          // A quotient whose 41st digit is a 5: the remainder alone decides.
          const tie = new D(`${patterned(r, 40)}5`).mul(b);
          all(tie, b);
          all(tie.plus(new D(`1e${tie.e - 50}`)), b);
        }
      }
  });

  it("exact multiples of the divisor: a partial remainder of exactly the divisor, which the estimate can miss", () => {
    for (const d of [3n, 7n, 49n, 99n, 9999999n, 10000001n, 2n ** 49n - 1n])
      for (let k = 1n; k <= 40n; k++) {
        const b = new D(String(d));
        const a = new D(String(d * (10n ** 20n + k * 7919n)));
        all(a, b);
        all(a.mul("1e-9"), b.neg());
      }
  });

  it("a limb's digits shifted down by the reciprocal: every limb below 10^7 at every shift, as the division", () => {
    for (let r = 0; r <= 7; r++) {
      const unit = 10 ** r;
      let wrong = 0;
      for (let x = 0; x < 1e7; x++) if (shiftDown(x, r) !== Math.floor(x / unit)) wrong++;
      expect(wrong, `shift ${r}`).toBe(0);
    }
  });

  it("running sums, products and differences fed back, as the book's positions and realized sums are", () => {
    const r = rng(17);
    let sum = new D(0);
    let cost = new D("1");
    let xs = x(sum);
    let xc = x(cost);
    for (let i = 0; i < 3_000; i++) {
      const v = new D(`${Math.floor(r() * 1e12)}e-${Math.floor(r() * 10)}`);
      const w = r() < 0.3 ? v.neg() : v;
      sum = sum.plus(w);
      xs = xAdd(xs, x(w));
      same(xs, sum);
      const q = new D(`${1 + Math.floor(r() * 1e9)}e-6`);
      cost = cost.mul(q).div(q.plus("0.000001")).minus(w.div(7));
      xc = xSub(xDiv(xMul(xc, x(q)), x(q.plus("0.000001"))), xDiv(x(w), x(new D(7))));
      same(xc, cost);
    }
  });

  it("refuses a division by zero at once, a wide dividend as a safe one", () => {
    const x = (v: string): Exact => exactOfDecimal(new D(v));
    for (const a of ["1", "-3.5", "123456789012345678901234567890.123456789"])
      expect(() => xDiv(x(a), x("0")), a).toThrow(/[Dd]ivision by zero/);
  });
});
