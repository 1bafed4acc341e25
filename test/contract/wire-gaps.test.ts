import { describe, expect, it } from "vitest";
import type { Order, OrderAck } from "../../src/api/index.js";
import { CLIENT_ORDER_ID, callsFor, contractClient, wireClient } from "./endpoints.js";
import { bodyText, describeSource, endpointFixtures, signingFixture, splitEndpoint } from "./fixtures.js";
import { startWireServer } from "./wire-server.js";

/**
 * MEXC's truth where the client used to be wrong (issue 12). These tests failed on the client before the wire fix
 * (no Content-Type on POST/DELETE; short answers read as unknown outcomes or bad responses) and guard it now.
 *
 * 1. Content-Type: the docs' § Header lists `Content-Type: application/json`; since early 2024 MEXC refuses a
 *    POST without it with 700013 "Invalid content Type." (mexcdevelop/mexc-api-sdk#68, hummingbot#6867/#6875).
 *    The client used to send no Content-Type at all. Parameters stay in the query string and the body stays empty.
 *    Checked on the wire (the client's real HTTP transport against a loopback server), so it holds wherever the
 *    fix sets the header.
 * 2. Short answers: samples marked `knownGap` in the fixtures (the short new-order acknowledgement
 *    {symbol, orderId, orderListId}; a cancel answer without executedQty/status). The client used to reject them:
 *    for a new order that becomes an "unknown outcome" although the order was placed and acknowledged.
 */

const fixtures = endpointFixtures();
const calls = callsFor(fixtures);
const { headers } = signingFixture();

describe("Content-Type: application/json on POST, PUT and DELETE (§ Header)", () => {
  const writes = fixtures.filter((f) => ["POST", "PUT", "DELETE"].includes(splitEndpoint(f.endpoint)[0]));

  it("applies to the client's order endpoints", () => {
    expect(writes.map((f) => f.endpoint).sort()).toEqual([
      "DELETE /api/v3/openOrders",
      "DELETE /api/v3/order",
      "POST /api/v3/order",
      "POST /api/v3/order/test",
    ]);
  });

  for (const f of writes) {
    it(`${f.endpoint} carries Content-Type: ${headers.contentType} on the wire, with an empty body`, async () => {
      // Judged on the wire (real HTTP transport, loopback server): what MEXC receives, wherever the client sets it.
      const server = await startWireServer();
      const client = wireClient(server.url);
      try {
        const sample = f.responses.find((r) => !r.knownGap)!;
        server.answer(f.endpoint, bodyText(sample));
        await calls[f.id]!.invoke(client, sample);
        const [method, path] = splitEndpoint(f.endpoint);
        const [sent] = server.to(method, path);
        expect(sent!.headers["content-type"]?.split(";")[0]?.trim()).toBe(headers.contentType);
        expect(sent!.body).toBe("");
      } finally {
        client.close();
        await server.close();
      }
    });
  }
});

describe("short answers MEXC sends", () => {
  const newOrder = fixtures.find((f) => f.id === "new-order")!;
  const shortAck = newOrder.responses.find((r) => r.knownGap)!;
  const cancel = fixtures.find((f) => f.id === "cancel-order")!;
  const shortCancel = cancel.responses.find((r) => r.knownGap)!;

  it(`POST /api/v3/order: the acknowledgement {symbol, orderId, orderListId} (${describeSource(shortAck.source)})`, async () => {
    const { exchange, client } = contractClient();
    exchange.answer(newOrder.endpoint, bodyText(shortAck));
    const ack = (await calls["new-order"]!.invoke(client, shortAck)) as OrderAck;
    expect(ack.symbol).toBe("BTCUSDT");
    expect(ack.orderId).toBe("1196315350023612316");
    expect(ack.clientOrderId).toBe(CLIENT_ORDER_ID);
    // Accepted once: nothing was resent.
    expect(exchange.to("POST", "/api/v3/order")).toHaveLength(1);
  });

  it(`DELETE /api/v3/order: a 200 without executedQty and status is a cancel taken (${describeSource(shortCancel.source)})`, async () => {
    const { exchange, client } = contractClient();
    exchange.answer(cancel.endpoint, bodyText(shortCancel));
    const answer = (await calls["cancel-order"]!.invoke(client, shortCancel)) as Pick<
      Order,
      "symbol" | "orderId"
    >;
    expect(answer.symbol).toBe("LTCBTC");
    expect(String(answer.orderId)).toBe("4");
  });
});
