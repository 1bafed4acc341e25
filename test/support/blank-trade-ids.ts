import type { HttpRequest, HttpResponse, Transport } from "../../src/api/index.js";

/**
 * A transport that answers GET /api/v3/myTrades as MEXC's documentation shows it: `"clientOrderId": null` in
 * every row (spot v3 docs, "Account Trade List", sample response). That is the exchange's documented answer,
 * not a shape of ours; the simulator itself names the client id. Everything else passes untouched.
 * `blank` may also give `""` (what real answers carry elsewhere: reference/mexc-spot-api.md).
 */
export function blankTradeClientIds(inner: Transport, blank: () => "null" | '""' = () => "null"): Transport {
  const transport: Transport = {
    async send(req: HttpRequest): Promise<HttpResponse> {
      const res = await inner.send(req);
      if (res.status !== 200 || new URL(req.url).pathname !== "/api/v3/myTrades") return res;
      // By text, not JSON.parse/stringify: the rest of the body must reach the client byte for byte.
      const body = res.body.replace(
        /"clientOrderId":\s*(?:"[^"]*"|null)/g,
        () => `"clientOrderId":${blank()}`,
      );
      return { ...res, body };
    },
  };
  if (inner.close) transport.close = () => inner.close?.();
  return transport;
}
