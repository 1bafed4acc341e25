import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type FeeAsset, Simulator } from "../../src/sim/index.js";
import { type ParamValue, TestClient } from "./helpers.js";

const START = { USDT: "5000", USDC: "5000", MX: "300", ETH: "1", ADA: "2000" };
const ACCOUNTS = ["acct-a", "acct-b", "acct-c"].map((k) => ({
  apiKey: k,
  apiSecret: `${k}-secret`,
  balances: START,
}));
const SYMBOLS = ["ETHUSDT", "BTCUSDC", "ADAUSDT", "MXUSDT", "USDCUSDT", "ETHUSDC", "LINKUSDC"];

/** Small deterministic dice for the test itself. */
function dice(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

async function runMarket(feeAsset: FeeAsset, seed: number): Promise<void> {
  const clock = new VirtualClock(Date.UTC(2026, 2, 1, 8));
  const sim = new Simulator({
    clock,
    feeAsset,
    generatedAlts: 0,
    accounts: ACCOUNTS,
    rateLimit: { enabled: false },
  });
  const clients = ACCOUNTS.map(
    (a) => new TestClient({ sim }, () => clock.now(), { apiKey: a.apiKey, secret: a.apiSecret }),
  );
  const info = JSON.parse((await sim.handle({ method: "GET", path: "/api/v3/exchangeInfo" })).body)
    .symbols as {
    symbol: string;
    baseAssetPrecision: number;
    quotePrecision: number;
  }[];
  const rules = new Map(info.map((s) => [s.symbol, s]));
  const roll = dice(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(roll() * xs.length)] as T;
  const open: { c: TestClient; symbol: string; orderId: string }[] = [];
  let accepted = 0;

  for (let i = 0; i < 320; i++) {
    const c = pick(clients);
    const symbol = pick(SYMBOLS);
    const r = rules.get(symbol);
    if (!r) throw new Error(symbol);
    const price = new Decimal(sim.market.price(symbol));
    const quote = new Decimal(5 + roll() * 200);
    const qty = quote.dividedBy(price).toDecimalPlaces(r.baseAssetPrecision, Decimal.ROUND_DOWN).toFixed();
    const off = (f: number): string => price.times(f).toDecimalPlaces(r.quotePrecision).toFixed();
    const side = roll() < 0.5 ? "BUY" : "SELL";
    const kind = roll();
    let p: Record<string, ParamValue>;
    if (kind < 0.25) p = { type: "MARKET", quoteOrderQty: quote.toDecimalPlaces(r.quotePrecision).toFixed() };
    else if (kind < 0.45) p = { type: "MARKET", quantity: qty };
    else if (kind < 0.75)
      p = {
        type: "LIMIT",
        quantity: qty,
        price: off(side === "BUY" ? 0.995 + roll() * 0.01 : 0.995 + roll() * 0.01),
      };
    else if (kind < 0.85)
      p = { type: "IMMEDIATE_OR_CANCEL", quantity: qty, price: off(side === "BUY" ? 1.001 : 0.999) };
    else if (kind < 0.92)
      p = { type: "FILL_OR_KILL", quantity: qty, price: off(side === "BUY" ? 1.0005 : 0.9995) };
    else p = { type: "LIMIT_MAKER", quantity: qty, price: off(side === "BUY" ? 0.99 : 1.01) };
    const res = await c.order({ symbol, side, ...p });
    if (res.status === 200) {
      accepted++;
      if (p.type === "LIMIT" || p.type === "LIMIT_MAKER") open.push({ c, symbol, orderId: res.json.orderId });
    } else {
      expect(res.status).toBe(400);
    }
    if (roll() < 0.15 && open.length > 0) {
      const o = open.splice(Math.floor(roll() * open.length), 1)[0];
      if (o) await o.c.signed("DELETE", "/api/v3/order", { symbol: o.symbol, orderId: o.orderId });
    }
    await clock.advance(Math.floor(roll() * 8 * 60_000));
    if (i % 40 === 0) await sim.market.tick();
    checkConservation(sim);
  }
  expect(accepted).toBeGreaterThan(150);
  await clock.advance(6 * 3_600_000);
  await sim.market.tick();
  checkConservation(sim);
  for (const c of clients)
    for (const s of SYMBOLS) await c.signed("DELETE", "/api/v3/openOrders", { symbol: s });
  checkConservation(sim);
  for (const a of ACCOUNTS) {
    for (const [asset, b] of Object.entries(sim.account(a.apiKey).balances)) {
      expect(b.locked, `${a.apiKey} ${asset} locked after cancelling everything`).toBe("0");
    }
  }
  let makers = 0;
  let takers = 0;
  for (const c of clients) {
    for (const s of SYMBOLS) {
      for (const t of (await c.signed("GET", "/api/v3/myTrades", { symbol: s })).json) {
        if (t.isMaker) makers++;
        else takers++;
      }
    }
  }
  expect(makers).toBeGreaterThan(10);
  expect(takers).toBeGreaterThan(50);
  const fees = ACCOUNTS.flatMap((a) => Object.keys(sim.account(a.apiKey).feesPaid));
  if (feeAsset === "MX") expect(fees).toContain("MX");
  if (feeAsset === "base") expect(fees).toContain("ETH");
}

/** Σ accounts (free + locked + fees) + what the market received − gave = Σ starting balances, exactly. */
function checkConservation(sim: Simulator): void {
  const flows = sim.market.flows();
  const assets = new Set([...Object.keys(START), ...Object.keys(flows)]);
  for (const asset of assets) {
    let total = new Decimal(flows[asset] ?? "0");
    for (const a of ACCOUNTS) {
      const s = sim.account(a.apiKey);
      const b = s.balances[asset];
      if (b) {
        expect(new Decimal(b.free).isNegative(), `${asset} free`).toBe(false);
        expect(new Decimal(b.locked).isNegative(), `${asset} locked`).toBe(false);
        total = total.plus(b.free).plus(b.locked);
      }
      total = total.plus(s.feesPaid[asset] ?? "0");
    }
    const start = new Decimal(START[asset as keyof typeof START] ?? "0").times(ACCOUNTS.length);
    expect(total.toFixed(), asset).toBe(start.toFixed());
  }
}

describe("conservation of every asset under random trading", () => {
  it("fees in quote", () => runMarket("quote", 1));
  it("fees in base", () => runMarket("base", 2));
  it("fees in MX", () => runMarket("MX", 3));
});
