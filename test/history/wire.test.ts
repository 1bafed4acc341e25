import { describe, expect, it } from "vitest";
import { contractClient } from "../contract/endpoints.js";
import { bodyText, bodyValue, endpointFixtures } from "../contract/fixtures.js";

/** The client's verbatim reads, against MEXC's documented samples and answers recorded from api.mexc.com. */
const fixture = (id: string) => {
  const f = endpointFixtures().find((x) => x.id === id);
  if (!f) throw new Error(`no fixture ${id}`);
  return f;
};

describe("the exchange's own text, for history files", () => {
  it("klineCells keeps every cell of MEXC's candles as sent, and sends startTime with endTime", async () => {
    const f = fixture("klines");
    for (const sample of f.responses) {
      const { exchange, client } = contractClient();
      exchange.answer(f.endpoint, bodyText(sample));
      const cells = await client.klineCells("BTCUSDT", "60m", { startTime: 1, endTime: 2, limit: 1000 });
      expect(cells).toEqual((bodyValue(sample) as unknown[][]).map((r) => r.map(String)));
      const [sent] = exchange.to("GET", "/api/v3/klines");
      expect(sent?.names).toEqual(["symbol", "interval", "startTime", "endTime", "limit"]);
      expect(sent?.params.get("endTime")).toBe("2");
    }
  });

  it("klineCells refuses a candle with fewer than eight cells", async () => {
    const { exchange, client } = contractClient();
    exchange.answer("GET /api/v3/klines", '[[1640804880000,"1","1","1","1","1",1640804940000]]');
    await expect(client.klineCells("BTCUSDT", "1m", { startTime: 1, endTime: 2 })).rejects.toThrow(/8 cells/);
  });

  it("exchangeInfoRaw gives the symbol objects exactly as sent, every field in MEXC's order", async () => {
    const f = fixture("exchange-info");
    const sample = f.responses[0];
    if (!sample) throw new Error("no exchangeInfo sample");
    const { exchange, client } = contractClient();
    exchange.answer(f.endpoint, bodyText(sample));
    const sent = (bodyValue(sample) as { symbols: unknown[] }).symbols;
    const got = await client.exchangeInfoRaw();
    expect(JSON.stringify(got)).toBe(JSON.stringify(sent));
  });
});
