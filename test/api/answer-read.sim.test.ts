import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  D,
  type HttpRequest,
  type HttpResponse,
  type MexcClient,
  roundPrice,
  roundQuantity,
} from "../../src/api/index.js";
import { NodeHttpTransport } from "../../src/api/node-http-transport.js";
import { describeIssues, parseJson } from "../../src/api/schemas.js";
import {
  type Answer,
  accountAnswer,
  depthAnswer,
  orderAnswer,
  ordersAnswer,
  ticker24hAnswer,
  tickerPriceAnswer,
  tickerPricesAnswer,
  tickers24hAnswer,
  tradesAnswer,
} from "../../src/api/schemas-read.js";
import { RealClock } from "../../src/clock.js";
import type { RunningSim } from "../../src/sim/index.js";
import { clientFor, start } from "./sim-helpers.js";

/** Which reader an answer of the simulator is for ("METHOD /path" of the request). */
const READERS: Record<string, Answer<unknown>> = {
  "GET /api/v3/account": accountAnswer,
  "GET /api/v3/myTrades": tradesAnswer,
  "GET /api/v3/order": orderAnswer,
  "GET /api/v3/openOrders": ordersAnswer,
  "GET /api/v3/allOrders": ordersAnswer,
  "GET /api/v3/ticker/price": tickerPriceAnswer,
  "GET /api/v3/ticker/24hr": ticker24hAnswer,
  "GET /api/v3/depth": depthAnswer,
  "GET /api/v3/ticker/price (all)": tickerPricesAnswer,
  "GET /api/v3/ticker/24hr (all)": tickers24hAnswer,
};

/**
 * The simulator with `--real-variants` (src/sim/variants.ts) answers at random with what the real exchange sends
 * beyond the docs' examples: nulls, "", hex ids, `Qty`, `balances[].available`, commissions, stpMode, cancelReason.
 * Every such answer, as it came over the wire, must be read by the fast reader to exactly the schema's value.
 */
describe("the fast readers on the simulator's real-exchange variants", () => {
  let sim: RunningSim;
  let client: MexcClient;
  const seen: { route: string; body: string }[] = [];

  beforeAll(async () => {
    sim = await start({ realVariants: { rate: 0.5 } });
    const inner = new NodeHttpTransport({ clock: new RealClock(), timeoutMs: 2000 });
    const transport = {
      async send(req: HttpRequest): Promise<HttpResponse> {
        const res = await inner.send(req);
        const url = new URL(req.url);
        const all = url.pathname.startsWith("/api/v3/ticker/") && !url.searchParams.has("symbol");
        const route = `${req.method} ${url.pathname}${all ? " (all)" : ""}`;
        if (res.status === 200 && route in READERS) seen.push({ route, body: res.body });
        return res;
      },
      close: () => inner.close(),
    };
    client = clientFor(sim, { transport });
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it("reads every answer of a trading session to the schema's value", async () => {
    const symbol = "ETHUSDT";
    const rules = (await client.symbolRules(symbol))!;
    for (let i = 0; i < 12; i++) {
      const last = (await client.tickerPrice(symbol)).price;
      await client.ticker24hr(symbol);
      await client.ticker24hrAll();
      await client.tickerPriceAll();
      await client.depth(symbol, 20);
      const price = roundPrice(rules, last.mul("0.9"), "BUY");
      const quantity = roundQuantity(rules, new D(20).div(price));
      const resting = await client.newOrder({
        symbol,
        side: "BUY",
        type: "LIMIT",
        quantity,
        price,
        clientOrderId: `rest-${i}`,
      });
      await client.getOrder({ symbol, orderId: resting.orderId });
      await client.openOrders(symbol);
      await client.cancelOrder({ symbol, orderId: resting.orderId });
      const bought = await client.newOrder({
        symbol,
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D("15.5"),
        ...(i % 2 === 0 ? { clientOrderId: `mkt-${i}` } : { clientOrderId: `m${i}` }),
      });
      await client.getOrder({ symbol, orderId: bought.orderId });
      await client.allOrders(symbol);
      await client.myTrades(symbol, { limit: 100 });
      await client.account();
    }
    expect(new Set(seen.map((s) => s.route))).toEqual(new Set(Object.keys(READERS)));
    const all = seen.map((s) => s.body).join("\n");
    // The variants did come: without them this would only repeat the generated cases.
    for (const marker of [
      '"available"',
      '"updateTime":null',
      '"Qty"',
      '"clientOrderId":null',
      '"cancelReason"',
    ]) {
      expect(all, marker).toContain(marker);
    }
    for (const { route, body } of seen) {
      const answer = READERS[route]!;
      const fast = answer.fastParse(body);
      expect(fast, `${route} left to the general path: ${body}`).toBeDefined();
      const parsed = answer.schema.safeParse(parseJson(body));
      if (!parsed.success) throw new Error(`${route}: ${describeIssues(parsed.error)}`);
      expect(fast, body).toStrictEqual(parsed.data);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(parsed.data));
    }
  });
});
