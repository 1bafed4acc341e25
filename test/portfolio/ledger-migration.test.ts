import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MexcClient } from "../../src/api/index.js";
import { RealClock } from "../../src/clock.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { JournalEntry } from "../../src/store/journal-schema.js";
import { JournalArchive } from "../../src/trading/journal-archive.js";
import { JournalView } from "../../src/trading/journal-view.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { tempStore } from "../support/exchange.js";
import { writeJournal } from "../support/journal-entry.js";

const T = Date.UTC(2026, 10, 1);

function entry(clientOrderId: string, orderId: string, symbol = "ADAUSDT"): JournalEntry {
  return {
    clientOrderId,
    bot: clientOrderId.split("-")[0] as string,
    reason: "test",
    intent: { symbol, side: "BUY", type: "MARKET", quoteOrderQty: "10" },
    state: "FILLED",
    orderId,
    executedQty: "10",
    cummulativeQuoteQty: "10",
    createdAt: T,
    updatedAt: T,
    notFound: 0,
    transitions: [{ at: T, from: null, to: "FILLED", note: "test" }],
  };
}

/** A fills.jsonl line as the ledger wrote it before it attributed fills: no `bot`, the exchange's client id if any. */
function legacyLine(
  id: string,
  orderId: string,
  side: "BUY" | "SELL",
  price: string,
  clientOrderId?: string,
) {
  return JSON.stringify({
    id,
    symbol: "ADAUSDT",
    base: "ADA",
    quote: "USDT",
    side,
    price,
    qty: "10",
    quoteQty: String(Number(price) * 10),
    fee: "0",
    feeAsset: "USDT",
    time: T + Number(id) * 1000,
    orderId,
    ...(clientOrderId ? { clientOrderId } : {}),
    isMaker: false,
    source: "exchange",
  });
}

describe("ledger: fills kept before attribution are attributed at start, once", () => {
  it("from the journal in the state and from its archive; unknown orders stay manual; a second start rewrites nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpb-migrate-"));
    const store = await tempStore();
    const clock = new RealClock();
    const client = new MexcClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", apiSecret: "s", clock });
    // Both orders in the journal an earlier run left; both ended long ago.
    writeJournal(store.path, [
      entry("pnl-000000001aaaaaa", "c0ffee01"),
      entry("balancer-000000002bbbbbb", "c0ffee02"),
    ]);
    const earlier = new OrderManager({ client, store, clock, maxOpenOrders: 10 });
    // The balancer's order ended long ago: archived, so only journal-archive.jsonl still knows it.
    const archivePath = join(dir, "journal-archive.jsonl");
    expect(JournalArchive.open(archivePath).archive(earlier, T + 72 * 3_600_000, 48 * 3_600_000)).toBe(2);
    earlier.close();
    // The pnl seller's is in the journal again (say, restored from a backup): the next start knows it from there.
    writeJournal(store.path, [entry("pnl-000000001aaaaaa", "c0ffee01")]);
    const orders = new OrderManager({ client, store, clock, maxOpenOrders: 10 });
    const path = join(dir, "fills.jsonl");
    writeFileSync(
      path,
      [
        legacyLine("1", "c0ffee01", "BUY", "1"), // the pnl seller's, as MEXC reports it: no client id
        legacyLine("2", "c0ffee02", "BUY", "1"), // the balancer's, known from the archive only
        legacyLine("3", "c0ffee01", "SELL", "2"), // realizes 10 for the pnl seller
        legacyLine("4", "c0ffee02", "SELL", "3"), // realizes 20 for the balancer
        legacyLine("5", "beef0005", "BUY", "1"), // placed on the website
        legacyLine("6", "beef0006", "SELL", "1.5", "web_0006"), // the website's, with its own client id: 5
        legacyLine("7", "beef0007", "BUY", "1", "scanner-000000007cccccc"), // ours by its id alone
      ].join("\n") + "\n",
    );
    const before = readFileSync(path, "utf8");
    const ledger = () =>
      new Ledger({
        client,
        store,
        fills: path,
        clock,
        journal: new JournalView({
          archive: JournalArchive.open(join(dir, "journal-archive.jsonl")),
          orders,
        }),
      });

    const first = ledger();
    expect(first.fillsSince(0).map((f) => [f.id, f.bot])).toEqual([
      ["1", "pnl"],
      ["2", "balancer"],
      ["3", "pnl"],
      ["4", "balancer"],
      ["5", "manual"],
      ["6", "manual"],
      ["7", "scanner"],
    ]);
    expect(first.fillsSince(0)[0]?.clientOrderId).toBe("pnl-000000001aaaaaa");
    expect(first.fillsSince(0)[5]?.clientOrderId).toBe("web_0006");
    expect(Object.fromEntries([...first.costBasis().byBot].map(([k, v]) => [k, v.toFixed()]))).toEqual({
      pnl: "10",
      balancer: "20",
      manual: "5",
    });
    // On disk: every line now carries its bot, nothing else changed.
    const after = readFileSync(path, "utf8");
    expect(after).not.toBe(before);
    expect(
      after
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { bot: string }).bot),
    ).toEqual(["pnl", "balancer", "pnl", "balancer", "manual", "manual", "scanner"]);
    const stripped = after
      .trim()
      .split("\n")
      .map((l) => {
        const { bot: _bot, clientOrderId: _cid, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      });
    expect(stripped).toEqual(
      before
        .trim()
        .split("\n")
        .map((l) => {
          const { clientOrderId: _cid, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return rest;
        }),
    );

    // Once: the next start finds every fill attributed and leaves the file alone.
    const inode = statSync(path).ino;
    const second = ledger();
    expect(second.fillsSince(0).map((f) => f.bot)).toEqual(first.fillsSince(0).map((f) => f.bot));
    expect(statSync(path).ino).toBe(inode);
    expect(readFileSync(path, "utf8")).toBe(after);
    await store.close();
    client.close();
  });
});
