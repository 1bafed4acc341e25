import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * MEXC's own material as data: one JSON file per endpoint under fixtures/, each naming where it comes from
 * (mexcdevelop/apidocs source/index.html.md and the heading it sits under, or a recorded answer another client
 * keeps as a test fixture). Nothing here is shaped to fit our client.
 */

export interface Source {
  readonly repo?: string;
  readonly path?: string;
  readonly commit?: string;
  readonly heading?: string;
  readonly entry?: string;
  readonly file?: string;
  readonly site?: string;
  readonly note?: string;
}

export interface DocumentedParam {
  readonly name: string;
  /** "Mandatory: YES" in the docs' parameter table. */
  readonly mandatory: boolean;
  /** Where a parameter is documented elsewhere than the endpoint's own heading (the newer docs site). */
  readonly source?: Source;
}

export interface SampleResponse {
  readonly name: string;
  readonly source: Source;
  /** Which form of the call answers it: one symbol or all symbols (tickers only). */
  readonly call?: "one" | "all";
  /** The answer as JSON, or `raw` when its exact bytes matter (bare JSON numbers, formatting). */
  readonly body?: unknown;
  readonly raw?: string;
  /** Set when today's client is known to misread this answer; such samples run in known-wire-gaps.test.ts. */
  readonly knownGap?: string;
}

export interface EndpointFixture {
  /** The file name without ".json": the key of its call in endpoints.ts. */
  readonly id: string;
  /** "GET /api/v3/depth", as the docs spell method and path. */
  readonly endpoint: string;
  readonly docs: Source;
  /** The docs' parameter table (signature is added by the signing rules, not listed there). */
  readonly params: readonly DocumentedParam[];
  /** The docs' request example, where they give one. */
  readonly request?: Readonly<Record<string, unknown>> & { readonly source: Source };
  readonly responses: readonly SampleResponse[];
}

export interface SigningFixture {
  readonly headers: { readonly apiKey: string; readonly contentType: string; readonly source: Source };
  readonly vector: {
    readonly source: Source;
    readonly apiKey: string;
    readonly secretKey: string;
    readonly totalParams: string;
    readonly signature: string;
    readonly example1Signature: string;
    readonly mixed: {
      readonly queryString: string;
      readonly requestBody: string;
      readonly signature: string;
    };
  };
}

export interface EnumsFixture {
  readonly source: Source;
  readonly orderSide: readonly string[];
  readonly orderType: readonly string[];
  readonly orderStatus: readonly string[];
  readonly klineInterval: readonly string[];
}

const DIR = join(import.meta.dirname, "fixtures");
const NOT_ENDPOINTS = new Set(["signing.json", "enums.json"]);

function read<T>(file: string): T {
  return JSON.parse(readFileSync(join(DIR, file), "utf8")) as T;
}

export function endpointFixtures(): EndpointFixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".json") && !NOT_ENDPOINTS.has(f))
    .sort()
    .map((f) => ({ ...read<Omit<EndpointFixture, "id">>(f), id: f.slice(0, -".json".length) }));
}

export const signingFixture = (): SigningFixture => read("signing.json");
export const enumsFixture = (): EnumsFixture => read("enums.json");

/** The bytes to answer with. */
export function bodyText(r: SampleResponse): string {
  if (r.raw !== undefined) return r.raw;
  return JSON.stringify(r.body);
}

/** The answer as a value, to compare the client's typed result with. */
export function bodyValue(r: SampleResponse): unknown {
  return r.raw !== undefined ? JSON.parse(r.raw) : r.body;
}

/** "GET /api/v3/depth" → ["GET", "/api/v3/depth"]. */
export function splitEndpoint(endpoint: string): [method: string, path: string] {
  const [method, path] = endpoint.split(" ");
  if (!method || !path) throw new Error(`not "METHOD /path": ${endpoint}`);
  return [method, path];
}

/** Where a sample comes from, for test names and failure messages. */
export function describeSource(s: Source): string {
  if (s.repo && s.heading) return `${s.repo} ${s.path ?? ""} § ${s.heading}`;
  if (s.repo && s.entry) return `${s.repo} ${s.path ?? ""} (${s.entry})`;
  if (s.file) return `${s.file} § ${s.heading ?? ""}`;
  return s.site ?? "unknown source";
}
