import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MexcClient, type Transport } from "../../src/api/index.js";
import type { RunContext } from "../../src/bots/monitor.js";
import { createProfitSeller } from "../../src/bots/profit-seller.js";
import { RealClock, VirtualClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { type Config, parseConfig } from "../../src/config-schema.js";
import { D } from "../../src/decimal.js";
import { inProcessTransport } from "../../src/in-process-transport.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";

/**
 * The profit seller against MEXC's price band: its limit sells under the market (limitPriceFactor 0.999), which a
 * tight band forbids. The simulator serves no band (yet), so its exchangeInfo answer gets a PERCENT_PRICE_BY_SIDE
 * filter on BTCUSDC; everything else is the simulator.
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

const base = parseConfig(userConfig);
const config: Config = { ...base, pnlSeller: { ...base.pnlSeller, profitThresholdUsd: new D("0.07") } };

async function setup(filter: Record<string, string>) {
  const simClock = new VirtualClock(Date.now());
  ex = await startExchange({
    sim: {
      clock: simClock,
      accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDC: "1000" } }],
    },
  });
  const clock = new RealClock();
  const sim = inProcessTransport(ex.sim, clock);
  const transport: Transport = {
    async send(req) {
      const res = await sim.send(req);
      if (new URL(req.url).pathname !== "/api/v3/exchangeInfo") return res;
      const body = JSON.parse(res.body) as { symbols: { symbol: string; filters?: unknown[] }[] };
      for (const s of body.symbols)
        if (s.symbol === "BTCUSDC") s.filters = [{ filterType: "PERCENT_PRICE_BY_SIDE", ...filter }];
      return { ...res, body: JSON.stringify(body) };
    },
  };
  client = new MexcClient({
    baseUrl: "http://in-process.test",
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    transport,
  });
  store = await tempStore();
  const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
  const ledger = new Ledger({ client, store, fills, clock });
  const treasury = new Treasury({ source: accountBalanceSource(client, clock), clock });
  const orders = new OrderManager({ client, store, clock, treasury, maxOpenOrders: 10 });
  const bot = createProfitSeller({ kind: "core", client, treasury, orders, ledger, config });
  const ctx = (): RunContext => ({
    now: Date.now(),
    signal: new AbortController().signal,
    emit: () => {},
    commitLimits: async () => {},
  });
  // A BTC position in profit.
  await client.newOrder({
    symbol: "BTCUSDC",
    side: "BUY",
    type: "MARKET",
    quoteOrderQty: new D("50"),
    clientOrderId: "manual-000000000buybtc",
  });
  ex.sim.market.regime("BTCUSDC", {
    kind: "trend",
    startMs: ex.sim.serverTime(),
    durationMs: 60_000,
    change: 0.05,
  });
  await simClock.advance(3 * 60_000);
  await ex.sim.market.tick();
  return { ex, client, orders, bot, ctx };
}

describe("profit seller inside MEXC's price band", () => {
  it("raises a sell under the band's floor into it, and says so", async () => {
    // A sell may be at most 0.01 % under the current price: 0.999 × the price is outside.
    const { client, orders, bot, ctx } = await setup({ bidMultiplierUp: "5", askMultiplierDown: "0.0001" });
    const market = (await client.tickerPrice("BTCUSDC")).price;
    const decision = await bot.run(ctx());
    const sell = orders.entries((e) => e.bot === "pnl")[0];
    expect(sell?.intent).toMatchObject({ symbol: "BTCUSDC", side: "SELL", type: "LIMIT" });
    expect(new D(sell?.intent.price ?? "0").gte(market.mul("0.9999"))).toBe(true);
    expect(decision.reasons.join("\n")).toContain("raised into the exchange's price band");
  });

  it("does not sell this run, with the reason, when no price on the tick fits the band", async () => {
    const { ex, orders, bot, ctx } = await setup({ askMultiplierDown: "0.0001", askMultiplierUp: "0.00001" });
    const before = ex.sim.stats.requests["POST /api/v3/order"] ?? 0;
    const decision = await bot.run(ctx());
    expect(orders.entries((e) => e.bot === "pnl")).toHaveLength(0);
    expect(decision.reasons.join("\n")).toMatch(/not sold this run: .*price band/);
    expect(ex.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(before);
  });
});
