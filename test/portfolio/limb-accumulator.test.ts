import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  type Exact,
  exactOfDecimal,
  toDecimal,
  xAdd,
  xCmp,
  xDiv,
  xMul,
  xSub,
} from "../../src/portfolio/exact-decimal.js";
import { Registers } from "../../src/portfolio/limb-accumulator.js";
import { rng } from "./random-fills.js";

// The book's registers (limb-accumulator.ts) against exact-decimal.ts's immutable values: each operation must
// leave the very coefficient, limbs and exponent xAdd, xSub, xMul, xDiv give (and so decimal.js's digits), with
// the destination an operand or not, across carries and borrows through limbs, sign changes, limb boundaries and
// the BigInt way where limbs do not fit.
const x = (v: string | D): Exact => exactOfDecimal(new D(v));
/** The value's form, field for field (a wide one's limbs as a plain array). */
const form = (v: Exact) => ({ n: v.n, c: v.c, e: v.e, w: v.w === undefined ? undefined : [...v.w] });

type Op = "add" | "sub" | "mul" | "div";
const REFERENCE: Record<Op, (a: Exact, b: Exact) => Exact> = { add: xAdd, sub: xSub, mul: xMul, div: xDiv };
const DECIMAL: Record<Op, (a: D, b: D) => D> = {
  add: (a, b) => a.plus(b),
  sub: (a, b) => a.minus(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
};

/** a op b in registers: into a third register, into a, into b, and (for a = b) a op a. */
function check(op: Op, a: Exact, b: Exact): void {
  if (op === "div" && b.n === 0) return;
  const want = form(REFERENCE[op](a, b));
  const r = new Registers(2);
  const [ra, rb, to] = [r.alloc(1), r.alloc(1), r.alloc(1)];
  const load = () => {
    r.set(ra, a);
    r.set(rb, b);
  };
  load();
  r[op](to, ra, rb);
  // decimal.js too: exact-decimal.ts shares the limbs' arithmetic (limb-core.ts), so agreeing with it alone
  // would not show a fault there.
  const digits = DECIMAL[op](toDecimal(a), toDecimal(b)).toString();
  expect(toDecimal(r.exact(to)).toString(), `${op} as decimal.js`).toBe(digits);
  expect(form(r.exact(to)), `${op} into another`).toEqual(want);
  expect(form(r.exact(ra)), "operand untouched").toEqual(form(a));
  r[op](ra, ra, rb);
  expect(form(r.exact(ra)), `${op} into a`).toEqual(want);
  load();
  r[op](rb, ra, rb);
  expect(form(r.exact(rb)), `${op} into b`).toEqual(want);
  load();
  expect(r.cmp(ra, rb)).toBe(xCmp(a, b));
  const self = new Registers(1);
  const s = self.alloc(1);
  self.set(s, a);
  if (op !== "div" || a.n !== 0) {
    self[op](s, s, s);
    expect(form(self.exact(s)), `${op} of itself`).toEqual(form(REFERENCE[op](a, a)));
  }
}

function all(a: Exact, b: Exact): void {
  for (const op of ["add", "sub", "mul", "div"] as const) {
    check(op, a, b);
    check(op, b, a);
  }
}

/** A coefficient of `n` digits from runs of 9s, 0s, 5s and random digits: limbs full, empty and at half. */
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

describe("the book's registers give exact-decimal.ts's values, in place", () => {
  it("carries through limbs of 9s, borrows through limbs of 0s, 1 to 48 digits, both signs, every exponent mod 7", () => {
    const r = rng(23);
    for (let i = 0; i < 1_500; i++) {
      const make = () => {
        const v = `${patterned(r, 1 + Math.floor(r() * 48))}e${Math.floor(r() * 60) - 40}`;
        return x(r() < 0.4 ? `-${v}` : v);
      };
      all(make(), make());
    }
  });

  it("a carry or borrow passed through every limb: 10^k ± units around 40-digit runs of 9s and 0s", () => {
    for (const k of [7, 14, 21, 28, 35, 39, 40, 41, 42]) {
      const nines = "9".repeat(k);
      const power = `1${"0".repeat(k)}`;
      for (const e of [-49, -42, -36, -35, -8, 0]) {
        for (const small of ["1", "5", "9999999", "10000000", "49999999", "50000001"]) {
          all(x(`${nines}e${e}`), x(`${small}e${e}`));
          all(x(`${power}e${e}`), x(`-${small}e${e}`));
          all(x(`${power}e${e}`), x(`${small}e${e - 7}`));
          all(x(`-${nines}e${e}`), x(`${small}e${e + 3}`));
        }
      }
    }
  });

  it("values at the limbs' boundaries: 2^53 ± 1, 10^7k ± 1, 40 and 41 digits", () => {
    const edges = [
      "9007199254740991",
      "9007199254740992",
      "9007199254740993",
      "9999999",
      "10000000",
      "10000001",
      "99999999999999",
      "100000000000000",
      `1${"0".repeat(39)}`,
      "9".repeat(40),
      "9".repeat(41),
      `1${"0".repeat(40)}1`,
    ];
    for (const a of edges)
      for (const b of edges)
        for (const e of [-14, -9, 0]) {
          all(x(`${a}e${e}`), x(b));
          all(x(`-${a}e${e}`), x(`${b}e-3`));
        }
  });

  it("the BigInt way where limbs do not fit: 45-digit amounts, values 60 to 140 digits apart, divisors of 2^49 and up", () => {
    const r = rng(29);
    for (let i = 0; i < 60; i++) {
      all(x(`${patterned(r, 45)}e-20`), x(`${patterned(r, 12)}e-8`));
      const gap = 60 + Math.floor(r() * 80);
      all(x(`${patterned(r, 40)}e${gap - 40}`), x(`${patterned(r, 30)}e-${Math.floor(r() * 7) + 20}`));
    }
    for (const d of [2n ** 49n - 1n, 2n ** 49n, 2n ** 50n + 7n, 2n ** 53n - 1n, 10n ** 20n + 3n])
      all(x(`${patterned(r, 40)}e-30`), x(`${d}e-6`));
  });

  it("running sums whose sign changes, fed back as the book's totals are, against decimal.js", () => {
    const r = rng(31);
    const regs = new Registers(4);
    const [total, cost, step] = [regs.alloc(1), regs.alloc(1), regs.alloc(1)];
    let sum = new D(0);
    let basis = new D("1");
    let xs = x("0");
    let xc = x("1");
    regs.set(total, xs);
    regs.set(cost, xc);
    for (let i = 0; i < 4_000; i++) {
      const v = new D(`${Math.floor(r() * 1e12)}e-${Math.floor(r() * 10)}`);
      // Mostly one sign for a while, then the other: the total crosses zero again and again.
      const w = (Math.floor(i / 50) % 2 === 0) === r() < 0.8 ? v : v.neg();
      sum = sum.plus(w);
      xs = xAdd(xs, exactOfDecimal(w));
      regs.set(step, exactOfDecimal(w));
      regs.add(total, total, step);
      expect(form(regs.exact(total))).toEqual(form(xs));
      expect(toDecimal(regs.exact(total)).toString()).toBe(sum.toString());
      const q = new D(`${1 + Math.floor(r() * 1e9)}e-6`);
      basis = basis.mul(q).div(q.plus("0.000001")).minus(w.div(7));
      xc = xSub(
        xDiv(xMul(xc, exactOfDecimal(q)), exactOfDecimal(q.plus("0.000001"))),
        xDiv(exactOfDecimal(w), x("7")),
      );
      regs.set(step, exactOfDecimal(q));
      regs.mul(cost, cost, step);
      regs.set(step, exactOfDecimal(q.plus("0.000001")));
      regs.div(cost, cost, step);
      const part = regs.alloc(1);
      regs.set(part, exactOfDecimal(w));
      regs.set(step, x("7"));
      regs.div(part, part, step);
      regs.sub(cost, cost, part);
      expect(toDecimal(regs.exact(cost)).toString()).toBe(basis.toString());
      expect(form(regs.exact(cost))).toEqual(form(xc));
    }
  });

  it("refuses a division by zero as exact-decimal.ts does, and keeps registers across growth", () => {
    const regs = new Registers(1);
    const a = regs.alloc(1);
    regs.set(a, x("123456789012345678901234567890.5"));
    const zero = regs.alloc(1);
    expect(() => regs.div(a, a, zero)).toThrow(/[Dd]ivision by zero/);
    const many = regs.alloc(500);
    expect(form(regs.exact(a))).toEqual(form(x("123456789012345678901234567890.5")));
    expect(regs.isZero(many + 499)).toBe(true);
  });
});
