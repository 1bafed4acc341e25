import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { D, type MexcClient } from "../../src/api/index.js";
import type { RunningSim } from "../../src/sim/index.js";
import { captureLogger, clientFor, rejection, restingBuyOrder, sleep, start } from "./sim-helpers.js";

// Recognizable values: if any of them shows up anywhere, the test names it.
const LEAK_KEY = "mx0vglLEAKCHECKapiKEY7q3z";
const LEAK_SECRET = "LEAKCHECKsecret5ecr3tDONOTPRINT9f2";
const WRONG_SECRET = "LEAKCHECKwrongSECRETdontprint11";

let sim: RunningSim;
let client: MexcClient;
const { logger, lines } = captureLogger();
const errors: unknown[] = [];

beforeAll(async () => {
  sim = await start({
    accounts: [{ apiKey: LEAK_KEY, apiSecret: LEAK_SECRET, balances: { USDT: "1000", USDC: "1000" } }],
  });
  client = clientFor(sim, { apiKey: LEAK_KEY, apiSecret: LEAK_SECRET, logger, timeoutMs: 400 });
});
afterAll(async () => {
  client.close();
  await sim.close();
});

function order(id: string) {
  return restingBuyOrder(client, id);
}

async function fail(p: Promise<unknown>): Promise<void> {
  errors.push(await rejection(p));
  sim.sim.faults.clear();
}

describe("no secret, signature or API key header ever leaves the client in text", () => {
  it("makes failing requests of every kind", async () => {
    const f = sim.sim.faults;
    await client.account();
    await client.newOrder(await order("ok-1"));

    f.failNext("GET /api/v3/account", { status: 503, count: 5 });
    await fail(client.account());
    f.failNext("POST /api/v3/order", { status: 500 });
    await fail(client.newOrder(await order("s-500")));
    f.acceptThen("503");
    await fail(client.newOrder(await order("s-503")));
    f.acceptThen("drop");
    await fail(client.newOrder(await order("s-drop")));
    f.acceptThen("stall", { stallMs: 1000 });
    await fail(client.newOrder(await order("s-stall")));
    f.randomFaults({ rate: 1, kinds: ["drop"] });
    await fail(client.openOrders("BTCUSDT"));
    f.slow(800);
    await fail(client.myTrades("BTCUSDT"));
    f.malformedNext("GET /api/v3/account", 1, "json");
    await fail(client.account());
    f.malformedNext("GET /api/v3/openOrders", 1, "type");
    await fail(client.openOrders("BTCUSDT"));
    // A server that echoes the key, the query and its signature back in its message.
    f.failNext("GET /api/v3/account", {
      status: 400,
      body: {
        code: 10072,
        msg: `Api key info invalid: ${LEAK_KEY} for symbol=X&timestamp=1&signature=${"ab".repeat(32)}`,
      },
    });
    await fail(client.account());
    f.failNext("GET /api/v3/account", { status: 400, body: { code: 700006, msg: "IP not in white list" } });
    await fail(client.account());
    f.failNext("GET /api/v3/depth", { status: 429, headers: { "retry-after": "1" } });
    await client.depth("BTCUSDT", 5); // retried after the pause
    await fail(client.getOrder({ symbol: "BTCUSDT", clientOrderId: "never" }));
    await fail(client.cancelOrder({ symbol: "BTCUSDT", orderId: "nope" }));
    await fail(client.depth("NOPEUSDT"));
    await fail(client.newOrder({ ...(await order("broke")), quantity: new D("1"), price: new D("10000") }));
    f.skewClock(-6000);
    await client.newOrder(await order("skewed"));
    f.clear();
    f.failNext("GET /api/v3/ticker/price", { status: 418, headers: { "retry-after": "1" } });
    await fail(client.tickerPrice("BTCUSDT"));
    await fail(client.account());
    await sleep(1050);

    const wrong = clientFor(sim, { apiKey: LEAK_KEY, apiSecret: WRONG_SECRET, logger });
    await fail(wrong.account());
    wrong.close();
    const dead = clientFor(sim, {
      baseUrl: "http://127.0.0.1:1",
      apiKey: LEAK_KEY,
      apiSecret: LEAK_SECRET,
      logger,
    });
    await fail(dead.account());
    dead.close();

    const kinds = new Set(errors.map((e) => (e as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(
      [
        "auth",
        "bad-response",
        "bad-symbol",
        "banned",
        "insufficient-funds",
        "network",
        "unavailable",
        "unknown-order",
        "unknown-outcome",
      ].sort(),
    );
    expect(lines.length).toBeGreaterThan(20);
  });

  it("finds none in any error's message, stack, cause, JSON or inspection, nor in any log line", () => {
    const texts: string[] = [...lines];
    for (const e of errors) {
      const err = e as Error;
      texts.push(
        String(err),
        err.message,
        err.stack ?? "",
        JSON.stringify(err),
        JSON.stringify(err.cause ?? null),
        inspect(err, { depth: null, showHidden: true }),
      );
    }
    texts.push(inspect(client, { depth: null, showHidden: true }), JSON.stringify(client.metrics()));
    for (const text of texts) {
      expect(text).not.toContain(LEAK_KEY);
      expect(text).not.toContain(LEAK_SECRET);
      expect(text).not.toContain(WRONG_SECRET);
      expect(text).not.toMatch(/x-mexc-apikey/i);
      // A signature is 64 lowercase hex characters.
      expect(text).not.toMatch(/[0-9a-f]{64}/);
    }
  });
});
