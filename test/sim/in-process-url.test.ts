import { describe, expect, it } from "vitest";
import { pathAndQuery } from "../../src/in-process-transport.js";
import { Rng } from "../../src/sim/rng.js";

describe("in-process transport: path and query of the client's URLs", () => {
  it("splits any URL as WHATWG URL does (pathname, search without '?')", () => {
    const rng = new Rng(3);
    const pool = "aZ09-_.~!*()+,;:@$/%=&?#'\" <>`{}é\\";
    const pick = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += pool[Math.floor(rng.next() * pool.length)];
      return s;
    };
    const urls = [
      "http://127.0.0.1/api/v3/klines?symbol=BTCUSDT&interval=15m&limit=101",
      "https://api.mexc.com/api/v3/order?symbol=X&signature=ab12",
      "http://127.0.0.1:8080/api/v3/time",
      "http://127.0.0.1/api/v3/time?",
      "http://h/a/../b?x=1",
      "http://h",
      "http://h?x",
      "http://H/%7e?x='1'",
      "http://h/a?x='1'",
      'http://h/a?x="1"',
      "http://h/a?x=<1>",
      "http://h/a?x=1 2",
      "http://h/a?x=1`2{}",
      "http://h/a/./b",
      "http://h/a?x=é",
      "http://h/a?x=1#f",
    ];
    const good = "aZ09-_.~!*()+,;:@$/%=&";
    for (let i = 0; i < 5000; i++) {
      // Mostly characters URL keeps, with one of any kind among them.
      const plain = () => good[Math.floor(rng.next() * good.length)];
      const q = `${plain()}${plain()}${pick(1)}${plain()}${plain()}`;
      urls.push(`http://127.0.0.1/api/${pick(i % 2)}v3?${q}`, `http://127.0.0.1/api/${pick(6)}?${pick(12)}`);
    }
    const wrong: string[] = [];
    for (const url of urls) {
      const u = new URL(url);
      const want = { path: u.pathname, query: u.search.startsWith("?") ? u.search.slice(1) : u.search };
      const got = pathAndQuery(url);
      if (got.path !== want.path || got.query !== want.query)
        wrong.push(`${url}: ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
