import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  botOf,
  CostBasisBook,
  type CostBasisOptions,
  computeCostBasis,
  unrealizedPnl,
} from "../../src/portfolio/cost-basis.js";
import type { Fill } from "../../src/portfolio/fill.js";
import { botOfClientOrderId, newClientOrderId } from "../../src/trading/client-id.js";
import { fill, str } from "./helpers.js";

/**
 * The golden history, ABC/USDT. MX is worth $5 on 2024-03-01 and has no recorded price later; today it is $6.
 * Every expected figure below is worked out by hand next to it.
 */
const golden: Fill[] = [
  // Quote fee adds to cost: qty 10, cost 20 + 0.02 = 20.02, fee $0.02.
  fill({
    id: "1",
    time: "2024-03-01T10:00:00Z",
    side: "BUY",
    price: "2",
    qty: "10",
    quoteQty: "20",
    fee: "0.02",
    clientOrderId: "scanner-01HA",
  }),
  // Base fee cuts quantity: qty 10 + 5.005 − 0.005 = 15, cost 20.02 + 20.02 = 40.04, fee 0.005 × 4 = $0.02.
  fill({
    id: "2",
    time: "2024-03-01T11:00:00Z",
    side: "BUY",
    price: "4",
    qty: "5.005",
    quoteQty: "20.02",
    fee: "0.005",
    feeAsset: "ABC",
    clientOrderId: "balancer-01HB",
  }),
  // MX fee at the historical $5: 0.002 × 5 = $0.01 → qty 20, cost 40.04 + 19.95 + 0.01 = 60, avg 60 / 20 = 3.
  fill({
    id: "3",
    time: "2024-03-01T12:00:00Z",
    side: "BUY",
    price: "3.99",
    qty: "5",
    quoteQty: "19.95",
    fee: "0.002",
    feeAsset: "MX",
    clientOrderId: "scanner-01HC",
  }),
  // Partial sell, quote fee: proceeds 28 − 0.028 = 27.972; cost out 60 × 8 / 20 = 24; PnL 3.972; left 12 for 36.
  fill({
    id: "4",
    time: "2024-03-02T09:00:00Z",
    side: "SELL",
    price: "3.5",
    qty: "8",
    quoteQty: "28",
    fee: "0.028",
    clientOrderId: "scanner-01HD",
  }),
  // Manual sell, base fee: removed 2 + 0.002 = 2.002; cost out 36 × 2.002 / 12 = 6.006; PnL 5 − 6.006 = −1.006;
  // left 12 − 2.002 = 9.998 for 36 − 6.006 = 29.994; fee 0.002 × 2.5 = $0.005.
  fill({
    id: "5",
    time: "2024-03-02T23:59:59.999Z",
    side: "SELL",
    price: "2.5",
    qty: "2",
    quoteQty: "5",
    fee: "0.002",
    feeAsset: "ABC",
  }),
  // Oversell, MX fee with no historical price → today's $6 (flagged): 0.01 × 6 = $0.06; proceeds 48 − 0.06 = 47.94.
  // Known 9.998 of 12: proceeds 47.94 × 9.998 / 12 = 3.995 × 9.998 = 39.94201, PnL 39.94201 − 29.994 = 9.94801.
  // Unmatched 12 − 9.998 = 2.002 with 47.94 − 39.94201 = 7.99799 (= 3.995 × 2.002).
  fill({
    id: "6",
    time: "2024-03-03T00:00:00Z",
    side: "SELL",
    price: "4",
    qty: "12",
    quoteQty: "48",
    fee: "0.01",
    feeAsset: "MX",
    clientOrderId: "balancer-01HF",
  }),
];

const mxHistory: CostBasisOptions = {
  priceAt: (asset, time) =>
    asset === "MX" && time < Date.parse("2024-03-02T00:00:00Z") ? new D("5") : undefined,
  currentPrice: (asset) => (asset === "MX" ? new D("6") : undefined),
};

