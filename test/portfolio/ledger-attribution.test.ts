import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roundQuantity } from "../../src/api/index.js";
import { NodeHttpTransport } from "../../src/api/node-http-transport.js";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { type Fill, parseFillJson } from "../../src/portfolio/fill.js";
import { FillsDigest } from "../../src/portfolio/fills-digest.js";
import { digestCheckpointPath } from "../../src/portfolio/fills-digest-checkpoint.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import { JsonLinesFile, type Store } from "../../src/store/index.js";
import type { JournalEntry } from "../../src/store/journal-schema.js";
import { newClientOrderId } from "../../src/trading/client-id.js";
import { JournalArchive } from "../../src/trading/journal-archive.js";
import { JournalView } from "../../src/trading/journal-view.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { blankTradeClientIds } from "../support/blank-trade-ids.js";
import { startExchange, tempStore } from "../support/exchange.js";
import { writeJournal } from "../support/journal-entry.js";

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const SYMBOL = "ADAUSDT";
const clock = new RealClock();

/** The simulator, answering myTrades as MEXC's docs do (no client id); the real order manager; a ledger on both. */
async function setUp(seed: readonly JournalEntry[] = []) {
  ex = await startExchange({
    client: {
      transport: blankTradeClientIds(new NodeHttpTransport({ clock, timeoutMs: 1_000 })),
      limits: { ordersPerSecond: 200 },
    },
    sim: {
      accounts: [{ apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "1000" } }],
    },
  });
  store = await tempStore();
  // What an earlier run left in the journal: read by the order manager when it opens.
  writeJournal(store.path, seed);
  const dir = mkdtempSync(join(tmpdir(), "mpb-attrib-"));
  const orders = new OrderManager({ client: ex.client, store, clock, maxOpenOrders: 10 });
  const archive = JournalArchive.open(join(dir, "journal-archive.jsonl"));
  const journal = new JournalView({ archive, orders });
  const path = join(dir, "fills.jsonl");
  const open = () =>
    new Ledger({
      client: (ex as NonNullable<typeof ex>).client,
      store: store as Store,
      fills: path,
      clock,
      journal,
    });
  return { ex, orders, journal, path, open, ledger: open() };
}

const onDisk = (path: string) => JsonLinesFile.open<Fill>(path, parseFillJson).items;
const byBot = (ledger: Ledger) =>
  Object.fromEntries([...ledger.costBasis().byBot].map(([k, v]) => [k, v.toFixed()]));

