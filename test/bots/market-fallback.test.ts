import { afterEach, describe, expect, it } from "vitest";
import { MexcClient, type Transport } from "../../src/api/index.js";
import { createMarketScanner } from "../../src/bots/market-scanner.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { RealClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

/**
 * The scanner where MEXC takes no MARKET order through the API. The simulator does not answer 30051 (yet), so
 * a transport in front of it answers every MARKET order as the live exchange did in hummingbot #6932
 * (`{"code":30051,"msg":"api market order is disabled"}`), or exchangeInfo is given
 * `quoteOrderQtyMarketAllowed: false`; everything else is the simulator.
 */

type Exchange = Awaited<ReturnType<typeof startExchange>>;
let ex: Exchange | undefined;
let store: Store | undefined;
let client: MexcClient | undefined;
afterEach(async () => {
  client?.close();
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
  client = undefined;
});

interface Sent {
  symbol: string;
  type: string;
  price: string | null;
}

/** `maxPairs: 1` scans only the most traded pair, so every run picks the same symbol. */
async function setup(mode: "30051" | "quote-not-allowed" | "plain", maxPairs = 1) {
  ex = await startExchange({
    sim: {
      generatedAlts: 30,
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: "1000", USDC: "0" } }],
    },
  });
  const clock = new RealClock();
  const sim = inProcessTransport(ex.sim, clock);
  const sent: Sent[] = [];
  const transport: Transport = {
    async send(req) {
      const url = new URL(req.url);
      const q = url.searchParams;
      if (req.method === "POST" && url.pathname === "/api/v3/order") {
        sent.push({ symbol: q.get("symbol") ?? "", type: q.get("type") ?? "", price: q.get("price") });
        if (mode === "30051" && q.get("type") === "MARKET") {
          const at = clock.now();
          const body = JSON.stringify({ code: 30051, msg: "api market order is disabled" });
          return { status: 400, headers: {}, body, sentAt: at, receivedAt: at, httpMs: 0 };
        }
      }
      const res = await sim.send(req);
      if (mode !== "quote-not-allowed" || url.pathname !== "/api/v3/exchangeInfo") return res;
      const info = JSON.parse(res.body) as { symbols: Record<string, unknown>[] };
      // As the docs describe such a symbol; IMMEDIATE_OR_CANCEL listed too, which the fallback then uses.
      for (const s of info.symbols) {
        s.quoteOrderQtyMarketAllowed = false;
        s.orderTypes = ["LIMIT", "MARKET", "LIMIT_MAKER", "IMMEDIATE_OR_CANCEL"];
      }
      return { ...res, body: JSON.stringify(info) };
    },
  };
  client = new MexcClient({
    baseUrl: "http://in-process.test",
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    transport,
  });
  store = await tempStore();
  const treasury = new Treasury({ source: accountBalanceSource(client, clock), clock });
  const orders = new OrderManager({ client, store, clock, treasury, maxOpenOrders: 50 });
  const raw = structuredClone(userConfig);
  raw.scanner.minBuyScore = -100;
  raw.scanner.maxPairs = maxPairs;
  const config = parseConfig(raw);
  const scanner = createMarketScanner({ client, treasury, orders, config });
  return { ex, client, orders, scanner, sent, config };
}

const ctx = (now = Date.now()): RunContext => ({
  now,
  signal: new AbortController().signal,
  emit() {},
  commitLimits: async () => {},
});

describe("scanner: MEXC refuses MARKET orders through the API", () => {
  it("after a 30051 buys the same intent with a marketable limit, at most the slippage cap above the ask", async () => {
    const { client, orders, scanner, sent, config } = await setup("30051");
    const decision = await scanner.run(ctx());
    const best = scanner.lastReport?.best;
    if (!best) throw new Error("no opportunity found");
    expect(sent.map((s) => s.type)).toEqual(["MARKET", "LIMIT"]);
    expect(sent.every((s) => s.symbol === best.symbol)).toBe(true);
    expect(decision.acted).toBe(true);
    expect(decision.reasons.join(" ")).toContain("30051");
    expect(decision.reasons.join(" ")).toContain("marketable limit");

    // Two journal entries: the MARKET one REJECTED, then a new order (new client id) for the same intent.
    const [market, limit] = orders.entries().sort((a, b) => a.createdAt - b.createdAt);
    expect(market?.state).toBe("REJECTED");
    expect(market?.rejection?.code).toBe(30051);
    expect(limit?.intent).toMatchObject({ symbol: best.symbol, side: "BUY", type: "LIMIT" });
    expect(limit?.clientOrderId).not.toBe(market?.clientOrderId);
    expect(limit?.expiresAt).toBe(
      (limit?.createdAt ?? 0) + config.scanner.marketFallback.limitTimeoutSec * 1000,
    );
    const rules = await client.symbolRules(best.symbol);
    const ask = (await client.depth(best.symbol, 5)).asks[0]?.price ?? new D(0);
    const price = new D(limit?.intent.price ?? "0");
    // The book stands nearly still between the two reads; the cap is 0.5 % over the ask the bot read.
    expect(price.lte(ask.mul("1.0051"))).toBe(true);
    expect(price.gte(ask.mul("0.99"))).toBe(true);
    expect(rules && new D(limit?.intent.quantity ?? "0").mul(price).lte(50)).toBe(true);

    // The next buy of that symbol goes straight to the limit: no second MARKET order.
    await scanner.run(ctx());
    expect(scanner.lastReport?.best?.symbol).toBe(best.symbol);
    expect(sent.map((s) => s.type)).toEqual(["MARKET", "LIMIT", "LIMIT"]);
  });

  it("the memory lapses after rememberSec: MARKET is tried again", async () => {
    const { scanner, sent, config } = await setup("30051");
    const t0 = Date.now();
    await scanner.run(ctx(t0));
    await scanner.run(ctx(t0 + config.scanner.marketFallback.rememberSec * 1000 + 1));
    expect(new Set(sent.map((s) => s.symbol)).size).toBe(1);
    expect(sent.map((s) => s.type)).toEqual(["MARKET", "LIMIT", "MARKET", "LIMIT"]);
  });

  it("with quoteOrderQtyMarketAllowed false sends no MARKET order at all, only the limit (IOC where listed)", async () => {
    const { orders, scanner, sent } = await setup("quote-not-allowed");
    const decision = await scanner.run(ctx());
    expect(sent.map((s) => s.type)).toEqual(["IMMEDIATE_OR_CANCEL"]);
    expect(orders.entries()[0]?.expiresAt).toBeUndefined();
    expect(decision.reasons.join(" ")).toContain("quoteOrderQtyMarketAllowed: false");
    expect(orders.entries()).toHaveLength(1);
    expect(orders.entries()[0]?.state).not.toBe("REJECTED");
  });

  it("never picks a pair the API key may not trade (selfSymbols), so it is never chosen and refused", async () => {
    const { client, scanner, sent } = await setup("plain", 0);
    client.rules.restrictToKeySymbols(["ETHUSDT"]);
    await scanner.run(ctx());
    const report = scanner.lastReport;
    expect(report?.selected).toBe(1);
    expect(new Set(sent.map((s) => s.symbol))).toEqual(new Set(report?.best ? ["ETHUSDT"] : []));
  });
});