describe("average cost basis: the golden history", () => {
  it("tracks quantity and cost through buys with fees in quote, base and MX", () => {
    const snap = computeCostBasis(golden.slice(0, 3), mxHistory);
    const abc = snap.assets.get("ABC")!;
    expect(str(abc.quantity)).toBe("20"); // 10 + 5.005 − 0.005 + 5
    expect(str(abc.totalCost)).toBe("60"); // 20.02 + 20.02 + 19.95 + 0.01
    expect(str(abc.avgCost)).toBe("3"); // 60 / 20
    expect(str(abc.feesUsd)).toBe("0.05"); // 0.02 + 0.02 + 0.01
    expect(str(abc.realizedPnl)).toBe("0");
    expect(abc.warnings).toEqual([]);
  });

  it("after a partial sell and a base-fee sell", () => {
    const abc = computeCostBasis(golden.slice(0, 5), mxHistory).assets.get("ABC")!;
    expect(str(abc.quantity)).toBe("9.998"); // 20 − 8 − 2.002
    expect(str(abc.totalCost)).toBe("29.994"); // 60 − 24 − 6.006
    expect(str(abc.avgCost)).toBe("3"); // selling never changes the average
    expect(str(abc.realizedPnl)).toBe("2.966"); // 3.972 − 1.006
    expect(str(abc.feesUsd)).toBe("0.083"); // 0.05 + 0.028 + 0.005
  });

  it("realizes the known part of an oversell and reports the rest as unmatched", () => {
    const snap = computeCostBasis(golden, mxHistory);
    const abc = snap.assets.get("ABC")!;
    expect(str(abc.quantity)).toBe("0");
    expect(str(abc.totalCost)).toBe("0");
    expect(str(abc.avgCost)).toBe("0");
    expect(str(abc.realizedPnl)).toBe("12.91401"); // 3.972 − 1.006 + 9.94801
    expect(str(abc.unmatchedQty)).toBe("2.002");
    expect(str(abc.unmatchedProceeds)).toBe("7.99799");
    expect(str(abc.feesUsd)).toBe("0.143"); // 0.083 + 0.06
    expect(abc.fills).toBe(6);
    expect(str(snap.realizedPnl)).toBe("12.91401");
    expect(str(snap.unmatchedProceeds)).toBe("7.99799");
    expect(str(snap.feesUsd)).toBe("0.143");
  });

  it("flags the MX fee valued at today's price, and the unmatched sell", () => {
    const snap = computeCostBasis(golden, mxHistory);
    expect(snap.warnings).toHaveLength(2);
    const [fallback, unmatched] = snap.warnings;
    expect(fallback).toMatchObject({
      kind: "price-fallback",
      fillId: "6",
      asset: "ABC",
      role: "fee",
      valuedAsset: "MX",
    });
    expect(fallback?.kind === "price-fallback" && str(fallback.price)).toBe("6");
    expect(unmatched).toMatchObject({ kind: "unmatched-sell", fillId: "6", asset: "ABC" });
    if (unmatched?.kind !== "unmatched-sell") throw new Error("expected an unmatched sell");
    expect(str(unmatched.qty)).toBe("2.002");
    expect(str(unmatched.proceeds)).toBe("7.99799");
    expect(snap.assets.get("ABC")!.warnings).toEqual(snap.warnings);
  });

  it("attributes realized PnL to UTC days and bots", () => {
    const snap = computeCostBasis(golden, mxHistory);
    // 2024-03-02: 3.972 − 1.006 (23:59:59.999 is still the 2nd); 2024-03-03: 9.94801. Buys realize nothing.
    expect([...snap.byDay].map(([k, v]) => [k, str(v)])).toEqual([
      ["2024-03-02", "2.966"],
      ["2024-03-03", "9.94801"],
    ]);
    expect(Object.fromEntries([...snap.byBot].map(([k, v]) => [k, str(v)]))).toEqual({
      scanner: "3.972",
      manual: "-1.006",
      balancer: "9.94801",
    });
  });

  it("values an MX fee with no price at all at 0 and flags it", () => {
    const snap = computeCostBasis([golden[2]!]);
    const abc = snap.assets.get("ABC")!;
    expect(str(abc.totalCost)).toBe("19.95");
    expect(str(abc.feesUsd)).toBe("0");
    expect(snap.warnings).toEqual([
      expect.objectContaining({ kind: "price-missing", fillId: "3", role: "fee", valuedAsset: "MX" }),
    ]);
  });

  it("a sell with nothing known is entirely unmatched and realizes nothing", () => {
    const snap = computeCostBasis([
      fill({
        id: "s",
        time: 1_700_000_000_000,
        side: "SELL",
        price: "2",
        qty: "3",
        quoteQty: "6",
        fee: "0.006",
      }),
    ]);
    const abc = snap.assets.get("ABC")!;
    expect(str(abc.realizedPnl)).toBe("0");
    expect(str(abc.quantity)).toBe("0");
    expect(str(abc.unmatchedQty)).toBe("3");
    expect(str(abc.unmatchedProceeds)).toBe("5.994"); // 6 − 0.006
  });
});

