import { SimError } from "./errors.js";

/**
 * MEXC's header table (docs "General Info" → "Header") lists `Content-Type: application/json`, and since
 * 2024-02-22 MEXC refuses POST, PUT and DELETE sent with any other type, form-urlencoded included (MEXC
 * announcement 17827791513387, as quoted in hummingbot PR #6871; hummingbot #6867/#6875; mexcdevelop/mexc-api-sdk
 * #68 shows the answer `{"code":700013,"msg":"Invalid content Type."}`). The real HTTP status is not reported;
 * 400 is what MEXC uses for its other parameter errors. A charset parameter is fine (media types ignore it).
 */
const GUARDED_METHODS = new Set(["POST", "PUT", "DELETE"]);

export function invalidContentType(): SimError {
  return new SimError(400, 700013, "Invalid content Type.");
}

/** The media type of a Content-Type header, lowercased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Throws 700013 when a POST/PUT/DELETE to /api/v3/* does not say application/json. */
export function checkContentType(method: string, path: string, header: string | undefined): void {
  if (!GUARDED_METHODS.has(method) || !path.startsWith("/api/v3/")) return;
  if (mediaType(header) !== "application/json") throw invalidContentType();
}
