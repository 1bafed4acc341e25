import { describe, expect, it } from "vitest";
import { D, type Order, type Trade } from "../../src/api/index.js";
import { audit, type Caps } from "../../src/chaos/audit.js";
import type { LocalBooks } from "../../src/chaos/books.js";
import type { Fill } from "../../src/portfolio/fill.js";
import type { JournalEntry } from "../../src/store/journal-schema.js";
import { journalEntry } from "../support/journal-entry.js";

const caps: Caps = {
  scanner: { perOrderUsdt: 20 },
  buyer: { perPurchase: 30, cooldownSec: 12 },
  balancer: { perPurchase: 30, cooldownSec: 12 },
};

function order(o: Partial<Order> & { clientOrderId: string; time: number }): Order {
  return {
    symbol: "BTCUSDC",
    orderId: `o-${o.clientOrderId}-${o.time}`,
    origClientOrderId: null,
    price: D("100"),
    origQty: D("0.1"),
    executedQty: D("0.1"),
    cummulativeQuoteQty: D("10"),
    status: "FILLED",
    timeInForce: null,
    type: "LIMIT",
    side: "BUY",
    origQuoteOrderQty: null,
    updateTime: null,
    ...o,
  };
}

function entry(o: Order, state: JournalEntry["state"] = "FILLED"): JournalEntry {
  return journalEntry(state, {
    clientOrderId: o.clientOrderId!,
    bot: o.clientOrderId!.split("-")[0]!,
    reason: "test",
    intent: { symbol: o.symbol, side: o.side, type: "LIMIT", quantity: "0.1", price: "100" },
    orderId: o.orderId,
    executedQty: o.executedQty.toFixed(),
    cummulativeQuoteQty: o.cummulativeQuoteQty.toFixed(),
    createdAt: o.time!,
    updatedAt: o.time!,
    notFound: 0,
    transitions: [],
  });
}

function trade(o: Order, id: string): Trade {
  return {
    symbol: o.symbol,
    id,
    orderId: o.orderId,
    price: o.price,
    qty: o.executedQty,
    quoteQty: o.cummulativeQuoteQty,
    commission: D("0.01"),
    commissionAsset: "USDC",
    time: o.time!,
    isBuyer: true,
    isMaker: false,
    clientOrderId: null,
  };
}

function fill(t: Trade): Fill {
  return {
    id: t.id,
    symbol: t.symbol,
    base: "BTC",
    quote: "USDC",
    side: "BUY",
    price: t.price,
    qty: t.qty,
    quoteQty: t.quoteQty,
    fee: t.commission,
    feeAsset: t.commissionAsset,
    time: t.time,
    orderId: t.orderId,
    isMaker: false,
    source: "exchange",
  };
}

const books = (entries: JournalEntry[], fills: Fill[]): LocalBooks => ({
  journal: new Map(entries.map((e) => [e.clientOrderId, e])),
  fills,
});

describe("the chaos audit", () => {
  const a = order({ clientOrderId: "buyer-0mx54yg5hyiufsc", time: 1_000 });
  const b = order({ clientOrderId: "buyer-0mx54yg5hyiufsd", time: 60_000, symbol: "ETHUSDC" });
  const ta = trade(a, "1");
  const tb = trade(b, "2");

  it("finds nothing when the journal, the ledger and the exchange agree", () => {
    const r = audit(
      books([entry(a), entry(b)], [fill(ta), fill(tb)]),
      { orders: [a, b], trades: [ta, tb] },
      caps,
    );
    expect(Object.values(r.figures).every((v) => v === 0)).toBe(true);
    expect(r.counts.exchangeOrders).toBe(2);
  });

  it("counts an order with no journal entry, a resend under one client id and an entry left UNKNOWN", () => {
    const resent = { ...a, orderId: "other" };
    const r = audit(books([entry(b, "UNKNOWN")], []), { orders: [a, resent, b], trades: [] }, caps);
    expect(r.figures.ordersWithoutJournal).toBe(1);
    expect(r.figures.duplicateClientIds).toBe(1);
    expect(r.figures.unresolved).toBe(1);
  });

  it("counts a repeat inside the cooldown and a purchase above its cap", () => {
    const again = order({
      clientOrderId: "buyer-0mx54yg5hyiufse",
      time: 5_000,
      cummulativeQuoteQty: D("25"),
    });
    const r = audit(books([entry(a), entry(again)], []), { orders: [a, again], trades: [] }, caps);
    expect(r.figures.repeatsInCooldown).toBe(1);
    expect(r.figures.spendingAboveCap).toBe(1);
    expect(r.findings.join("\n")).toContain("inside its 12 s cooldown");
  });

  it("counts a scanner order above maxBuyUsdt, and a resting order by what it may still spend", () => {
    const big = order({
      clientOrderId: "scanner-0mx54yg5hyiufsc",
      time: 1,
      type: "MARKET",
      cummulativeQuoteQty: D("20.5"),
    });
    const resting = order({
      clientOrderId: "balancer-0mx54yg5hyiufsc",
      time: 1,
      status: "NEW",
      executedQty: D(0),
      cummulativeQuoteQty: D(0),
      price: D("400"),
    });
    const r = audit(
      books([entry(big), entry(resting, "OPEN")], []),
      { orders: [big, resting], trades: [] },
      caps,
    );
    expect(r.figures.spendingAboveCap).toBe(2);
  });

  it("counts fills missing, extra and differing, and journal states the exchange contradicts", () => {
    const wrong = { ...fill(tb), qty: D("0.2") };
    const extra = { ...fill(ta), id: "99" };
    const r = audit(
      books([entry(a, "CANCELED"), entry(b)], [extra, wrong]),
      { orders: [a, b], trades: [ta, tb] },
      caps,
    );
    expect(r.figures.fillsMissing).toBe(1);
    expect(r.figures.fillsExtra).toBe(1);
    expect(r.figures.fillsDiffering).toBe(1);
    expect(r.figures.journalMismatches).toBe(1);
  });
});