describe("position arithmetic", () => {
  // A deterministic generator of decimal strings: no JS arithmetic ever touches the amounts under test.
  function* lcg(seed: number): Generator<number> {
    let x = seed;
    for (;;) {
      x = (x * 1103515245 + 12345) % 2147483648;
      yield x;
    }
  }
  const amount = (n: number, scale: number): string => new D(n).div(new D(10).pow(scale)).toFixed();

  it("position = Σ qty − base-asset fees, exactly, and selling it all leaves exactly 0", () => {
    const rnd = lcg(42);
    const fills: Fill[] = [];
    let expected = new D(0);
    for (let i = 0; i < 300; i++) {
      const qty = amount((rnd.next().value % 10_000_000) + 1000, 6);
      const price = amount((rnd.next().value % 1_000_000) + 1, 4);
      const quoteQty = new D(qty).mul(price).toFixed();
      const feeMode = i % 3;
      const fee = feeMode === 1 ? new D(qty).mul("0.001").toFixed() : new D(quoteQty).mul("0.001").toFixed();
      const feeAsset = feeMode === 0 ? "USDT" : feeMode === 1 ? "ABC" : "MX";
      fills.push(
        fill({ id: `b${i}`, time: 1_700_000_000_000 + i, side: "BUY", price, qty, quoteQty, fee, feeAsset }),
      );
      expected = expected.plus(qty).minus(feeMode === 1 ? fee : "0");
    }
    const book = new CostBasisBook({ priceAt: () => new D("2.5") });
    book.applyAll(fills);
    const held = book.snapshot().assets.get("ABC")!;
    expect(str(held.quantity)).toBe(str(expected));

    const all = held.quantity.toFixed();
    book.apply(
      fill({ id: "sell-all", time: 1_800_000_000_000, side: "SELL", price: "1", qty: all, quoteQty: all }),
    );
    const after = book.snapshot();
    const abc = after.assets.get("ABC")!;
    expect(abc.quantity.isZero()).toBe(true);
    expect(abc.totalCost.isZero()).toBe(true);
    expect(after.warnings).toEqual([]);
    // Everything bought was sold for its quantity × $1: realized = that − everything paid.
    expect(str(abc.realizedPnl)).toBe(str(held.quantity.minus(held.totalCost)));
  });

  it("a base-asset fee on a sell leaves position − qty − fee", () => {
    const snap = computeCostBasis([
      fill({ id: "1", time: 1, side: "BUY", price: "1", qty: "1.000001", quoteQty: "1.000001" }),
      fill({
        id: "2",
        time: 2,
        side: "SELL",
        price: "1",
        qty: "0.999",
        quoteQty: "0.999",
        fee: "0.000999",
        feeAsset: "ABC",
      }),
    ]);
    expect(str(snap.assets.get("ABC")!.quantity)).toBe("0.000002"); // 1.000001 − 0.999 − 0.000999
  });
});

describe("valuation of quotes", () => {
  it("values a non-dollar quote at its historical price", () => {
    const snap = computeCostBasis(
      [
        fill({
          id: "1",
          time: 5,
          base: "ETH",
          quote: "BTC",
          side: "BUY",
          price: "0.05",
          qty: "2",
          quoteQty: "0.1",
          fee: "0.0001",
        }),
      ],
      { priceAt: (a) => (a === "BTC" ? new D("60000") : undefined) },
    );
    const eth = snap.assets.get("ETH")!;
    expect(str(eth.totalCost)).toBe("6006"); // (0.1 + 0.0001) × 60000
    expect(str(eth.feesUsd)).toBe("6"); // 0.0001 × 60000
    expect(snap.warnings).toEqual([]);
  });

  it("uses quoteToUsd when given, even for USDC", () => {
    const snap = computeCostBasis(
      [fill({ id: "1", time: 5, quote: "USDC", side: "BUY", price: "2", qty: "50", quoteQty: "100" })],
      { quoteToUsd: (q) => (q === "USDC" ? new D("0.999") : undefined) },
    );
    expect(str(snap.assets.get("ABC")!.totalCost)).toBe("99.9"); // 100 × 0.999
  });
});

