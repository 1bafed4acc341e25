import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { CostBasisBook, type CostBasisSnapshot, computeCostBasis } from "../../src/portfolio/cost-basis.js";
import type { Fill } from "../../src/portfolio/fill.js";
import { fill, str } from "./helpers.js";

const history: Fill[] = [
  fill({ id: "1", time: 1000, side: "BUY", price: "2", qty: "10", quoteQty: "20", clientOrderId: "a-1" }),
  fill({ id: "2", time: 2000, side: "BUY", price: "4", qty: "10", quoteQty: "40", clientOrderId: "a-2" }),
  fill({ id: "3", time: 3000, side: "SELL", price: "5", qty: "5", quoteQty: "25", clientOrderId: "b-3" }),
  fill({ id: "4", time: 4000, side: "BUY", price: "1", qty: "15", quoteQty: "15" }),
  fill({ id: "5", time: 5000, side: "SELL", price: "3", qty: "10", quoteQty: "30" }),
];

function summary(s: CostBasisSnapshot): unknown {
  const abc = s.assets.get("ABC")!;
  return {
    qty: str(abc.quantity),
    cost: str(abc.totalCost),
    realized: str(abc.realizedPnl),
    fills: abc.fills,
    byBot: [...s.byBot].map(([k, v]) => [k, str(v)]),
  };
}

describe("CostBasisBook", () => {
  it("applying fills one by one gives the batch result", () => {
    const book = new CostBasisBook();
    for (const f of history) expect(book.apply(f)).toBe(true);
    expect(summary(book.snapshot())).toEqual(summary(computeCostBasis(history)));
    // 20 @ 60 → sell 5: cost out 15, PnL 10 → 15 @ 45 → +15 @ 15 = 30 @ 60 → sell 10: cost out 20, PnL 10.
    expect(summary(book.snapshot())).toEqual({
      qty: "20",
      cost: "40",
      realized: "20",
      fills: 5,
      byBot: [
        ["b", "10"],
        ["manual", "10"],
      ],
    });
  });

  it("ignores a fill id it has already applied", () => {
    const book = new CostBasisBook();
    book.applyAll(history);
    expect(book.apply(history[1]!)).toBe(false);
    expect(book.applyAll(history)).toBe(0);
    expect(book.snapshot().assets.get("ABC")!.fills).toBe(5);
  });

  it("replays when an older fill arrives late, giving the time-ordered result", () => {
    const book = new CostBasisBook();
    for (const f of [history[0]!, history[2]!, history[3]!, history[4]!]) book.apply(f);
    book.apply(history[1]!);
    expect(summary(book.snapshot())).toEqual(summary(computeCostBasis(history)));

    const batched = new CostBasisBook();
    batched.applyAll(history.slice(3));
    expect(batched.applyAll(history.slice(0, 3))).toBe(3);
    expect(summary(batched.snapshot())).toEqual(summary(computeCostBasis(history)));
  });

  it("orders fills at the same millisecond by numeric trade id", () => {
    // "10" after "9": the sell of 1 must come after the buy, or it would be unmatched.
    const fills = [
      fill({ id: "10", time: 7, side: "SELL", price: "3", qty: "1", quoteQty: "3" }),
      fill({ id: "9", time: 7, side: "BUY", price: "2", qty: "1", quoteQty: "2" }),
    ];
    const snap = computeCostBasis(fills);
    expect(snap.warnings).toEqual([]);
    expect(str(snap.realizedPnl)).toBe("1");
  });

  it("snapshots are not changed by later fills", () => {
    const book = new CostBasisBook();
    book.applyAll(history.slice(0, 2));
    const before = book.snapshot();
    book.applyAll(history.slice(2));
    expect(str(before.assets.get("ABC")!.quantity)).toBe("20");
    expect(before.byBot.size).toBe(0);
  });

  it("refuses a fill that cannot be right", () => {
    const bad = { ...history[0]!, id: "x", qty: new D(0) };
    expect(() => new CostBasisBook().apply(bad)).toThrow(/qty must be positive/);
    const overFee = fill({
      id: "y",
      time: 1,
      side: "BUY",
      price: "1",
      qty: "1",
      quoteQty: "1",
      fee: "2",
      feeAsset: "ABC",
    });
    expect(() => computeCostBasis([overFee])).toThrow(/base-asset fee exceeds qty/);
  });

  it("a refused batch applies nothing, so its good fills can be applied later", () => {
    const book = new CostBasisBook();
    const bad = { ...history[1]!, id: "bad", price: new D(0) };
    expect(() => book.applyAll([history[0]!, bad])).toThrow(/price must be positive/);
    expect(book.snapshot().assets.size).toBe(0);
    expect(book.applyAll(history)).toBe(5);
  });

  it("keeps assets apart", () => {
    const snap = computeCostBasis([
      ...history,
      fill({ id: "x1", time: 1500, base: "XYZ", side: "BUY", price: "10", qty: "1", quoteQty: "10" }),
    ]);
    expect([...snap.assets.keys()].sort()).toEqual(["ABC", "XYZ"]);
    expect(str(snap.assets.get("XYZ")!.totalCost)).toBe("10");
    expect(str(snap.assets.get("ABC")!.quantity)).toBe("20");
  });
});
