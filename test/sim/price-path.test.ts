import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MINUTE_MS, PathCache, PricePath } from "../../src/sim/price-path.js";
import { Universe } from "../../src/sim/universe.js";

const NOW = Date.UTC(2026, 6, 1);

describe("price path", () => {
  const spec = new Universe(42, 0).get("ETHUSDT");
  if (!spec) throw new Error("ETHUSDT missing");

  it("any minute is computable on its own, in any order, with a bounded cache", () => {
    const small = new PathCache(4, 16);
    const bounded = new PricePath(spec.index, spec.market, small);
    const free = new PricePath(spec.index, spec.market, new PathCache());
    const base = Math.floor(NOW / MINUTE_MS);
    const minutes = Array.from({ length: 300 }, (_, i) => base - ((i * 7919) % (200 * 1440)));
    for (const m of minutes) expect(bounded.minute(m)).toEqual(free.minute(m));
    expect(small.blocks.size).toBeLessThanOrEqual(4);
    const far = base - 3 * 365 * 1440;
    const t = performance.now();
    const c = bounded.minute(far);
    expect(performance.now() - t).toBeLessThan(50);
    expect(c.h).toBeGreaterThanOrEqual(Math.max(c.o, c.c));
    expect(c.l).toBeLessThanOrEqual(Math.min(c.o, c.c));
  });

  it("candles chain: each minute opens where the previous closed, aggregates match", () => {
    const path = new PricePath(spec.index, spec.market, new PathCache());
    const first = Math.floor(NOW / MINUTE_MS) - 500;
    for (let m = first - 1500; m < first + 200; m++) expect(path.minute(m + 1).o).toBe(path.minute(m).c);
    const agg = path.summarize(first, first + 90, NOW);
    const parts = Array.from({ length: 90 }, (_, i) => path.minute(first + i));
    expect(agg?.o).toBe(parts[0]?.o);
    expect(agg?.c).toBe(parts[89]?.c);
    expect(agg?.h).toBe(Math.max(...parts.map((p) => p.h)));
    expect(agg?.l).toBe(Math.min(...parts.map((p) => p.l)));
    expect(path.summarize(first, first + 1_000, first * MINUTE_MS + 30_000)?.c).toBe(
      path.priceAt(first * MINUTE_MS + 30_000),
    );
  });

  it("2,000 generated alts have unique names and stay deterministic by seed", () => {
    const a = new Universe(7, 2000);
    const names = a.specs.map((s) => s.symbol);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(2016);
    expect(new Universe(7, 10).specs.map((s) => s.symbol)).toEqual(names.slice(0, 26));
    expect(new Universe(8, 10).specs.map((s) => s.symbol)).not.toEqual(names.slice(0, 26));
  });
});

describe("command line", () => {
  it("npm run sim prints its URL and test credentials and serves", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/sim/cli.ts", "--port", "0", "--seed", "42", "--alts", "5"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (b: Buffer) => {
          text += b.toString();
          if (text.includes("apiSecret")) resolve(text);
        });
        child.once("exit", (code) => reject(new Error(`cli exited ${code}: ${text}`)));
      });
      expect(out).toContain("sim-api-key");
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      expect(url).toBeDefined();
      const r = await fetch(`${url}/api/v3/exchangeInfo`);
      expect(((await r.json()) as { symbols: unknown[] }).symbols).toHaveLength(21);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
