import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roundQuantity } from "../../src/api/index.js";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { type Fill, parseFillJson } from "../../src/portfolio/fill.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import { JsonLinesFile, type Store } from "../../src/store/index.js";
import { startExchange, tempStore } from "../support/exchange.js";

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
});

const MYTRADES = "GET /api/v3/myTrades";

async function ledgerFor(feeAsset: "quote" | "base" | "MX") {
  ex = await startExchange({
    client: { limits: { ordersPerSecond: 200, requestsPerSecond: 1000 } },
    sim: {
      feeAsset,
      accounts: [
        { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "100000", MX: "1000" } },
      ],
    },
  });
  store = await tempStore();
  const dir = mkdtempSync(join(tmpdir(), "mpb-fills-"));
  const fills = join(dir, "fills.jsonl");
  const ledger = new Ledger({ client: ex.client, store, fills, clock: new RealClock() });
  return { ex, ledger, dir };
}

describe("ledger", () => {
  it("finds a trade that became visible behind the cursor (a late fill)", async () => {
    const { ex, ledger } = await ledgerFor("quote");
    await ex.client.newOrder({
      symbol: "ADAUSDT",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("7"),
      clientOrderId: "scanner-000000000late01",
    });
    const [trade] = await ex.client.myTrades("ADAUSDT", {});
    // As if a later trade had been synced first: the cursor is already past this one.
    await store?.update((s) => {
      s.ledger.cursors.ADAUSDT = { lastTime: (trade?.time ?? 0) + 60_000 };
    });
    expect((await ledger.sync("ADAUSDT")).map((f) => f.id)).toEqual([trade?.id]);
  });

  it.each(["quote", "base", "MX"] as const)(
    "syncs more than 100 fills with fees in %s; position = Σ qty − base fees; the whole position sells cleanly",
    async (feeAsset) => {
      const { ex, ledger, dir } = await ledgerFor(feeAsset);
      const symbol = "ADAUSDT";
      for (let i = 0; i < 110; i++) {
        await ex.client.newOrder({
          symbol,
          side: "BUY",
          type: "MARKET",
          quoteOrderQty: new D("7"),
          clientOrderId: `scanner-${String(i).padStart(9, "0")}abcdef`,
        });
      }
      const added = await ledger.sync(symbol);
      expect(added.length).toBeGreaterThan(100);
      const before = ex.sim.stats.requests[MYTRADES] ?? 0;
      expect(await ledger.sync(symbol)).toHaveLength(0);
      // The sync looks two minutes back (late fills): 110 trades in that span are a full page, then its two halves.
      expect((ex.sim.stats.requests[MYTRADES] ?? 0) - before).toBeLessThanOrEqual(3);

      const held = new D(ex.sim.account().balances.ADA?.free ?? "0");
      const basis = ledger.costBasis({
        currentPrice: (a) => (a === "MX" ? new D(ex!.sim.market.price("MXUSDT")) : undefined),
      });
      const ada = basis.assets.get("ADA");
      expect(ada?.quantity.toFixed()).toBe(held.toFixed());

      const rules = await ex.client.symbolRules(symbol);
      const qty = roundQuantity(rules!, ada!.quantity);
      await ex.client.newOrder({
        symbol,
        side: "SELL",
        type: "MARKET",
        quantity: qty,
        clientOrderId: "pnl-000000000sellal",
      });
      await ledger.sync(symbol);
      const after = ledger.costBasis({
        currentPrice: (a) => (a === "MX" ? new D(ex!.sim.market.price("MXUSDT")) : undefined),
      });
      // Realized PnL is attributed to the bot whose client id sold.
      expect(after.byBot.has("pnl")).toBe(true);
      expect(after.assets.get("ADA")?.quantity.toFixed()).toBe(
        new D(ex.sim.account().balances.ADA?.free ?? "0").toFixed(),
      );

      // Kept on disk: a new ledger over the same file knows every fill without asking the exchange.
      const reopened = JsonLinesFile.open<Fill>(join(dir, "fills.jsonl"), parseFillJson);
      expect(reopened.items.length).toBe(ledger.fillsSince(0).length);
      expect(new Set(reopened.items.map((f) => f.id)).size).toBe(reopened.items.length);
    },
  );
});
