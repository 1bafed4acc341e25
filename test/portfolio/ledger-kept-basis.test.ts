import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { computeCostBasis } from "../../src/portfolio/cost-basis.js";
import { checkpointPath } from "../../src/portfolio/cost-book-checkpoint.js";
import { type Fill, parseFillJson } from "../../src/portfolio/fill.js";
import { digestCheckpointPath } from "../../src/portfolio/fills-digest-checkpoint.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import { JsonLinesFile, type Store } from "../../src/store/index.js";
import { startExchange, tempStore } from "../support/exchange.js";

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
});

const figures = (fills: readonly Fill[] | Ledger) => {
  const s = fills instanceof Ledger ? fills.costBasis() : computeCostBasis(fills);
  return {
    assets: [...s.assets].map(([a, p]) => [
      a,
      p.quantity.toString(),
      p.totalCost.toString(),
      p.realizedPnl.toString(),
    ]),
    byBot: [...s.byBot].map(([b, v]) => [b, v.toString()]),
    fees: s.feesUsd.toString(),
  };
};

describe("the ledger's kept cost basis (issue 15)", () => {
  it("applies synced fills to the kept book, checkpoints it, and a new ledger on the file starts from it", async () => {
    ex = await startExchange({
      client: { limits: { ordersPerSecond: 200, requestsPerSecond: 1000 } },
      sim: {
        feeAsset: "MX",
        accounts: [
          { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "10000", MX: "100" } },
        ],
      },
    });
    store = await tempStore();
    const path = join(mkdtempSync(join(tmpdir(), "mpb-kept-ledger-")), "fills.jsonl");
    const open = () =>
      new Ledger({
        client: ex!.client,
        store: store!,
        fills: path,
        clock: new RealClock(),
      });
    const ledger = open();
    const order = (symbol: string, side: "BUY" | "SELL", i: number) => {
      const clientOrderId = `${i % 2 ? "scanner" : "seller"}-${String(i).padStart(9, "0")}abcdef`;
      const type = "MARKET" as const;
      return side === "BUY"
        ? ex!.client.newOrder({ symbol, side, type, quoteOrderQty: new D("8"), clientOrderId })
        : ex!.client.newOrder({ symbol, side, type, quantity: new D("5"), clientOrderId });
    };
    for (let i = 0; i < 6; i++) await order("ADAUSDT", "BUY", i);
    await ledger.syncAll(["ADAUSDT"]);
    expect(figures(ledger)).toEqual(figures(ledger.fillsSince(0))); // built once, by a replay
    for (let i = 6; i < 9; i++) await order("ADAUSDT", "SELL", i);
    for (let i = 9; i < 11; i++) await order("DOTUSDT", "BUY", i);
    await ledger.syncAll(["ADAUSDT", "DOTUSDT"]);
    // Applied as they came: the same figures as a replay of the whole file.
    expect(figures(ledger)).toEqual(figures(JsonLinesFile.open<Fill>(path, parseFillJson).items));
    ledger.checkpoint();
    expect(existsSync(checkpointPath(path))).toBe(true);

    const again = open();
    expect(figures(again)).toEqual(figures(ledger));
    expect(again.tradedSymbols).toEqual(["ADAUSDT", "DOTUSDT"]);
    expect(again.tradedPairs).toEqual([
      { symbol: "ADAUSDT", base: "ADA", quote: "USDT" },
      { symbol: "DOTUSDT", base: "DOT", quote: "USDT" },
    ]);
    expect(again.fillCount).toBe(ledger.fillsSince(0).length);
    expect(again.recentFills(2)).toEqual(ledger.fillsSince(0).slice(-2).reverse());
    const mid = (ledger.fillsSince(0)[5] as Fill).time;
    expect(again.fillsSince(mid)).toEqual(ledger.fillsSince(0).filter((f) => f.time >= mid));
    const seen: string[] = [];
    again.forEachFill((f) => seen.push(f.id));
    expect(seen).toEqual(ledger.fillsSince(0).map((f) => f.id));

    // The clean stop checkpointed the digest too: a start reads no line of the covered prefix (a damaged first
    // line of the same length goes unseen; a full read would refuse it) and answers as before.
    expect(existsSync(digestCheckpointPath(path))).toBe(true);
    const lines = readFileSync(path, "utf8").split("\n");
    writeFileSync(path, [" ".repeat((lines[0] as string).length), ...lines.slice(1)].join("\n"));
    const warm = open();
    expect(warm.fillCount).toBe(again.fillCount);
    expect(warm.tradedSymbols).toEqual(again.tradedSymbols);
    expect(warm.recentFills(3)).toEqual(again.recentFills(3));
    expect(figures(warm)).toEqual(figures(again));
    expect(() => JsonLinesFile.open<Fill>(path, parseFillJson)).toThrow(/line 1 is damaged/);
  });
});
