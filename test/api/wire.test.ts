import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { D, MexcClient } from "../../src/api/index.js";
import { cannedTransport, timeAsString } from "./canned-transport.js";

/**
 * What the client really puts on the wire, seen by a plain node:http server (no simulator, no framework that
 * could normalise headers): the raw header lines and the raw body bytes of every request, through the client's
 * real transport (NodeHttpTransport).
 *
 * MEXC's rule (docs "General Info → Header": `Content-Type: application/json`; since early 2024 a POST sent as
 * axios's default `application/x-www-form-urlencoded` is answered `{"code":700013,"msg":"Invalid content Type."}`,
 * mexcdevelop/mexc-api-sdk #68, hummingbot #6867/#6875): signed POST and DELETE carry every parameter and the
 * signature in the query string, an empty body, and `Content-Type: application/json`.
 */

const KEY = "wire-test-key";
const SECRET = "wire-test-secret";

interface Seen {
  method: string;
  url: string;
  /** Header name (lower case) → every value sent under it, in order. */
  headers: Map<string, string[]>;
  body: Buffer;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];

/** MEXC's documented answers (docs "New Order", "Cancel Order"); the short real-world forms are tested elsewhere. */
function answer(method: string, path: string): { status: number; body: string } {
  if (path === "/api/v3/time") return { status: 200, body: `{"serverTime":"${Date.now()}"}` };
  if (path === "/api/v3/ticker/price")
    return { status: 200, body: '{"symbol":"BTCUSDT","price":"70000.01"}' };
  if (method === "POST" && path === "/api/v3/order") {
    return {
      status: 200,
      body: '{"symbol":"BTCUSDT","orderId":"C02__443776347957968896","orderListId":-1,"price":"50000","origQty":"0.0001","type":"LIMIT","side":"BUY","transactTime":1666676533741}',
    };
  }
  if (method === "DELETE" && path === "/api/v3/order") {
    return {
      status: 200,
      body: '{"symbol":"BTCUSDT","origClientOrderId":"wire-01_a.b","orderId":"C02__443776347957968896","clientOrderId":"wire-01_a.b","price":"50000","origQty":"0.0001","executedQty":"0","cummulativeQuoteQty":"0","status":"CANCELED","timeInForce":"GTC","type":"LIMIT","side":"BUY"}',
    };
  }
  if (method === "GET" && path === "/api/v3/openOrders") return { status: 200, body: "[]" };
  return { status: 404, body: '{"code":404,"msg":"not found"}' };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Map<string, string[]>();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!.toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), req.rawHeaders[i + 1]!]);
      }
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers, body: Buffer.concat(chunks) });
      const a = answer(req.method ?? "", new URL(req.url ?? "/", "http://x").pathname);
      res.writeHead(a.status, { "content-type": "application/json" }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
});

function client(): MexcClient {
  // checkRules off: this server knows no exchangeInfo; the point is the bytes, not the rules.
  return new MexcClient({
    baseUrl: base,
    apiKey: KEY,
    apiSecret: SECRET,
    checkRules: false,
    timeoutMs: 2000,
  });
}

function only(method: string, path: string): Seen {
  const hits = seen.filter((s) => s.method === method && s.url.split("?")[0] === path);
  expect(hits, `${method} ${path} requests`).toHaveLength(1);
  return hits[0]!;
}

/** The signature covers exactly the query before `&signature=`, and nothing else (the body is empty). */
function expectSignedQuery(s: Seen): URLSearchParams {
  const query = s.url.slice(s.url.indexOf("?") + 1);
  const at = query.lastIndexOf("&signature=");
  expect(at).toBeGreaterThan(0);
  const signed = query.slice(0, at);
  const signature = query.slice(at + "&signature=".length);
  expect(signature).toBe(createHmac("sha256", SECRET).update(signed).digest("hex"));
  return new URLSearchParams(query);
}

