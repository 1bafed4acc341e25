import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { D, KLINE_INTERVALS, ORDER_STATUSES, ORDER_TYPES } from "../../src/api/index.js";
import { sign } from "../../src/api/signing.js";
import type { Recorded } from "./canned-exchange.js";
import {
  API_KEY,
  API_SECRET,
  BASE_URL,
  CLIENT_ORDER_ID,
  callsFor,
  contractClient,
  START,
  wireClient,
} from "./endpoints.js";
import {
  bodyText,
  type EndpointFixture,
  endpointFixtures,
  enumsFixture,
  signingFixture,
  splitEndpoint,
} from "./fixtures.js";
import { startWireServer, type WireServer } from "./wire-server.js";

/**
 * Contract: every request the client builds, against the docs' description of it (mexcdevelop/apidocs,
 * source/index.html.md): method, path, parameter names exactly as the docs spell them, mandatory ones present,
 * the X-MEXC-APIKEY header, and signature = lowercase hex HMAC-SHA256 over the exact bytes sent
 * (totalParams = query string + body, § SIGNED). The Content-Type rule lives in known-wire-gaps.test.ts.
 */

const fixtures = endpointFixtures();
const calls = callsFor(fixtures);
const signing = signingFixture();
const enums = enumsFixture();

const hmac = (secret: string, text: string): string =>
  createHmac("sha256", secret).update(text).digest("hex");

/** Calls the endpoint once through the real client, answered with its first readable documented sample. */
async function requestOf(f: EndpointFixture, pick = f.responses.find((r) => !r.knownGap)) {
  const { exchange, client } = contractClient();
  if (pick) exchange.answer(f.endpoint, bodyText(pick));
  await calls[f.id]!.invoke(client, pick);
  const [method, path] = splitEndpoint(f.endpoint);
  const sent = exchange.to(method, path);
  expect(sent, `${f.endpoint} sent once`).toHaveLength(1);
  return { sent: sent[0]!, all: exchange.requests };
}

/** The docs list recvWindow and timestamp for signed endpoints; signature comes from § SIGNED. */
const isSigned = (f: EndpointFixture): boolean => f.params.some((p) => p.name === "timestamp");

function expectSignedAsDocumented(r: Recorded): void {
  expect(r.header(signing.headers.apiKey), "X-MEXC-APIKEY header").toBe(API_KEY);
  // Signature last, over everything before it: query string concatenated with the body.
  expect(r.names.at(-1)).toBe("signature");
  const cut = r.query.lastIndexOf("&signature=");
  expect(cut).toBeGreaterThan(0);
  const totalParams = r.query.slice(0, cut) + r.body;
  const signature = r.query.slice(cut + "&signature=".length);
  expect(signature, "lowercase hex").toMatch(/^[0-9a-f]{64}$/);
  expect(signature).toBe(hmac(API_SECRET, totalParams));
  // § Timing security: recvWindow at most 60000, timestamp the (server-synchronised) time of sending.
  expect(Number(r.params.get("recvWindow"))).toBeLessThanOrEqual(60_000);
  expect(r.params.get("timestamp")).toBe(String(START));
}

