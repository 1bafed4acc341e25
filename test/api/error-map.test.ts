import { describe, expect, it } from "vitest";
import {
  classifyHttp,
  classifyNetwork,
  looksLikeErrorOnly,
  readMexcError,
  retryAfterMs,
} from "../../src/api/error-map.js";
import { ApiError, type ApiErrorKind } from "../../src/api/errors.js";

const endpoint = "POST /api/v3/order";
const http = (status: number, code?: number, msg?: string, mayHavePlacedOrder = false) =>
  new ApiError(
    classifyHttp({
      endpoint,
      status,
      ...(code !== undefined ? { code } : {}),
      ...(msg !== undefined ? { msg } : {}),
      mayHavePlacedOrder,
      clientOrderId: "bot-01",
    }),
  );

describe("error mapping", () => {
  it.each([
    [400, 700003, "clock"],
    [400, 700005, "clock"],
    [400, 10101, "insufficient-funds"],
    [400, 30005, "insufficient-funds"],
    [400, 30004, "insufficient-funds"],
    [400, 30002, "invalid-order"],
    [400, 10096, "invalid-order"],
    // 30018 was "invalid-order"; it now has its own kind so a bot can fall back to a LIMIT order.
    [400, 30018, "market-order-disabled"],
    [400, 30019, "market-order-disabled"],
    [400, 30051, "market-order-disabled"],
    [400, 30000, "symbol-suspended"],
    [400, 30016, "symbol-suspended"],
    [400, 700013, "client-bug"],
    [400, 700004, "client-bug"],
    [400, 700008, "client-bug"],
    [400, 700002, "auth"],
    [400, 700006, "auth"],
    [401, 10072, "auth"],
    [400, 10007, "bad-symbol"],
    [400, -1121, "bad-symbol"],
    [400, -2011, "unknown-order"],
    [400, -2013, "unknown-order"],
    [400, 510, "rate-limited"],
    [429, 429, "rate-limited"],
    [418, undefined, "banned"],
    [400, 11444, "unavailable"],
    [400, 33333, "rejected"],
    [403, undefined, "rejected"],
  ] as [number, number | undefined, ApiErrorKind][])("HTTP %i code %s → %s", (status, code, kind) => {
    expect(http(status, code, "x").kind).toBe(kind);
  });

  it("tells the user what to do about a missing IP whitelist entry", () => {
    const e = http(400, 700006, "IP [1.2.3.4] not in the ip white list");
    expect(e.message).toContain(
      "This server's IP is not on the API key's whitelist: add it in MEXC → API Management",
    );
    expect(e.message).toContain("POST /api/v3/order failed (auth, code 700006, HTTP 400");
  });

  it("reads MEXC's ambiguous code 400 by its message", () => {
    expect(http(400, 400, "api key required").kind).toBe("auth");
    expect(http(400, 400, " quantity scale is invalid").kind).toBe("invalid-order");
  });

  it("never hides an unknown outcome of an order: any 5xx, including -1003 in a 503", () => {
    for (const [status, code] of [
      [500, undefined],
      [502, undefined],
      [503, -1003],
      [504, 504],
    ] as const) {
      const e = http(status, code, "busy", true);
      expect(e.kind).toBe("unknown-outcome");
      expect(e.clientOrderId).toBe("bot-01");
      expect(e.message).toMatch(/do NOT resend.*bot-01/);
    }
    expect(http(503, -1003, "busy", false).kind).toBe("unavailable");
  });

  it("takes for a no only what MEXC itself refused: a gateway's page, MEXC's own trouble or a duplicate are looked up", () => {
    const order = (status: number, code?: number, msg?: string) => http(status, code, msg, true);
    for (const e of [
      order(408), // a gateway's timeout page, no MEXC code
      order(400),
      order(404),
      order(200, 503, "service unavailable"),
      order(400, 11444, "busy"),
      order(400, -2010, "Duplicate order sent."),
    ]) {
      expect(e.kind).toBe("unknown-outcome");
      expect(e.message).toMatch(/do NOT resend.*bot-01/);
    }
    // MEXC's own refusals stay refusals; a WAF's 403 and a 401 come before the order is read.
    expect(order(400, 30004, "insufficient").kind).toBe("insufficient-funds");
    expect(order(400, 33333, "x").kind).toBe("rejected");
    expect(order(403).kind).toBe("rejected");
    expect(order(401).kind).toBe("auth");
    expect(order(429, 429).kind).toBe("rate-limited");
    // Any other endpoint: as before.
    expect(http(408).kind).toBe("rejected");
    expect(http(200, 503, "service unavailable").kind).toBe("unavailable");
    expect(http(400, -2010, "Duplicate order sent.").kind).toBe("rejected");
  });

  it("turns a lost answer into unknown-outcome for orders, but not when the request never left", () => {
    const cause = { code: "ECONNRESET", message: "socket hang up" };
    const lost = new ApiError(
      classifyNetwork({
        endpoint,
        cause,
        mayHaveReachedServer: true,
        mayHavePlacedOrder: true,
        clientOrderId: "c1",
      }),
    );
    expect(lost.kind).toBe("unknown-outcome");
    expect(lost.cause).toEqual(cause);
    const refused = new ApiError(
      classifyNetwork({
        endpoint,
        cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED" },
        mayHaveReachedServer: false,
        mayHavePlacedOrder: true,
        clientOrderId: "c1",
      }),
    );
    expect(refused.kind).toBe("network");
    expect(refused.transient).toBe(true);
  });

  it("serializes to a small safe object", () => {
    const e = http(400, 10101, "Insufficient balance");
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      name: "ApiError",
      kind: "insufficient-funds",
      code: 10101,
      status: 400,
      endpoint,
      clientOrderId: "bot-01",
    });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });

  it.each([
    [700013, "Invalid content Type.", /Content-Type: application\/json.*Not retried/],
    [
      700004,
      "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null",
      /signature.*Not retried/,
    ],
    [30051, "api market order is disabled", /place a LIMIT order instead/],
    [30019, "api market order is disabled", /place a LIMIT order instead/],
    [30018, "market order is disabled", /place a LIMIT order instead/],
    [30000, "suspended transaction for the symbol", /suspended: nothing was placed; skip it/],
    [-1121, "Invalid symbol.", /misspelt, renamed or delisted/],
  ])("code %i tells the user what to do", (code, msg, advice) => {
    const e = http(400, code, msg);
    expect(e.message).toMatch(advice);
    expect(e.message).toContain(msg.replace(/\.$/, ""));
    expect(e.transient).toBe(false);
  });

  it("reads maintenance answers that say `message` instead of `msg`, with any HTTP status", () => {
    for (const status of [200, 400, 403, 404]) {
      const body = { code: 503, message: "System maintenance, please try again later" };
      const read = readMexcError(body);
      expect(read).toEqual({ code: 503, msg: body.message });
      const e = http(status, read?.code, read?.msg);
      expect([status, e.kind, e.transient]).toEqual([status, "unavailable", true]);
      expect(e.message).toContain("System maintenance");
    }
    // No code at all: the words say it.
    const textOnly = readMexcError({ message: "The system is under maintenance" });
    expect(http(403, textOnly?.code, textOnly?.msg).kind).toBe("unavailable");
    expect(looksLikeErrorOnly({ message: "The system is under maintenance", success: false })).toBe(true);
    expect(looksLikeErrorOnly({ code: 503, message: "busy" })).toBe(true);
    // An order's 5xx stays an unknown outcome, maintenance text or not.
    expect(http(503, 503, "System maintenance", true).kind).toBe("unknown-outcome");
  });

  it("recognizes an error sent with HTTP 200, but not MEXC's {code: 0/200, data}", () => {
    expect(looksLikeErrorOnly({ code: 10007, msg: "bad symbol" })).toBe(true);
    expect(looksLikeErrorOnly({ code: 200, data: ["BTCUSDT"], msg: null })).toBe(false);
    expect(looksLikeErrorOnly({ code: 0, data: { makerCommission: 0 }, msg: "success", timestamp: 1 })).toBe(
      false,
    );
  });
});
