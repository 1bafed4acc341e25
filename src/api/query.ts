/**
 * Builds query strings ourselves instead of handing an HTTP library a `params` object: axios' serializer (the
 * client's transport until issue 15) re-encodes and re-orders, and MEXC verifies the HMAC over the bytes it
 * receives. What we sign must be exactly what we send; the transport passes the URL on as it is.
 */

export type QueryValue = string | number | boolean | undefined;
/** Ordered pairs: the order of parameters is the order on the wire (and in the signed text). */
export type QueryParams = ReadonlyArray<readonly [string, QueryValue]>;

/**
 * RFC 3986 escaping with uppercase hex, as MEXC asks. `encodeURIComponent` already emits uppercase hex but leaves
 * `!'()*` alone; we escape those too so no proxy or server normalisation can change the signed bytes.
 */
export function escapeComponent(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `a=1&b=x%20y`; pairs whose value is undefined are left out. */
export function buildQuery(params: QueryParams): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RangeError(`query parameter ${key} is not a finite number`);
    }
    parts.push(`${escapeComponent(key)}=${escapeComponent(String(value))}`);
  }
  return parts.join("&");
}
