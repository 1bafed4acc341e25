import { describe, expect, it } from "vitest";
import { D, floatFixed, ROUND_DOWN, ROUND_UP, str } from "../../src/sim/decimal.js";
import { changeTexts, floatPlaces, floatPrice, unitText } from "../../src/sim/float-text.js";
import { type BookShape, historyBookSide, historyTop } from "../../src/sim/history-book.js";
import { Rng } from "../../src/sim/rng.js";

/** Floats of every magnitude a market prints, and the awkward ones: carries, exponent texts, ties, non-positive. */
function floats(n: number): number[] {
  const rng = new Rng(7);
  const out = [
    0, -1, -0.5, 1e-7, 1.5e-9, 0.999999, 9.9999995, 99.995, 0.0005, 1e21, 2.5e22, 123456789.98765433,
  ];
  out.push(Number.NaN, Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const mag = 10 ** Math.floor(rng.next() * 16 - 8);
    const x = rng.next() * mag;
    out.push(x, Math.round(x * 1e4) / 1e4, 1 - x / 1e9);
  }
  return out;
}

describe("float-text: Decimal's roundings done on a float's text", () => {
  it("prints str(new D(x).toDecimalPlaces(dp, down/up)) for every float and place count", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const x of floats(2000))
      for (const dp of [0, 1, 2, 4, 6, 8, 10]) {
        for (const up of [false, true]) {
          const want = str(new D(x).toDecimalPlaces(dp, up ? ROUND_UP : ROUND_DOWN));
          const got = floatPlaces(x, dp, up);
          if (got !== want) wrong.push(`${x} at ${dp} ${up ? "up" : "down"}: ${got}, not ${want}`);
          checked++;
        }
        const price = floatPrice(x, dp);
        if (price !== str(new D(floatFixed(x, dp)))) wrong.push(`price ${x} at ${dp}: ${price}`);
      }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  });

  it("gives the 24 h change and its ratio as Decimal's subtraction and division", () => {
    const rng = new Rng(5);
    const wrong: string[] = [];
    const texts = [
      "0",
      "1",
      "2",
      "0.5",
      "0.00015",
      "1.00005",
      "3",
      "0.0003",
      "12345678901234.5",
      "99999999999",
    ];
    for (let i = 0; i < 20_000; i++) {
      const dp = Math.floor(rng.next() * 9);
      const o = floatPrice(10 ** (rng.next() * 8 - 3), dp);
      // Near the open, and on exact halves of the ratio's last place (o × k / 20,000).
      const l =
        i % 3 === 0
          ? str(new D(o).times(1 + Math.floor(rng.next() * 40) / 20_000).toDecimalPlaces(dp + 5))
          : floatPrice(Number(o) * (0.5 + rng.next()), dp);
      texts.push(o, l);
    }
    for (let i = 0; i + 1 < texts.length; i++) {
      const [last, open] = [texts[i] as string, texts[i + 1] as string];
      const od = new D(open);
      const change = new D(last).minus(od);
      const want = {
        change: str(change),
        percent: od.isZero() ? "0" : str(change.dividedBy(od).toDecimalPlaces(4)),
      };
      const got = changeTexts(last, open);
      if (got.change !== want.change || got.percent !== want.percent)
        wrong.push(`${last} vs ${open}: ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it("prints the smallest step at dp places as Decimal does", () => {
    for (const dp of [0, 1, 3, 8, 12]) expect(unitText(dp)).toBe(str(new D(1).dividedBy(new D(10).pow(dp))));
  });

  it("gives the top of the history book as the book's own first levels print", () => {
    const rng = new Rng(11);
    const wrong: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const mid = 10 ** (rng.next() * 10 - 5);
      const shape: BookShape = {
        half: (1 + Math.floor(rng.next() * 100)) / 2 / 10_000,
        levelQuote: 10 ** (rng.next() * 6),
      };
      const pp = Math.floor(rng.next() * 9);
      const bp = Math.floor(rng.next() * 7);
      const first = (side: "bids" | "asks") => {
        for (const l of historyBookSide(shape, mid, side, pp, bp))
          return { price: str(l.price), qty: str(l.qty) };
        return undefined;
      };
      const top = historyTop(shape, mid, pp, bp);
      const want = { bid: first("bids"), ask: first("asks") };
      if (JSON.stringify(top) !== JSON.stringify(want))
        wrong.push(`${mid} ${pp}/${bp}: ${JSON.stringify(top)}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
