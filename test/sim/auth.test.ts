import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { type RunningSim, sign, startSim } from "../../src/sim/index.js";
import { hmac, KEY, TestClient } from "./helpers.js";

const DOC_SECRET = "45d0b3c26f2644f19bfb98b07741b2f5";
const DOC_KEY = "mx0aBYs33eIilxBWC5";
const DOC_TS = 1644489390087;
const DOC_MESSAGE =
  "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11&recvWindow=5000&timestamp=1644489390087";

describe("signature test vector", () => {
  it("matches MEXC's documented HMAC", () => {
    expect(sign(DOC_SECRET, DOC_MESSAGE)).toBe(
      "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a",
    );
  });

  it("is accepted over HTTP as the docs sign it, in the query and split query + JSON body", async () => {
    const clock = new VirtualClock(DOC_TS + 200);
    const running = await startSim({
      clock,
      generatedAlts: 0,
      accounts: [{ apiKey: DOC_KEY, apiSecret: DOC_SECRET, balances: { USDT: "100" } }],
    });
    try {
      const json = { "X-MEXC-APIKEY": DOC_KEY, "content-type": "application/json" };
      // The docs' totalParams as a query string with an empty body: the same bytes, so the same signature.
      const inQuery = await fetch(
        `${running.url}/api/v3/order?${DOC_MESSAGE}&signature=fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a`,
        { method: "POST", headers: json },
      );
      expect(inQuery.status).toBe(200);
      const ack = (await inQuery.json()) as Record<string, unknown>;
      expect(ack).toMatchObject({ symbol: "BTCUSDT", price: "11", origQty: "1", type: "LIMIT", side: "BUY" });

      // totalParams = query string + body, no '&' between them (docs "SIGNED"); the body is JSON.
      const query = "symbol=BTCUSDT&side=BUY&type=LIMIT";
      const body = `{"quantity":"1","price":"11","recvWindow":"5000","timestamp":"${DOC_TS}"}`;
      const mixed = await fetch(
        `${running.url}/api/v3/order?${query}&signature=${sign(DOC_SECRET, query + body)}`,
        { method: "POST", headers: json, body },
      );
      expect(mixed.status).toBe(200);

      // The docs' own curl (a form body, curl's default type) is what MEXC refuses since 2024-02.
      const asForm = await fetch(`${running.url}/api/v3/order`, {
        method: "POST",
        headers: { "X-MEXC-APIKEY": DOC_KEY, "content-type": "application/x-www-form-urlencoded" },
        body: `${DOC_MESSAGE}&signature=fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a`,
      });
      expect(asForm.status).toBe(400);
      expect(await asForm.json()).toEqual({ code: 700013, msg: "Invalid content Type." });
    } finally {
      await running.close();
    }
  });
});

describe("authentication and the recvWindow rule", () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 10));
  let running: RunningSim;
  let client: TestClient;

  beforeAll(async () => {
    // Many requests at one virtual instant: the request-rate limit is tested in rate-limit.test.ts.
    running = await startSim({ clock, generatedAlts: 0, rateLimit: { enabled: false } });
    client = new TestClient({ url: running.url }, () => clock.now());
  });
  afterAll(() => running.close());

  const account = (o = {}) => client.signed("GET", "/api/v3/account", {}, o);

  it("accepts a signed request in the query, in the body and split", async () => {
    expect((await account()).status).toBe(200);
    const mixed = await client.signed(
      "DELETE",
      "/api/v3/openOrders",
      { symbol: "BTCUSDT" },
      { where: "mixed" },
    );
    expect(mixed.status).toBe(200);
    const r = await client.order(
      {
        symbol: "ETHUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.01",
        price: "100",
        newClientOrderId: "a-b_c.1",
      },
      { where: "body" },
    );
    expect(r.status).toBe(200);
  });

  it("verifies the raw bytes: percent-escapes and parameter order are signed as sent", async () => {
    const query = `symbol=BTCUSDT&timestamp=${clock.now()}&origClientOrderId=a%2Db_c.1`;
    const sig = hmac("sim-api-secret", query);
    const r = await client.raw("GET", "/api/v3/order", `${query}&signature=${sig}`, "", {
      "X-MEXC-APIKEY": KEY,
    });
    // Signature fine; the order just is not on BTCUSDT.
    expect(r.json).toEqual({ code: -2013, msg: "Order does not exist." });
    const reencoded = `symbol=BTCUSDT&timestamp=${clock.now()}&origClientOrderId=a-b_c.1&signature=${sig}`;
    const bad = await client.raw("GET", "/api/v3/order", reencoded, "", { "X-MEXC-APIKEY": KEY });
    expect(bad.json.code).toBe(700002);
  });

  it("rejects missing key, unknown key, bad and missing signatures with MEXC's codes", async () => {
    const noKey = await client.raw("GET", "/api/v3/account", `timestamp=${clock.now()}&signature=00`);
    expect(noKey.status).toBe(400);
    expect(noKey.json).toEqual({ code: 400, msg: "api key required" });
    expect((await account({ apiKey: "who-is-this" })).json.code).toBe(10072);
    const wrong = await account({ secret: "not-the-secret" });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toEqual({ code: 700002, msg: "Signature for this request is not valid." });
    const upper = hmac("sim-api-secret", `timestamp=${clock.now()}`).toUpperCase();
    expect((await account({ signature: upper })).json.code).toBe(700002);
    const unsigned = await client.raw("GET", "/api/v3/account", `timestamp=${clock.now()}`, "", {
      "X-MEXC-APIKEY": KEY,
    });
    expect(unsigned.json.code).toBe(700004);
  });

  it("rejects a timestamp more than 1 s ahead whatever the recvWindow", async () => {
    const now = clock.now();
    expect((await account({ timestamp: now + 999 })).status).toBe(200);
    const ahead = await account({ timestamp: now + 1000, recvWindow: 60000 });
    expect(ahead.status).toBe(400);
    expect(ahead.json).toEqual({
      code: 700003,
      msg: "Timestamp for this request is outside of the recvWindow.",
    });
    expect((await account({ timestamp: now + 1500, recvWindow: 60000 })).json.code).toBe(700003);
  });

  it("rejects a request older than recvWindow (default 5000)", async () => {
    const now = clock.now();
    expect((await account({ timestamp: now - 5000 })).status).toBe(200);
    expect((await account({ timestamp: now - 5001 })).json.code).toBe(700003);
    expect((await account({ timestamp: now - 9000, recvWindow: 10000 })).status).toBe(200);
    expect((await account({ timestamp: now - 10001, recvWindow: 10000 })).json.code).toBe(700003);
  });

  it("applies the rule against the simulator's own (skewed) clock", async () => {
    running.sim.faults.skewClock(-6000);
    try {
      expect((await account()).json.code).toBe(700003);
      expect((await account({ timestamp: running.sim.serverTime() })).status).toBe(200);
      running.sim.faults.skewClock(1500);
      expect((await account()).status).toBe(200);
      expect((await account({ timestamp: running.sim.serverTime() + 1001 })).json.code).toBe(700003);
    } finally {
      running.sim.faults.skewClock(0);
    }
  });

  it("refuses recvWindow above 60000 with 700005", async () => {
    expect((await account({ recvWindow: 60000 })).status).toBe(200);
    const r = await account({ recvWindow: 60001 });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe(700005);
  });
});