describe("requests as MEXC documents them", () => {
  for (const f of fixtures) {
    const [method, path] = splitEndpoint(f.endpoint);
    const documented = new Set(f.params.map((p) => p.name));
    it(`${f.endpoint}: method, path and parameter names of § ${f.docs.heading}`, async () => {
      const { sent } = await requestOf(f);
      expect(sent.method).toBe(method);
      expect(sent.path).toBe(path);
      expect(new URL(sent.req.url).origin).toBe(BASE_URL);
      const names = sent.names.filter((n) => n !== "signature");
      for (const n of names)
        expect(documented.has(n), `"${n}" is not in the docs' parameter table`).toBe(true);
      for (const p of f.params.filter((x) => x.mandatory))
        expect(names, `mandatory "${p.name}" missing`).toContain(p.name);
      expect(new Set(sent.names).size, "no parameter twice").toBe(sent.names.length);
      // Parameters in the query string, no body (§ General Information on Endpoints allows either; we sign
      // the query, so a body would have to be signed too).
      expect(sent.body).toBe("");
      if (isSigned(f)) expectSignedAsDocumented(sent);
      else {
        expect(sent.names).not.toContain("signature");
        expect(sent.names).not.toContain("timestamp");
      }
    });
  }

  it("signed calls sync with GET /api/v3/time first, unsigned and without the key", async () => {
    const { all } = await requestOf(fixtures.find((f) => f.id === "account")!);
    const sync = all.filter((r) => r.path === "/api/v3/time");
    expect(sync.length).toBeGreaterThan(0);
    for (const r of sync) {
      expect(r.names).toEqual([]);
      expect(r.header(signing.headers.apiKey)).toBeUndefined();
    }
  });

  it("POST /api/v3/order sends the docs' request example: symbol, side, type, quantity, price as given", async () => {
    const f = fixtures.find((x) => x.id === "new-order")!;
    const { sent } = await requestOf(f);
    const q = f.request!;
    for (const k of ["symbol", "side", "type", "quantity", "price"]) expect(sent.params.get(k), k).toBe(q[k]);
    expect(sent.params.get("newClientOrderId")).toBe(CLIENT_ORDER_ID);
    expect(sent.names).not.toContain("quoteOrderQty");
  });

  it("POST /api/v3/order/test takes exactly the parameters of POST /api/v3/order (§ Test New Order)", async () => {
    const order = await requestOf(fixtures.find((x) => x.id === "new-order")!);
    const test = await requestOf(fixtures.find((x) => x.id === "test-order")!);
    expect(test.sent.names).toEqual(order.sent.names);
    expect(test.sent.query).toBe(order.sent.query);
  });

  it("a MARKET buy sends quoteOrderQty and neither quantity nor price (§ New Order, Other info)", async () => {
    const { exchange, client } = contractClient();
    exchange.answer("POST /api/v3/order/test", "{}");
    await client.testOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("10.5"),
      clientOrderId: CLIENT_ORDER_ID,
    });
    const [sent] = exchange.to("POST", "/api/v3/order/test");
    expect(sent!.params.get("quoteOrderQty")).toBe("10.5");
    expect(sent!.names).not.toContain("quantity");
    expect(sent!.names).not.toContain("price");
  });

  it("GET /api/v3/exchangeInfo: the three documented options (none, symbol, symbols=A,B)", async () => {
    const { exchange, client } = contractClient();
    const f = fixtures.find((x) => x.id === "exchange-info")!;
    exchange.answer(f.endpoint, bodyText(f.responses[0]!));
    await client.exchangeInfo();
    await client.exchangeInfo("MXUSDT");
    await client.exchangeInfo(["MXUSDT", "BTCUSDT"]);
    const [none, one, two] = exchange.to("GET", "/api/v3/exchangeInfo");
    expect(none!.names).toEqual([]);
    expect(one!.params.get("symbol")).toBe("MXUSDT");
    expect(two!.params.get("symbols")).toBe("MXUSDT,BTCUSDT");
  });

  it("tickers without a symbol send no parameter at all (§ 24hr Ticker, Symbol Price Ticker, Book Ticker)", async () => {
    const { exchange, client } = contractClient();
    for (const p of ["24hr", "price", "bookTicker"]) exchange.answer(`GET /api/v3/ticker/${p}`, "[]");
    await client.ticker24hrAll();
    await client.tickerPriceAll();
    await client.bookTickerAll();
    expect(exchange.requests.map((r) => [r.path, r.query])).toEqual([
      ["/api/v3/ticker/24hr", ""],
      ["/api/v3/ticker/price", ""],
      ["/api/v3/ticker/bookTicker", ""],
    ]);
  });

  it("GET and DELETE /api/v3/order by client id use origClientOrderId (§ Query Order, Cancel Order)", async () => {
    const { exchange, client } = contractClient();
    const q = fixtures.find((x) => x.id === "query-order")!;
    const c = fixtures.find((x) => x.id === "cancel-order")!;
    exchange.answer(q.endpoint, bodyText(q.responses[0]!)).answer(c.endpoint, bodyText(c.responses[0]!));
    await client.getOrder({ symbol: "LTCBTC", clientOrderId: "myOrder1" });
    await client.cancelOrder({ symbol: "LTCBTC", clientOrderId: "myOrder1" });
    for (const r of [...exchange.to("GET", "/api/v3/order"), ...exchange.to("DELETE", "/api/v3/order")]) {
      expect(r.params.get("origClientOrderId")).toBe("myOrder1");
      expect(r.names).not.toContain("orderId");
      expectSignedAsDocumented(r);
    }
  });

  it("the client's enums are the docs' (§ ENUM definitions)", () => {
    expect([...ORDER_TYPES].sort()).toEqual([...enums.orderType].sort());
    expect([...ORDER_STATUSES].sort()).toEqual([...enums.orderStatus].sort());
    expect([...KLINE_INTERVALS]).toEqual([...enums.klineInterval]);
  });
});

