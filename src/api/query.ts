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
  // Nearly every key and value (symbols, intervals, numbers, ids) is made of unreserved characters only.
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** RFC 3986 unreserved characters: the ones both encodeURIComponent and the replace above leave as they are. */
const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;

/** `a=1&b=x%20y`; pairs whose value is undefined are left out. */
export function buildQuery(params: QueryParams): string {
  // Indexed, not for…of with destructuring: every request passes here, and cold code pays per step it takes.
  let out = "";
  for (let i = 0; i < params.length; i++) {
    const pair = params[i]!;
    const value = pair[1];
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RangeError(`query parameter ${pair[0]} is not a finite number`);
    }
    // Never an empty part ("key=" at least), so "&" goes between parts exactly as join("&") put it.
    if (out !== "") out += "&";
    out += `${escapeComponent(pair[0])}=${escapeComponent(String(value))}`;
  }
  return out;
}

/**
 * `recvWindow=…&timestamp=…`, the pairs every signed request ends with, exactly as buildQuery writes them: a safe
 * integer prints as plain digits (no exponent, nothing to escape); anything else goes through buildQuery itself.
 */
export function signedTail(recvWindow: number, timestamp: number): string {
  if (Number.isSafeInteger(recvWindow) && Number.isSafeInteger(timestamp)) {
    return `recvWindow=${recvWindow}&timestamp=${timestamp}`;
  }
  return buildQuery([
    ["recvWindow", recvWindow],
    ["timestamp", timestamp],
  ]);
}
