import { afterEach, describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse, Transport } from "../../src/api/index.js";
import { NodeHttpTransport } from "../../src/api/node-http-transport.js";
import { createMarketScanner } from "../../src/bots/market-scanner.js";
import { RealClock } from "../../src/clock.js";
import { userConfig } from "../../src/config.js";
import { parseConfig } from "../../src/config-schema.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { SIM_KEY, SIM_SECRET, startExchange, tempStore } from "../support/exchange.js";
import { captureLog, HOUR, MIN } from "./helpers.js";

/**
 * MEXC sends `quoteVolume: null` or `""` in the 24 h ticker for some pairs (reference page "What the real exchange
 * sends"). The simulator's answer is edited on its way to the client so that the two most liquid USDT pairs carry
 * those values; everything else is the simulator's market.
 */
function unknownVolumes(inner: Transport, blanks: Map<string, null | "">): Transport {
  return {
    async send(req: HttpRequest): Promise<HttpResponse> {
      const res = await inner.send(req);
      const url = new URL(req.url);
      if (res.status !== 200 || url.pathname !== "/api/v3/ticker/24hr" || url.searchParams.has("symbol"))
        return res;
      const rows = JSON.parse(res.body) as Record<string, unknown>[];
      for (const r of rows) {
        const blank = blanks.get(r.symbol as string);
        if (blank !== undefined) r.quoteVolume = blank;
      }
      return { ...res, body: JSON.stringify(rows) };
    },
    close: () => inner.close?.(),
  };
}

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
  store = undefined;
  ex = undefined;
});

describe("market scanner: a 24 h ticker whose volume is unknown", () => {
  it("is skipped on its own, with one log line per symbol and hour; the rest of the market is scanned", async () => {
    const blanks = new Map<string, null | "">();
    const transport = unknownVolumes(
      new NodeHttpTransport({ clock: new RealClock(), timeoutMs: 2_000 }),
      blanks,
    );
    ex = await startExchange({
      sim: {
        generatedAlts: 20,
        accounts: [{ apiKey: SIM_KEY, apiSecret: SIM_SECRET, balances: { USDT: "1000", USDC: "0" } }],
      },
      client: { transport },
    });
    store = await tempStore();
    const clock = new RealClock();
    const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock });
    const orders = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 50 });
    const raw = structuredClone(userConfig);
    raw.scanner.maxPairs = 0;
    const { log, lines } = captureLog();
    const scanner = createMarketScanner({
      client: ex.client,
      treasury,
      orders,
      config: parseConfig(raw),
      log,
    });

    // The two most liquid pairs of a normal scan lose their volume.
    const t0 = Date.now();
    const before = await scanner.scan(undefined, t0);
    const byVolume = [...before.opportunities, ...before.neutral, ...before.blocked].sort(
      (a, b) => b.quoteVolume - a.quoteVolume,
    );
    const [a, b] = byVolume.map((p) => p.symbol);
    if (!a || !b) throw new Error("the simulator's market has fewer than two liquid USDT pairs");
    blanks.set(a, null);
    blanks.set(b, "");
    const skipped = (symbol: string) =>
      lines.filter((l) => l.symbol === symbol && String(l.msg).includes("volume unknown")).length;

    const first = await scanner.scan(undefined, t0 + MIN);
    expect(first.selected).toBe(before.selected - 2);
    expect(first.scanned).toBe(before.scanned - 2);
    const seen = [...first.opportunities, ...first.neutral, ...first.blocked].map((p) => p.symbol);
    expect(seen).not.toContain(a);
    expect(seen).not.toContain(b);
    expect([skipped(a), skipped(b)]).toEqual([1, 1]);

    await scanner.scan(undefined, t0 + 30 * MIN);
    expect([skipped(a), skipped(b)]).toEqual([1, 1]);
    await scanner.scan(undefined, t0 + MIN + HOUR);
    expect([skipped(a), skipped(b)]).toEqual([2, 2]);
  });
});
