import { describe, expect, it } from "vitest";
import { ENDPOINTS, endpointKey } from "../../src/api/weights.js";
import { API_KEY, callsFor, contractClient } from "./endpoints.js";
import { bodyText, bodyValue, describeSource, endpointFixtures } from "./fixtures.js";

/**
 * Contract: MEXC's documented answers (mexcdevelop/apidocs, source/index.html.md) and answers recorded from
 * api.mexc.com (ccxt's static response fixtures), each parsed by the real MexcClient over a canned transport,
 * and the typed result compared with the sample. Samples today's client is known to misread run in
 * known-wire-gaps.test.ts instead.
 */

const fixtures = endpointFixtures();
const calls = callsFor(fixtures);

describe("contract fixtures", () => {
  it("cover every endpoint the client calls, one file each", () => {
    const used = Object.values(ENDPOINTS).map(endpointKey).sort();
    expect(fixtures.map((f) => f.endpoint).sort()).toEqual(used);
  });

  it("every fixture has a way to call it, and every sample names where it comes from", () => {
    expect(Object.keys(calls).sort()).toEqual(fixtures.map((f) => f.id).sort());
    for (const f of fixtures) {
      expect(f.docs.heading, f.id).toBeTruthy();
      expect(f.responses.length, f.id).toBeGreaterThan(0);
      for (const r of f.responses) {
        expect(describeSource(r.source), `${f.id}: ${r.name}`).not.toBe("unknown source");
        expect(r.body !== undefined || r.raw !== undefined, `${f.id}: ${r.name} has no body`).toBe(true);
      }
    }
  });
});

for (const f of fixtures) {
  const call = calls[f.id]!;
  const samples = f.responses.filter((r) => r.knownGap === undefined);
  describe(`${f.endpoint} (${f.docs.heading})`, () => {
    it.each(samples.map((r) => [r.name, r] as const))("reads %s", async (_name, r) => {
      const { exchange, client } = contractClient();
      exchange.answer(f.endpoint, bodyText(r));
      const result = await call.invoke(client, r);
      call.check(result, bodyValue(r));
      // One request to the endpoint: a readable answer is never fetched twice.
      const [method, path] = f.endpoint.split(" ") as [string, string];
      expect(exchange.to(method, path)).toHaveLength(1);
      // The canned server saw our key only in its header, never in a parameter.
      for (const req of exchange.requests) expect(req.query).not.toContain(API_KEY);
    });
  });
}
