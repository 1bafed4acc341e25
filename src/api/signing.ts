import { createHmac } from "node:crypto";

/**
 * MEXC's signature: lowercase hex HMAC-SHA256 keyed with the API secret over totalParams, which is the query
 * string immediately followed by the request body (no "&" between them). Callers pass the exact bytes they send.
 */
export function sign(secret: string, query: string, body = ""): string {
  return createHmac("sha256", secret)
    .update(query + body)
    .digest("hex");
}
