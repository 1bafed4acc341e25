import { describe, expect, it } from "vitest";
import { type Alert, ApiError, D, MexcClient } from "../../src/api/index.js";
import { type Canned, cannedTransport, timeAsString } from "./canned-transport.js";
import { rejection } from "./sim-helpers.js";

/** MEXC's refusals through the whole client (runner, retries, alerts), from a canned transport. */

function clientWith(table: Record<string, Canned>) {
  const transport = cannedTransport({ "GET /api/v3/time": timeAsString(), ...table });
  const client = new MexcClient({
    baseUrl: "http://canned.mexc",
    apiKey: "canned-api-key",
    apiSecret: "canned-api-secret",
    checkRules: false,
    transport,
    retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 },
  });
  const alerts: Alert[] = [];
  client.onAlert((a) => alerts.push(a));
  const sentTo = (key: string) =>
    transport.sent.filter((r) => `${r.method} ${new URL(r.url).pathname}` === key).length;
  return { client, alerts, sentTo };
}

const buy = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "MARKET",
  quoteOrderQty: new D("10"),
  clientOrderId: "scanner-01",
} as const;

describe("refusals MEXC sends", () => {
  it("700013 'Invalid content Type.': a client bug, alerted, never retried (orders and cancels)", async () => {
    const body = '{"code":700013,"msg":"Invalid content Type."}';
    const { client, alerts, sentTo } = clientWith({
      "POST /api/v3/order": { status: 400, body },
      "DELETE /api/v3/order": { status: 400, body },
    });
    const placed = await rejection(client.newOrder(buy));
    expect(placed).toBeInstanceOf(ApiError);
    expect(placed).toMatchObject({
      kind: "client-bug",
      code: 700013,
      status: 400,
      clientOrderId: "scanner-01",
    });
    expect((placed as ApiError).message).toContain("Content-Type: application/json");
    const cancelled = await rejection(client.cancelOrder({ symbol: "BTCUSDT", clientOrderId: "scanner-01" }));
    expect(cancelled).toMatchObject({ kind: "client-bug", code: 700013 });
    expect([sentTo("POST /api/v3/order"), sentTo("DELETE /api/v3/order")]).toEqual([1, 1]);
    expect(alerts.map((a) => a.kind)).toEqual(["client-bug", "client-bug"]);
  });

  it("30051 'api market order is disabled': its own kind, so a bot can place a LIMIT order instead", async () => {
    const { client, sentTo } = clientWith({
      "POST /api/v3/order": { status: 400, body: '{"msg":"api market order is disabled","code":30051}' },
    });
    const err = await rejection(client.newOrder(buy));
    expect(err).toMatchObject({ kind: "market-order-disabled", code: 30051 });
    expect((err as ApiError).message).toContain("place a LIMIT order instead");
    expect(sentTo("POST /api/v3/order")).toBe(1);
  });

  it("a maintenance answer with `message` (HTTP 403): unavailable, retried like any outage", async () => {
    const { client, sentTo } = clientWith({
      "GET /api/v3/ticker/price": {
        status: 403,
        body: '{"code":503,"message":"System maintenance, please try again later"}',
      },
    });
    const err = await rejection(client.tickerPrice("BTCUSDT"));
    expect(err).toMatchObject({ kind: "unavailable", status: 403, code: 503 });
    expect((err as ApiError).message).toContain("System maintenance");
    expect(sentTo("GET /api/v3/ticker/price")).toBe(3);
  });

  it("a maintenance text alone with HTTP 200 is an outage, not a malformed answer", async () => {
    const { client } = clientWith({
      "GET /api/v3/ticker/price": { body: '{"success":false,"message":"The system is under maintenance"}' },
    });
    expect(await rejection(client.tickerPrice("BTCUSDT"))).toMatchObject({
      kind: "unavailable",
      status: 200,
    });
  });
});