describe("signing as MEXC documents it (§ SIGNED Endpoint Examples for POST /api/v3/order)", () => {
  const v = signing.vector;

  it("the docs' test vector: HMAC-SHA256 of totalParams with the secretKey, lowercase hex", () => {
    expect(sign(v.secretKey, v.totalParams)).toBe(v.signature);
    expect(hmac(v.secretKey, v.totalParams)).toBe(v.signature);
    // Example 1 prints another signature for the same text: it is not its HMAC (the docs' own mistake).
    expect(sign(v.secretKey, v.totalParams)).not.toBe(v.example1Signature);
  });

  it("mixed query string and body: concatenated without '&' (Example 3)", () => {
    expect(sign(v.secretKey, v.mixed.queryString, v.mixed.requestBody)).toBe(v.mixed.signature);
  });

  it("the client builds the vector's text for the vector's order and signs exactly the bytes it sends", async () => {
    const { exchange, client } = contractClient({ apiKey: v.apiKey, apiSecret: v.secretKey });
    exchange.answer("POST /api/v3/order/test", "{}");
    await client.testOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: new D("1"),
      price: new D("11"),
      clientOrderId: CLIENT_ORDER_ID,
    });
    const [sent] = exchange.to("POST", "/api/v3/order/test");
    const cut = sent!.query.lastIndexOf("&signature=");
    const signed = sent!.query.slice(0, cut);
    // The docs' totalParams, with the client id and the self-trade mode every order of ours carries added before
    // recvWindow.
    expect(
      signed.replace(`&newClientOrderId=${CLIENT_ORDER_ID}`, "").replace("&stpMode=cancel_taker", ""),
    ).toBe(v.totalParams);
    expect(sent!.query.slice(cut + "&signature=".length)).toBe(hmac(v.secretKey, signed + sent!.body));
    expect(sent!.header(signing.headers.apiKey)).toBe(v.apiKey);
  });
});

describe("on the wire: the client's real HTTP transport against a loopback server", () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer();
  });
  afterAll(async () => {
    await server.close();
  });

  for (const f of fixtures) {
    it(`${f.endpoint}: the bytes MEXC receives are the bytes the client signed`, async () => {
      const client = wireClient(server.url);
      try {
        const sample = f.responses.find((r) => !r.knownGap)!;
        server.answer(f.endpoint, bodyText(sample));
        server.requests.length = 0;
        await calls[f.id]!.invoke(client, sample);
        const [method, path] = splitEndpoint(f.endpoint);
        const sent = server.to(method, path);
        expect(sent).toHaveLength(1);
        const r = sent[0]!;
        expect(r.body).toBe("");
        const documented = new Set([...f.params.map((p) => p.name), "signature"]);
        const names =
          r.query === "" ? [] : r.query.split("&").map((p) => decodeURIComponent(p.split("=")[0]!));
        for (const n of names)
          expect(documented.has(n), `"${n}" is not in the docs' parameter table`).toBe(true);
        if (!isSigned(f)) {
          expect(names).not.toContain("signature");
          return;
        }
        expect(r.headers["x-mexc-apikey"]).toBe(API_KEY);
        const cut = r.query.lastIndexOf("&signature=");
        expect(r.query.slice(cut + "&signature=".length)).toBe(
          hmac(API_SECRET, r.query.slice(0, cut) + r.body),
        );
      } finally {
        client.close();
      }
    });
  }
});