describe("ledger: fills attributed through the order journal", () => {
  it("books a bot's fills and realized PnL to the bot though myTrades names no client id; a hand order stays manual", async () => {
    const { ex, orders, ledger, path } = await setUp();
    const buy = await orders.place({
      bot: "pnl",
      reason: "test buy",
      symbol: SYMBOL,
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D(20),
    });
    expect(buy.kind).toBe("placed");
    const rules = await ex.client.symbolRules(SYMBOL);
    const held = new D(ex.sim.account().balances.ADA?.free ?? "0");
    const sell = await orders.place({
      bot: "pnl",
      reason: "test sell",
      symbol: SYMBOL,
      side: "SELL",
      type: "MARKET",
      quantity: roundQuantity(rules!, held.div(2)),
      marketPrice: new D(ex.sim.market.price(SYMBOL)),
    });
    expect(sell.kind).toBe("placed");
    // Placed on the website: not a client id of ours, and the journal never heard of it.
    await ex.client.newOrder({
      symbol: SYMBOL,
      side: "SELL",
      type: "MARKET",
      quantity: roundQuantity(rules!, held.div(4)),
      clientOrderId: "web1234sell",
    });

    const trades = await ex.client.myTrades(SYMBOL, {});
    expect(trades.length).toBeGreaterThanOrEqual(3);
    expect(trades.every((t) => t.clientOrderId === null)).toBe(true);

    await ledger.sync(SYMBOL);
    const ours = new Set([buy, sell].map((o) => (o.kind === "placed" ? o.entry.orderId : "")));
    for (const f of ledger.fillsSince(0)) {
      expect(f.bot).toBe(ours.has(f.orderId) ? "pnl" : "manual");
      if (ours.has(f.orderId)) expect(f.clientOrderId).toMatch(/^pnl-/);
    }
    expect(ledger.fillsSince(0).some((f) => f.bot === "manual")).toBe(true);
    const pnl = byBot(ledger);
    expect(Object.keys(pnl).sort()).toEqual(["manual", "pnl"]);
    expect(pnl.pnl).not.toBe("0");
    // Kept on disk with the fill, not worked out again at every read.
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { bot?: string });
    expect(lines.map((l) => l.bot).sort()).toEqual(
      ledger
        .fillsSince(0)
        .map((f) => f.bot)
        .sort(),
    );
  });

  it("a fill synced before the journal learns its order id is attributed once it does, and stays so", async () => {
    // A crash between journaling and the acknowledgement: the entry is PENDING, without an order id,
    // while the order is on the exchange (sent as the order manager sends it) and has filled.
    const now = clock.now();
    const id = newClientOrderId("alts", now);
    const entry: JournalEntry = {
      clientOrderId: id,
      bot: "alts",
      reason: "test",
      intent: { symbol: SYMBOL, side: "BUY", type: "MARKET", quoteOrderQty: "15" },
      state: "PENDING",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: now,
      updatedAt: now,
      notFound: 0,
      transitions: [{ at: now, from: null, to: "PENDING", note: "test" }],
    };
    const { ex, orders, ledger, path, open } = await setUp([entry]);
    await ex.client.newOrder({
      symbol: SYMBOL,
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D(15),
      clientOrderId: id,
    });
    const [early] = await ledger.sync(SYMBOL);
    expect(early?.bot).toBe("manual");

    // The lookup at start finds the order: the journal now knows its id, and the next sync attributes the fill.
    await orders.reconcile([SYMBOL]);
    expect(orders.entry(id)?.orderId).toBe(early?.orderId);
    expect(await ledger.sync(SYMBOL)).toEqual([]);
    expect(ledger.fillsSince(0).map((f) => [f.id, f.bot, f.clientOrderId])).toEqual([
      [early?.id, "alts", id],
    ]);
    expect(onDisk(path).map((f) => f.bot)).toEqual(["alts"]);
    expect(byBot(ledger)).toEqual({});

    // Once: later syncs and a restart leave the file as it is (no rewrite), and new fills still append.
    const inode = statSync(path).ino;
    await ledger.sync(SYMBOL);
    const again = open();
    expect(again.fillsSince(0).map((f) => f.bot)).toEqual(["alts"]);
    expect(statSync(path).ino).toBe(inode);
    await orders.place({
      bot: "scanner",
      reason: "test",
      symbol: SYMBOL,
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D(10),
    });
    await again.sync(SYMBOL);
    expect(onDisk(path).map((f) => f.bot)).toEqual(["alts", "scanner"]);
  });

  it("a manual fill kept in the digest's checkpoint is attributed at the next start once the journal knows its order", async () => {
    const now = clock.now();
    const id = newClientOrderId("alts", now);
    const entry: JournalEntry = {
      clientOrderId: id,
      bot: "alts",
      reason: "test",
      intent: { symbol: SYMBOL, side: "BUY", type: "MARKET", quoteOrderQty: "15" },
      state: "PENDING",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      createdAt: now,
      updatedAt: now,
      notFound: 0,
      transitions: [{ at: now, from: null, to: "PENDING", note: "test" }],
    };
    const { ex, orders, ledger, path, open } = await setUp([entry]);
    const web = { symbol: SYMBOL, side: "BUY" as const, type: "MARKET" as const, quoteOrderQty: new D(10) };
    await ex.client.newOrder({ ...web, clientOrderId: "web-order-1" });
    await ex.client.newOrder({ ...web, quoteOrderQty: new D(15), clientOrderId: id });
    await ex.client.newOrder({ ...web, clientOrderId: "web-order-2" });
    const synced = await ledger.sync(SYMBOL);
    expect(synced.map((f) => f.bot)).toEqual(["manual", "manual", "manual"]);
    ledger.checkpoint(); // a clean stop
    expect(FillsDigest.open(path, { readOnly: true }).origin).toBe("checkpoint of 3 lines + 0 newer");

    await orders.reconcile([SYMBOL]); // the next start learns the order id first
    const again = open();
    expect(again.fillsSince(0).map((f) => f.bot)).toEqual(["manual", "alts", "manual"]);
    expect(onDisk(path).map((f) => [f.id, f.bot])).toEqual(
      synced.map((f, i) => [f.id, i === 1 ? "alts" : "manual"]),
    );
    // The rewrite dropped the checkpoint: the digest after it is read from the new file, not the old lines.
    expect(existsSync(digestCheckpointPath(path))).toBe(false);
    again.checkpoint();
    expect(
      FillsDigest.open(path, { readOnly: true })
        .manual.get(SYMBOL)
        ?.map((r) => r.id),
    ).toEqual([synced[0]?.id, synced[2]?.id]);
  });
});
