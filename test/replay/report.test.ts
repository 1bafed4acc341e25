import { describe, expect, it } from "vitest";
import { computeReport } from "../../src/replay/report.js";
import { DAY, fill, record, sample, T0 } from "./report-helpers.js";

const iso = (day: number) => new Date(T0 + day * DAY).toISOString();
const values = (...vs: string[]) => record(vs.map((v, i) => sample(i, v)));

describe("computeReport: value and benchmarks", () => {
  it("values the starting balances, held, at each sample's prices (buy and hold)", () => {
    // 500 USDT + 0.01 BTC: 500 + 0.01 × 50,000 = 1,000 at the start, 500 + 0.01 × 60,000 = 1,100 at the end.
    const r = computeReport(
      record(
        [
          sample(0, "1000", { pricesUsdt: { BTC: "50000", ETH: "2000" } }),
          sample(1, "1050", { pricesUsdt: { BTC: "60000", ETH: "2000" } }),
        ],
        { startBalances: { USDT: "500", BTC: "0.01" } },
      ),
    );
    expect(r.buyAndHold).toEqual({ startUsdt: "1000", endUsdt: "1100", pnlUsdt: "100", returnPct: "10" });
    expect(r.portfolio).toEqual({ startUsdt: "1000", endUsdt: "1050", pnlUsdt: "50", returnPct: "5" });
  });

  it("buys 60/40 BTC/ETH with the starting value at the first prices, without fees", () => {
    // 600 / 50,000 = 0.012 BTC and 400 / 2,000 = 0.2 ETH; then 0.012 × 55,000 + 0.2 × 1,800 = 660 + 360 = 1,020.
    const r = computeReport(
      record([
        sample(0, "1000", { pricesUsdt: { BTC: "50000", ETH: "2000" } }),
        sample(1, "990", { pricesUsdt: { BTC: "55000", ETH: "1800" } }),
      ]),
    );
    expect(r.sixtyForty).toEqual({
      startUsdt: "1000",
      endUsdt: "1020",
      pnlUsdt: "20",
      returnPct: "2",
      holdings: { BTC: "0.012", ETH: "0.2" },
    });
    expect(r.portfolio.returnPct).toBe("-1");
  });

  it("carries a price forward when a later sample no longer lists the asset, and refuses one never priced", () => {
    const carried = computeReport(
      record([sample(0, "1000"), sample(1, "1000", { pricesUsdt: { BTC: "40000" } })]),
    );
    // ETH stays at 2,000: 0.012 × 40,000 + 0.2 × 2,000 = 480 + 400.
    expect(carried.sixtyForty.endUsdt).toBe("880");
    expect(() => computeReport(record([sample(0, "1000", { pricesUsdt: { BTC: "50000" } })]))).toThrow(
      /no USDT price for ETH at sample 0/,
    );
    expect(() => computeReport(record([]))).toThrow(/no value samples/);
  });
});

describe("computeReport: drawdown", () => {
  it("finds 25 % from the 120 peak to 90, recovered at 130", () => {
    expect(computeReport(values("100", "120", "90", "130")).maxDrawdown).toEqual({
      pct: "25",
      peakUsdt: "120",
      troughUsdt: "90",
      peakAt: iso(1),
      troughAt: iso(2),
      recoveredAt: iso(3),
    });
  });

  it("keeps the deepest fall, not the latest, and says when the value never came back", () => {
    // 100 → 80 is 20 %; 200 → 180 later is only 10 %.
    const deepest = computeReport(values("100", "80", "200", "180")).maxDrawdown;
    expect([deepest.pct, deepest.peakAt, deepest.troughAt, deepest.recoveredAt]).toEqual([
      "20",
      iso(0),
      iso(1),
      iso(2),
    ]);
    // Back at the peak, not above it, is recovered.
    expect(computeReport(values("100", "120", "90", "120")).maxDrawdown.recoveredAt).toBe(iso(3));
    const open = computeReport(values("100", "120", "90", "110")).maxDrawdown;
    expect([open.pct, open.recoveredAt]).toEqual(["25", null]);
  });

  it("reports no drawdown for a value that never fell", () => {
    expect(computeReport(values("100", "100", "101")).maxDrawdown).toEqual({
      pct: "0",
      peakUsdt: null,
      troughUsdt: null,
      peakAt: null,
      troughAt: null,
      recoveredAt: null,
    });
  });
});