describe("unrealizedPnl", () => {
  it("nets the taker fee to exit", () => {
    // 20 × 3.5 × (1 − 0.001) − 60 = 69.93 − 60 = 9.93
    expect(
      str(unrealizedPnl({ quantity: new D(20), totalCost: new D(60) }, new D("3.5"), new D("0.001"))),
    ).toBe("9.93");
  });
});

describe("botOf", () => {
  it("takes the ledger's attribution first, whatever the client id says", () => {
    expect(botOf({ bot: "pnl", clientOrderId: "scanner-000000000abcdef" })).toBe("pnl");
    expect(botOf({ bot: "manual", clientOrderId: "scanner-000000000abcdef" })).toBe("manual");
  });

  it("without one (a fill kept before attribution), reads our client ids with the one parser, else manual", () => {
    expect(botOf({ clientOrderId: "scanner-000000000abcdef" })).toBe("scanner");
    expect(botOf({ clientOrderId: "pnl-mi8z3k0a9x2b7c1" })).toBe("pnl");
    // Not our format: another tool's ids with a dash are not a bot of ours.
    expect(botOf({ clientOrderId: "scanner-01J0ABCDEF" })).toBe("manual");
    expect(botOf({ clientOrderId: "pnl_seller-01J0" })).toBe("manual");
    expect(botOf({})).toBe("manual");
    expect(botOf({ clientOrderId: "web1234" })).toBe("manual");
    expect(botOf({ clientOrderId: "-x" })).toBe("manual");
  });

  it("agrees with the order manager's parser on every id it can make", () => {
    for (const bot of ["scanner", "pnl", "alts", "buyer", "balancer", "reporter", "x9"]) {
      const id = newClientOrderId(bot, 1_764_590_000_000);
      expect(botOfClientOrderId(id)).toBe(bot);
      expect(botOf({ clientOrderId: id })).toBe(bot);
    }
  });
});

describe("a fee paid in MX", () => {
  it("leaves the MX position: quantity as on the account, cost at average, the difference realized on MX", () => {
    const basis = computeCostBasis(
      [
        // 10 MX bought at $5.
        fill({
          id: "m1",
          time: "2024-03-01T00:00:00Z",
          side: "BUY",
          base: "MX",
          price: "5",
          qty: "10",
          quoteQty: "50",
        }),
        // A trade of ABC whose fee is 0.2 MX, worth $6 each then.
        fill({
          id: "a1",
          time: "2024-03-02T00:00:00Z",
          side: "BUY",
          price: "2",
          qty: "10",
          quoteQty: "20",
          fee: "0.2",
          feeAsset: "MX",
          clientOrderId: "scanner-0000000000001",
        }),
      ],
      { priceAt: (asset) => (asset === "MX" ? new D("6") : undefined) },
    );
    const mx = basis.assets.get("MX");
    expect(str(mx?.quantity)).toBe("9.8");
    expect(str(mx?.totalCost)).toBe("49");
    // 0.2 MX spent for $1.20 of fee, bought for $1.00.
    expect(str(mx?.realizedPnl)).toBe("0.2");
    // The trade carries the fee's value in its cost: 20 + 1.2.
    expect(str(basis.assets.get("ABC")?.totalCost)).toBe("21.2");
  });

  it("ignores fee units beyond the MX the ledger knows of", () => {
    const basis = computeCostBasis(
      [
        fill({ id: "m1", time: 1, side: "BUY", base: "MX", price: "5", qty: "0.1", quoteQty: "0.5" }),
        fill({
          id: "a1",
          time: 2,
          side: "BUY",
          price: "2",
          qty: "10",
          quoteQty: "20",
          fee: "0.2",
          feeAsset: "MX",
        }),
      ],
      { priceAt: () => new D("6") },
    );
    expect(str(basis.assets.get("MX")?.quantity)).toBe("0");
    expect(str(basis.assets.get("MX")?.totalCost)).toBe("0");
  });
});
