import { existsSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { computeCostBasis } from "../../src/portfolio/cost-basis.js";
import { checkpointPath } from "../../src/portfolio/cost-book-checkpoint.js";
import { type Fill, fillToJson, parseFillJson } from "../../src/portfolio/fill.js";
import { FillsDigest } from "../../src/portfolio/fills-digest.js";
import { KeptCostBasis, readCheckpointBook } from "../../src/portfolio/kept-cost-basis.js";
import { JsonLinesFile } from "../../src/store/index.js";
import { digits, randomFills } from "./random-fills.js";

function tempFills(): string {
  return join(mkdtempSync(join(tmpdir(), "mpb-kept-")), "fills.jsonl");
}

const open = (path: string) => JsonLinesFile.open<Fill>(path, parseFillJson);

describe("the kept cost basis (issue 15)", () => {
  it.each([1, 2, 3, 4, 5])(
    "fill by fill, with a restart from the checkpoint in the middle, equals a full replay to the last digit (seed %i)",
    (seed) => {
      const fills = randomFills(seed, 120);
      const path = tempFills();
      // Odd seeds checkpoint after every fill; even ones lag 7 fills behind, which a start applies from the file.
      const saveEvery = seed % 2 ? 1 : 7;
      const origin = (covered: number) =>
        saveEvery === 1
          ? `checkpoint of ${covered} fills + 0 newer`
          : expect.stringMatching(/^checkpoint of \d+ fills \+ [0-6] newer$/);
      let file = open(path);
      let kept = new KeptCostBasis(file, { saveEvery });
      kept.snapshot(); // the book exists from the start: every fill is applied as it arrives
      const restartAt = 20 + ((seed * 37) % 80);
      for (const [i, f] of fills.entries()) {
        file.append([f], fillToJson);
        kept.added([f]);
        if (i === restartAt) {
          file = open(path);
          kept = new KeptCostBasis(file, { saveEvery });
          expect(digits(kept.snapshot())).toEqual(digits(computeCostBasis(fills.slice(0, i + 1))));
          expect(kept.origin).toEqual(origin(i + 1));
        }
      }
      const replayed = computeCostBasis(fills);
      expect(digits(kept.snapshot())).toEqual(digits(replayed));
      // A start after fills were written behind the checkpoint's back applies only those.
      const more = randomFills(seed + 100, 10, 1000, (fills.at(-1) as Fill).time + 1);
      file.append(more, fillToJson);
      const restarted = new KeptCostBasis(open(path));
      expect(digits(restarted.snapshot())).toEqual(digits(computeCostBasis([...fills, ...more])));
      if (saveEvery === 1) expect(restarted.origin).toBe(`checkpoint of ${fills.length} fills + 10 newer`);
      expect(digits(new KeptCostBasis(open(path), { replay: true }).snapshot())).toEqual(
        digits(computeCostBasis([...fills, ...more])),
      );
    },
  );

  it("a fill older than the checkpoint (an imported row, a late trade) falls back to one replay, exactly", () => {
    const fills = randomFills(7, 60);
    const path = tempFills();
    const file = open(path);
    file.append(fills, fillToJson);
    const kept = new KeptCostBasis(file);
    kept.snapshot();
    const old = { ...(fills[10] as Fill), id: "import-old", source: "import" as const, time: 1 };
    file.append([old], fillToJson);
    kept.added([old]);
    expect(digits(kept.snapshot())).toEqual(digits(computeCostBasis([...fills, old])));
    expect(kept.origin).toMatch(/^replayed 61 fills/);
    // And at a start: the checkpoint covers 60, the 61st is older than its last fill.
    file.append([{ ...old, id: "import-older", time: 0 }], fillToJson);
    const reopened = new KeptCostBasis(open(path));
    expect(digits(reopened.snapshot())).toEqual(
      digits(computeCostBasis([...fills, old, { ...old, id: "import-older", time: 0 }])),
    );
    expect(reopened.origin).toMatch(/^replayed 62 fills \(a fill older than the checkpoint\)/);
  });

  it("re-attribution of a fill to another bot drops the checkpoint first, and the PnL by bot follows", () => {
    const fills = randomFills(8, 60);
    const path = tempFills();
    const file = open(path);
    file.append(fills, fillToJson);
    const kept = new KeptCostBasis(file);
    kept.snapshot();
    expect(existsSync(checkpointPath(path))).toBe(true);
    const moved = fills.map((f) => (f.side === "SELL" ? { ...f, bot: "balancer" } : f));
    kept.historyWillChange();
    expect(existsSync(checkpointPath(path))).toBe(false);
    file.rewrite(moved, fillToJson);
    expect(digits(kept.snapshot())).toEqual(digits(computeCostBasis(moved)));
    expect(kept.snapshot().byBot.has("balancer")).toBe(true);
    expect(digits(new KeptCostBasis(open(path)).snapshot())).toEqual(digits(computeCostBasis(moved)));
  });

  it("a checkpoint that does not match the file is discarded: a shorter file, a changed last covered line", () => {
    const fills = randomFills(9, 40);
    const path = tempFills();
    const file = open(path);
    file.append(fills, fillToJson);
    new KeptCostBasis(file).snapshot();
    const text = readFileSync(path, "utf8");
    const lines = text.trimEnd().split("\n");
    // Shorter: the last fill gone (a backup restored).
    truncateSync(path, Buffer.byteLength(`${lines.slice(0, -1).join("\n")}\n`));
    const shorter = new KeptCostBasis(open(path), { readOnly: true });
    expect(digits(shorter.snapshot())).toEqual(digits(computeCostBasis(fills.slice(0, -1))));
    expect(shorter.origin).toMatch(/shorter than/);
    // Same length, the last line changed (its bot, a name of the same length).
    const last = fills.at(-1) as Fill;
    const edited = { ...last, bot: last.bot === "seller" ? "zzzzzz" : "seller" };
    writeFileSync(path, `${[...lines.slice(0, -1), JSON.stringify(fillToJson(edited))].join("\n")}\n`);
    const changed = new KeptCostBasis(open(path), { readOnly: true });
    expect(digits(changed.snapshot())).toEqual(digits(computeCostBasis([...fills.slice(0, -1), edited])));
    expect(changed.origin).toMatch(/replayed 40 fills/);
  });

  it("with only a current-price fallback asked for, the kept book answers when it needed no guess", () => {
    const fills = randomFills(10, 30).filter((f) => f.quote !== "BTC" && f.feeAsset !== "MX");
    const path = tempFills();
    const file = open(path);
    file.append(fills, fillToJson);
    const kept = new KeptCostBasis(file);
    const withPrice = { currentPrice: () => new D("0.5") };
    expect(kept.snapshotFor(withPrice)).toBe(kept.snapshot());
    expect(digits(kept.snapshot())).toEqual(digits(computeCostBasis(fills, withPrice)));
    const guessed = randomFills(11, 30, 500, (fills.at(-1) as Fill).time + 1).filter(
      (f) => f.quote === "BTC",
    );
    file.append(guessed, fillToJson);
    kept.added(guessed);
    expect(kept.snapshotFor(withPrice)).toBeUndefined();
  });
});

describe("the digest the ledger keeps of fills.jsonl", () => {
  it("holds the ids, pairs, manual fills, first exchange fills and the last fills; the book from the checkpoint", () => {
    const fills = randomFills(12, 300);
    const path = tempFills();
    const file = open(path);
    file.append(fills, fillToJson);
    new KeptCostBasis(file).snapshot(); // writes the checkpoint
    const digest = FillsDigest.open(path, { recent: 50 });
    expect(digest.file.items).toEqual([]);
    expect(digest.file.records).toBe(300);
    expect([...digest.ids]).toEqual(fills.map((f) => f.id));
    expect([...digest.pairs.keys()]).toEqual([...new Set(fills.map((f) => f.symbol))]);
    const manual = [...digest.manual.values()].flat().map((r) => r.id);
    expect(manual.sort()).toEqual(
      fills
        .filter((f) => f.bot === "manual")
        .map((f) => f.id)
        .sort(),
    );
    expect(digest.recent.map((f) => f.id)).toEqual(fills.slice(-50).map((f) => f.id));
    const book = readCheckpointBook(digest.file);
    expect(book && digits(book.snapshot())).toEqual(digits(computeCostBasis(fills)));
    file.append(randomFills(13, 1, 9999, (fills.at(-1) as Fill).time + 1), fillToJson);
    expect(readCheckpointBook(FillsDigest.open(path).file)).toBeUndefined(); // one fill newer than the checkpoint
  });
});
