import { type Charge, chargesFor, type EndpointSpec, endpointKey } from "./weights.js";

/**
 * The headers of one request. Every parameter and the signature travel in the query string and the body stays
 * empty, yet MEXC wants `Content-Type: application/json` on POST, PUT and DELETE (docs "General Info → Header").
 * Since early 2024 a POST labelled `application/x-www-form-urlencoded` (axios's default when none is given) is
 * refused with 700013 "Invalid content Type." (mexcdevelop/mexc-api-sdk #68; hummingbot #6867, #6875). GETs carry
 * no content type: they have no body, and the public ones are sent exactly as before.
 */
export function wireHeaders(spec: EndpointSpec, apiKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (spec.signed && apiKey !== undefined) headers["X-MEXC-APIKEY"] = apiKey;
  if (spec.method !== "GET") headers["Content-Type"] = "application/json";
  return headers;
}

/** What every request to one endpoint shares, worked out at its first: built per request, it was most of the work. */
export interface EndpointFacts {
  /** endpointKey: the name in errors, logs and limiter buckets. */
  readonly key: string;
  readonly charges: readonly Charge[];
  /** The charges of a call without a symbol (`allSymbols`). */
  readonly chargesAll: readonly Charge[];
  /** Frozen: every request to the endpoint hands the transport this same object. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The facts of `spec` for a client holding `apiKey` (the runner keeps them per endpoint, out of sight: see there). */
export function endpointFacts(spec: EndpointSpec, apiKey: string | undefined): EndpointFacts {
  return {
    key: endpointKey(spec),
    charges: chargesFor(spec, false),
    chargesAll: chargesFor(spec, true),
    headers: Object.freeze(wireHeaders(spec, apiKey)),
  };
}