describe("computeReport: fees, time in the market, bots, messages", () => {
  it("sums the fills' fees exactly, in USDT", () => {
    const r = computeReport(
      record([sample(0, "100"), sample(1, "100")], {
        fills: [fill({ feeUsdt: "0.1" }), fill({ feeUsdt: "0.2" }), fill({ feeUsdt: "0.0000001" })],
      }),
    );
    expect(r.feesUsdt).toBe("0.3000001");
    expect(r.fills).toBe(3);
  });

  it("counts the time during which more than 5 % of the value was outside USDT and USDC", () => {
    const r = computeReport(
      record([
        sample(0, "100", {
          balances: { USDT: "60", USDC: "40" },
          pricesUsdt: { BTC: "50", ETH: "2", USDC: "1" },
        }),
        // Half in BTC: in the market for the hour until the next sample.
        sample(1 / 24, "100", { balances: { USDT: "50", BTC: "1" }, pricesUsdt: { BTC: "50", ETH: "2" } }),
        // Exactly 5 % outside is not more than 5 %.
        sample(2 / 24, "100", { balances: { USDT: "95", BTC: "0.1" }, pricesUsdt: { BTC: "50", ETH: "2" } }),
        // The last sample ends the replay and stands for no time.
        sample(3 / 24, "100", { balances: { BTC: "2" }, pricesUsdt: { BTC: "50", ETH: "2" } }),
      ]),
    );
    expect(r.timeInMarket).toEqual({ pct: "33.3333", thresholdPct: "5" });
  });

  it("shows the suite's figures per bot, adds a row for fills of no listed bot, and warns on a mismatch", () => {
    const r = computeReport(
      record([sample(0, "100"), sample(2, "100", { pricesUsdt: { BTC: "1", ETH: "1", USDC: "0.999" } })], {
        bots: [
          {
            bot: "balancer5050",
            orders: 3,
            fills: 2,
            realizedUsdt: "1.5",
            unrealizedUsdt: "-0.25",
            turnoverUsdt: "100",
            feesUsdt: "0.1",
          },
        ],
        fills: [
          fill({ feeUsdt: "0.05" }),
          fill({ feeUsdt: "0.05" }),
          fill({
            bot: "manual",
            quote: "USDC",
            quoteQty: "10",
            feeUsdt: "0.01",
            orderId: "7",
            timeMs: T0 + 3 * DAY,
          }),
          // Before any sample priced USDC: its first price, 0.999, as well.
          fill({
            bot: "manual",
            quote: "USDC",
            quoteQty: "20",
            feeUsdt: "0.02",
            orderId: "8",
            timeMs: T0 + DAY / 2,
          }),
        ],
        messages: [
          { timeMs: T0, text: "started" },
          { timeMs: T0 + DAY, text: "bought" },
        ],
      }),
    );
    expect(r.bots).toEqual([
      {
        bot: "balancer5050",
        orders: 3,
        fills: 2,
        realizedUsdt: "1.5",
        unrealizedUsdt: "-0.25",
        turnoverUsdt: "100",
        feesUsdt: "0.1",
      },
      // 10 USDC at the last sample's 0.999, and 20 USDC at the same price: 9.99 + 19.98.
      {
        bot: "manual",
        orders: 2,
        fills: 2,
        realizedUsdt: null,
        unrealizedUsdt: null,
        turnoverUsdt: "29.97",
        feesUsdt: "0.03",
      },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.messages).toBe(2);
    const wrong = computeReport(
      record([sample(0, "100")], {
        bots: [{ ...r.bots[0]!, realizedUsdt: "0", unrealizedUsdt: "0", fills: 3, feesUsdt: "0.2" }],
        fills: [fill()],
      }),
    );
    expect(wrong.warnings).toEqual([
      "balancer5050: the suite counts 3 fills, the fills list holds 1",
      "the bots' results count 0.2 USDT of fees, their fills 0.05",
    ]);
  });

  it("dates the period in ISO UTC and sorts the maps", () => {
    const r = computeReport(
      record([sample(0, "100"), sample(1, "100")], {
        overrides: { "pnlSeller.profitThresholdUsd": "2", "balancer5050.deviationPct": "5" },
        startBalances: { USDT: "50", BTC: "0.001" },
      }),
    );
    expect([r.from, r.to]).toEqual(["2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z"]);
    expect(Object.keys(r.overrides)).toEqual(["balancer5050.deviationPct", "pnlSeller.profitThresholdUsd"]);
    expect(Object.keys(r.startBalances)).toEqual(["BTC", "USDT"]);
  });
});