function expectJsonEmptyBody(s: Seen): void {
  expect(s.headers.get("content-type"), `${s.method} content-type`).toEqual(["application/json"]);
  expect(s.body.length, `${s.method} body bytes`).toBe(0);
  const length = s.headers.get("content-length");
  if (length !== undefined) expect(length).toEqual(["0"]);
  expect(s.headers.get("x-mexc-apikey")).toEqual([KEY]);
}

describe("signed POST and DELETE: parameters and signature in the query, empty body, JSON content type", () => {
  it("POST /api/v3/order", async () => {
    const c = client();
    try {
      const ack = await c.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: new D("0.00010000"),
        price: new D("50000"),
        clientOrderId: "wire-01_a.b",
      });
      expect(ack.orderId).toBe("C02__443776347957968896");
    } finally {
      c.close();
    }
    const post = only("POST", "/api/v3/order");
    expectJsonEmptyBody(post);
    const q = expectSignedQuery(post);
    expect([q.get("symbol"), q.get("side"), q.get("type"), q.get("quantity"), q.get("price")]).toEqual([
      "BTCUSDT",
      "BUY",
      "LIMIT",
      "0.0001",
      "50000",
    ]);
    expect(q.get("newClientOrderId")).toBe("wire-01_a.b");
    expect(q.get("timestamp")).toMatch(/^\d{13}$/);
    expect(q.get("recvWindow")).toBe("5000");
  });

  it("DELETE /api/v3/order", async () => {
    const c = client();
    try {
      await c.cancelOrder({ symbol: "BTCUSDT", clientOrderId: "wire-01_a.b" });
    } finally {
      c.close();
    }
    const del = only("DELETE", "/api/v3/order");
    expectJsonEmptyBody(del);
    expect(expectSignedQuery(del).get("origClientOrderId")).toBe("wire-01_a.b");
  });

  it("GETs are unchanged: no content type, no body; the API key only on signed ones", async () => {
    const c = client();
    try {
      await c.tickerPrice("BTCUSDT");
      await c.openOrders("BTCUSDT");
    } finally {
      c.close();
    }
    for (const s of seen) {
      expect(s.method).toBe("GET");
      expect(s.headers.has("content-type"), `${s.url} content-type`).toBe(false);
      expect(s.body.length).toBe(0);
    }
    expect(only("GET", "/api/v3/ticker/price").headers.has("x-mexc-apikey")).toBe(false);
    const signed = only("GET", "/api/v3/openOrders");
    expect(signed.headers.get("x-mexc-apikey")).toEqual([KEY]);
    expectSignedQuery(signed);
  });
});

describe("every transport is handed the same headers (the in-process one included)", () => {
  it("Content-Type on POST and DELETE only; the API key on signed calls only", async () => {
    const transport = cannedTransport({
      "GET /api/v3/time": timeAsString(),
      "GET /api/v3/ticker/price": { body: '{"symbol":"BTCUSDT","price":"1"}' },
      "POST /api/v3/order": { body: '{"symbol":"BTCUSDT","orderId":"1","orderListId":-1}' },
      "DELETE /api/v3/order": { body: '{"symbol":"BTCUSDT","orderId":"1"}' },
    });
    const c = new MexcClient({
      baseUrl: "http://canned.mexc",
      apiKey: KEY,
      apiSecret: SECRET,
      checkRules: false,
      transport,
    });
    await c.tickerPrice("BTCUSDT");
    await c.newOrder({
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: new D("1"),
      clientOrderId: "w-2",
    });
    await c.cancelOrder({ symbol: "BTCUSDT", orderId: "1" });
    expect(transport.sent.map((r) => [`${r.method} ${new URL(r.url).pathname}`, r.headers])).toEqual([
      ["GET /api/v3/ticker/price", {}],
      ["GET /api/v3/time", {}],
      ["POST /api/v3/order", { "X-MEXC-APIKEY": KEY, "Content-Type": "application/json" }],
      ["DELETE /api/v3/order", { "X-MEXC-APIKEY": KEY, "Content-Type": "application/json" }],
    ]);
  });
});
