import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkFillJson,
  type Fill,
  fillProblems,
  fillToJson,
  parseFillJson,
} from "../../src/portfolio/fill.js";
import { FillsDigest } from "../../src/portfolio/fills-digest.js";
import { fillsSince, forEachFill, recentFills, rewriteFills } from "../../src/portfolio/fills-reads.js";
import { randomFills } from "./random-fills.js";

const tempPath = () => join(mkdtempSync(join(tmpdir(), "mpb-digest-")), "fills.jsonl");
const ids = (fills: readonly Fill[]) => fills.map((f) => f.id);

/**
 * 3,000 fills in time order, then 200 older ones (an import, late trades) appended behind them. (The generator
 * can charge an MX buy more MX fee than it bought, a fill the file refuses: those are left out.)
 */
function history(): Fill[] {
  const fills = randomFills(3, 3000);
  const older = randomFills(4, 200, 90_000, 1_699_000_000_000).map((f) => ({
    ...f,
    source: "import" as const,
  }));
  return [...fills, ...older].filter((f) => fillProblems(f).length === 0);
}

describe("the reads of fills.jsonl beyond the digest (issue 15)", () => {
  it("fillsSince reads only the blocks that can match and still finds every fill at or after the time, in file order", () => {
    const all = history();
    const digest = FillsDigest.open(tempPath(), { recent: 50 });
    // Appended in uneven batches: the block index and the line offsets are built by append as by open.
    for (let i = 0; i < all.length; i += 137) digest.append(all.slice(i, i + 137));
    const reopened = FillsDigest.open(digest.path, { recent: 50 });
    expect(reopened.blocks).toEqual(digest.blocks);
    const times = all.map((f) => f.time).sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.5, 0.9, 0.999, 1]) {
      const t =
        (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number) + (q === 1 ? 1 : 0);
      const want = all.filter((f) => f.time >= t);
      expect(ids(fillsSince(reopened, t))).toEqual(ids(want));
    }
  });

  it("fillsSince gives the same fills whether the digest holds a block's records in memory, part of them or none", () => {
    const all = history();
    const path = tempPath();
    FillsDigest.open(path).append(all);
    const times = all.map((f) => f.time).sort((a, b) => a - b);
    // 3,000-odd records in blocks of 1,024: 700 held cut the last block, 1,500 the one before, 9,999 hold all.
    for (const recent of [1, 700, 1500, 9999]) {
      const digest = FillsDigest.open(path, { recent });
      expect(digest.firstHeld).toBeLessThanOrEqual(Math.max(0, all.length - digest.recentKept));
      for (const q of [0, 0.3, 0.6, 0.95, 1]) {
        const t = times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
        const want = all.filter((f) => f.time >= t).map((f) => parseFillJson(fillToJson(f)));
        expect(fillsSince(digest, t)).toEqual(want);
      }
    }
  });

  it("recentFills from memory up to what the digest keeps, from the file beyond; forEachFill sees every line", () => {
    const all = history();
    const path = tempPath();
    FillsDigest.open(path).append(all);
    const digest = FillsDigest.open(path, { recent: 50 });
    expect(ids(recentFills(digest, 10))).toEqual(ids(all.slice(-10).reverse()));
    expect(ids(recentFills(digest, 50))).toEqual(ids(all.slice(-50).reverse()));
    expect(ids(recentFills(digest, 777))).toEqual(ids(all.slice(-777).reverse()));
    expect(ids(recentFills(digest, 10_000))).toEqual(ids(all.slice().reverse()));
    const seen: Fill[] = [];
    forEachFill(digest, (f) => seen.push(f));
    expect(seen).toEqual(all.map((f) => parseFillJson(fillToJson(f))));
  });

  it("a rewrite changes exactly the lines whose offsets it is given, the others stay byte for byte", () => {
    const all = randomFills(5, 400);
    const path = tempPath();
    const digest = FillsDigest.open(path);
    digest.append(all.slice(0, 150));
    digest.append(all.slice(150));
    const manual = [...digest.manual.values()].flat();
    expect(manual.length).toBeGreaterThan(10);
    const changes = new Map(manual.map((r) => [r.start, (f: Fill) => ({ ...f, bot: "scanner" })]));
    const before = readFileSync(path, "utf8").split("\n");
    rewriteFills(path, changes);
    const after = readFileSync(path, "utf8").split("\n");
    const moved = new Set(manual.map((r) => r.id));
    expect(after).toHaveLength(before.length);
    for (const [i, line] of after.entries()) {
      if (line === "") continue;
      const f = parseFillJson(JSON.parse(line));
      if (moved.has(f.id)) expect(f.bot).toBe("scanner");
      else expect(line).toBe(before[i]);
    }
    expect(FillsDigest.open(path).manual.size).toBe(0);
  });
});

describe("checkFillJson: parseFillJson's verdict without Decimals", () => {
  it("accepts and refuses the same lines as parseFillJson", () => {
    const good = fillToJson((randomFills(6, 1)[0] as Fill) ?? ({} as Fill));
    const buy = { ...good, side: "BUY", feeAsset: good.base, qty: "0.5" };
    const cases: Record<string, unknown>[] = [
      good,
      { ...good, price: "0" },
      { ...good, price: "0.000" },
      { ...good, qty: "00.0001" },
      { ...good, qty: "0" },
      { ...buy, fee: "0.5" },
      { ...buy, fee: "0.50000001" },
      { ...buy, fee: "000.49" },
      { ...buy, fee: "1" },
      { ...good, symbol: `${good.base}X` },
      { ...good, time: -1 },
      { ...good, time: 1.5 },
      { ...good, price: "1e3" },
      { ...good, fee: "-1" },
      { ...good, bot: "Bad Bot" },
      { ...good, clientOrderId: "" },
    ];
    for (const c of cases) {
      const verdict = (f: () => unknown) => {
        try {
          f();
          return "ok";
        } catch {
          return "refused";
        }
      };
      expect([JSON.stringify(c), verdict(() => checkFillJson(c))]).toEqual([
        JSON.stringify(c),
        verdict(() => parseFillJson(c)),
      ]);
    }
  });
});
