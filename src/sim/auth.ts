import { createHmac, timingSafeEqual } from "node:crypto";
import { Errors } from "./errors.js";
import { isJsonBody, type Params } from "./params.js";

export const MAX_RECV_WINDOW = 60_000;
const DEFAULT_RECV_WINDOW = 5_000;

/** Lowercase hex HMAC-SHA256 of the message, as MEXC signs totalParams. */
export function sign(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

/**
 * Removes the `signature=` pair from a raw form string without touching any other byte, so the remaining text
 * is exactly what the client signed (MEXC verifies the bytes sent, not a re-serialisation).
 */
export function stripSignature(raw: string): { rest: string; signature: string | undefined } {
  if (raw === "") return { rest: raw, signature: undefined };
  let signature: string | undefined;
  const kept: string[] = [];
  for (const part of raw.split("&")) {
    if (signature === undefined && part.startsWith("signature=")) signature = part.slice("signature=".length);
    else kept.push(part);
  }
  return { rest: signature === undefined ? raw : kept.join("&"), signature };
}

export interface AuthInput {
  query: string;
  body: string;
  contentType: string | undefined;
  apiKeyHeader: string | undefined;
}

/**
 * Checks key, signature and the timestamp/recvWindow rule (MEXC: accept only if timestamp < serverTime + 1000
 * and serverTime - timestamp <= recvWindow). Returns the API key on success, throws the MEXC error otherwise.
 */
export function authenticate(
  input: AuthInput,
  params: Params,
  secretOf: (apiKey: string) => string | undefined,
  serverTime: number,
): string {
  const key = input.apiKeyHeader;
  if (key === undefined || key.trim() === "") throw Errors.apiKeyRequired();
  if (!/^[\x21-\x7e]+$/.test(key)) throw Errors.apiKeyFormat();
  const secret = secretOf(key);
  if (secret === undefined) throw Errors.apiKeyInvalid();

  const q = stripSignature(input.query);
  const jsonBody = isJsonBody(input.body, input.contentType);
  const b = jsonBody ? { rest: input.body, signature: undefined } : stripSignature(input.body);
  const signature = q.signature ?? b.signature;
  if (signature === undefined || signature === "") throw Errors.mandatory("signature");
  const expected = sign(secret, q.rest + b.rest);
  // Lowercase only, as MEXC documents; timing-safe so the simulator is no worse than the real thing.
  if (
    signature.length !== expected.length ||
    !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  ) {
    throw Errors.badSignature();
  }

  const rawTs = params.get("timestamp");
  if (rawTs === undefined) throw Errors.mandatory("timestamp");
  if (!/^\d{1,16}$/.test(rawTs)) throw Errors.badTimestamp();
  const timestamp = Number(rawTs);
  const rawWindow = params.get("recvWindow");
  let recvWindow = DEFAULT_RECV_WINDOW;
  if (rawWindow !== undefined) {
    if (!/^\d{1,16}$/.test(rawWindow)) throw Errors.illegal("recvWindow");
    recvWindow = Number(rawWindow);
    if (recvWindow > MAX_RECV_WINDOW) throw Errors.recvWindowTooLarge();
  }
  if (!(timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow))
    throw Errors.outsideRecvWindow();
  return key;
}
