import { type Dec, parseDecimal } from "./decimal.js";
import { Errors } from "./errors.js";

/** Splits a raw form string into decoded pairs, keeping the first value of a repeated key. */
export function parseForm(raw: string, into = new Map<string, string>()): Map<string, string> {
  if (raw === "") return into;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decoded(rawKey);
      value = decoded(rawValue);
    } catch {
      throw Errors.illegal(rawKey);
    }
    if (!into.has(key)) into.set(key, value);
  }
  return into;
}

/**
 * Form decoding of one key or value: '+' is a space, then percent-decoding (which throws on a bad escape). Most
 * parameters (symbols, numbers, signatures) hold neither, and are their own decoding.
 */
function decoded(raw: string): string {
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  return decodeURIComponent(raw.replace(/\+/g, " "));
}

export function isJsonBody(body: string, contentType: string | undefined): boolean {
  return (contentType ?? "").includes("json") || body.trimStart().startsWith("{");
}

/**
 * Request parameters from the query string and the body (form or JSON); as on MEXC, a parameter present in
 * both is taken from the query string.
 */
export class Params {
  private constructor(private readonly map: Map<string, string>) {}

  static from(query: string, body: string, contentType: string | undefined): Params {
    const map = parseForm(query);
    if (body !== "") {
      if (isJsonBody(body, contentType)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw Errors.paramError("request body is not valid JSON");
        }
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
          for (const [k, v] of Object.entries(parsed)) {
            if (!map.has(k) && v !== null && v !== undefined) map.set(k, String(v));
          }
        }
      } else {
        for (const [k, v] of parseForm(body)) if (!map.has(k)) map.set(k, v);
      }
    }
    return new Params(map);
  }

  /** A parameter's value; empty counts as absent, as MEXC's "was empty/null" says. */
  get(name: string): string | undefined {
    const v = this.map.get(name);
    return v === undefined || v === "" ? undefined : v;
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw Errors.mandatory(name);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,16}$/.test(v)) throw Errors.illegal(name);
    return Number(v);
  }

  decimal(name: string): Dec | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const d = parseDecimal(v);
    if (!d) throw Errors.illegal(name);
    return d;
  }

  /** `limit` clamped to MEXC's maximum, as MEXC does rather than failing. */
  limit(def: number, max: number): number {
    const v = this.int("limit");
    if (v === undefined) return def;
    if (v <= 0) throw Errors.illegal("limit");
    return Math.min(v, max);
  }
}
