import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Fill, fillProblems, fillToJson } from "../../src/portfolio/fill.js";
import { FillsDigest } from "../../src/portfolio/fills-digest.js";
import { digestCheckpointPath } from "../../src/portfolio/fills-digest-checkpoint.js";
import { fillsSince, recentFills, rewriteFills } from "../../src/portfolio/fills-reads.js";
import { TradeIds } from "../../src/portfolio/trade-ids.js";
import { randomFills, rng } from "./random-fills.js";

const tempPath = () => join(mkdtempSync(join(tmpdir(), "mpb-digest-cp-")), "fills.jsonl");
const ids = (fills: readonly Fill[]) => fills.map((f) => f.id);
const line = (f: Fill) => JSON.stringify(fillToJson(f));

/** Fills of several kinds: synced by bots, manual, imported without a bot (before attribution), out of order. */
function mixedFills(seed: number, n: number, firstId = 1): Fill[] {
  const r = rng(seed + 1000);
  return randomFills(seed, n, firstId)
    .filter((f) => fillProblems(f).length === 0)
    .map((f) => {
      const x = r();
      if (x < 0.1) {
        const { bot: _b, ...rest } = f;
        return { ...rest, source: "import" as const, time: f.time - 400 * 86_400_000 };
      }
      return x < 0.15 ? { ...f, id: `hex${f.id}ab` } : f;
    });
}

/** Everything a digest answers, to compare one read with another. */
function answers(d: FillsDigest) {
  const times = d.blocks.map((b) => b.maxTime).sort((a, b) => a - b);
  return {
    records: d.records,
    bytes: d.file.bytes,
    lines: d.file.lines,
    ids: [...d.ids].sort(),
    idsSize: d.ids.size,
    pairs: [...d.pairs.entries()],
    manual: [...d.manual.entries()],
    unattributed: d.unattributed,
    firstExchangeFill: [...d.firstExchangeFill.entries()],
    blocks: d.blocks,
    lastId: d.lastId,
    recent: [1, 7, 50, 51, 333].map((n) => ids(recentFills(d, n))),
    since: [0, 0.3, 0.9, 1].map((q) => ids(fillsSince(d, times[Math.floor(q * (times.length - 1))] ?? 0))),
  };
}

describe("the fills digest's checkpoint (issue 15)", () => {
  it("a start reads only the lines after it: a damaged line inside the covered prefix is not even seen", () => {
    const path = tempPath();
    const all = mixedFills(1, 600);
    const d = FillsDigest.open(path, { recent: 50 });
    d.append(all.slice(0, 400));
    d.checkpoint();
    expect(existsSync(digestCheckpointPath(path))).toBe(true);
    d.append(all.slice(400));
    // Line 10 becomes garbage of the same length: the covered prefix still ends as it did.
    const text = readFileSync(path, "utf8").split("\n");
    text[9] = "x".repeat((text[9] as string).length);
    writeFileSync(path, text.join("\n"));
    const warm = FillsDigest.open(path, { recent: 50 });
    expect(warm.origin).toBe(`checkpoint of 400 lines + ${all.length - 400} newer`);
    expect(warm.records).toBe(all.length);
    expect(() => FillsDigest.open(path, { recent: 50, checkpoint: false })).toThrow(/line 10 is damaged/);
  });

  it("answers as a full read does, over random appends, checkpoints and reopenings", () => {
    const path = tempPath();
    const r = rng(7);
    let d = FillsDigest.open(path, { recent: 50 });
    let next = 1;
    for (let round = 0; round < 12; round++) {
      const batch = mixedFills(round + 10, Math.floor(r() * 400) + 1, next);
      next += batch.length + 1;
      for (let i = 0; i < batch.length; i += 37) d.append(batch.slice(i, i + 37));
      if (r() < 0.6) d.checkpoint();
      if (r() < 0.5) d = FillsDigest.open(path, { recent: 50 });
      const full = FillsDigest.open(path, { recent: 50, checkpoint: false, readOnly: true });
      const warm = FillsDigest.open(path, { recent: 50, readOnly: true });
      expect(answers(warm)).toEqual(answers(full));
      expect(answers(d)).toEqual(answers(full));
      for (const f of batch) expect(warm.ids.has(f.id)).toBe(true);
      expect(warm.ids.has("never")).toBe(false);
      expect(warm.ids.has("1 ")).toBe(false);
    }
    expect(FillsDigest.open(path, { recent: 50 }).origin).toMatch(/^checkpoint of \d+ lines/);
  });

  it("its manual fills' offsets are the file's: the rewrite that attributes them changes those lines", () => {
    const path = tempPath();
    const d = FillsDigest.open(path);
    const all = mixedFills(3, 500);
    d.append(all.slice(0, 300));
    d.checkpoint();
    d.append(all.slice(300));
    const warm = FillsDigest.open(path);
    expect(warm.origin).toMatch(/^checkpoint of 300 lines/);
    const manual = [...warm.manual.values()].flat();
    expect(manual.filter((m) => all.findIndex((f) => f.id === m.id) < 300).length).toBeGreaterThan(5);
    rewriteFills(path, new Map(manual.map((m) => [m.start, (f: Fill) => ({ ...f, bot: "scanner" })])));
    expect(existsSync(digestCheckpointPath(path))).toBe(false); // dropped before the rewrite
    const after = FillsDigest.open(path);
    expect(after.origin).toMatch(/no checkpoint/);
    expect(after.manual.size).toBe(0);
    expect(after.records).toBe(all.length);
  });

  describe("a checkpoint that no longer describes the file is not used", () => {
    function prepared() {
      const path = tempPath();
      const all = mixedFills(5, 300);
      const d = FillsDigest.open(path);
      d.append(all);
      d.checkpoint();
      return { path, all, text: readFileSync(path, "utf8") };
    }
    const fullAndSame = (path: string, why: RegExp) => {
      const d = FillsDigest.open(path, { readOnly: true });
      expect(d.origin).toMatch(why);
      expect(answers(d)).toEqual(answers(FillsDigest.open(path, { checkpoint: false, readOnly: true })));
      return d;
    };

    it("the file rewritten with other lines (a copy of another history put in place)", () => {
      const { path } = prepared();
      const other = mixedFills(6, 320);
      writeFileSync(`${path}.new`, `${other.map(line).join("\n")}\n`);
      renameSync(`${path}.new`, path);
      expect(fullAndSame(path, /covered prefix no longer ends|last covered line changed/).records).toBe(
        other.length,
      );
    });

    it("the file truncated, by a line or by all but its first", () => {
      const { path, text } = prepared();
      const lines = text.split("\n");
      truncateSync(path, text.length - (lines.at(-2) as string).length - 1);
      expect(fullAndSame(path, /shorter than the \d+ covered/).records).toBe(lines.length - 2);
      truncateSync(path, (lines[0] as string).length + 1);
      expect(fullAndSame(path, /shorter/).records).toBe(1);
    });

    it("its last line changed in place, same length", () => {
      const { path, text, all } = prepared();
      const last = line(all.at(-1) as Fill);
      const changed = last.replace(/"time":(\d)/, (_m, d) => `"time":${(Number(d) + 1) % 10}`);
      expect(changed).not.toBe(last);
      writeFileSync(path, text.replace(last, changed));
      expect(fullAndSame(path, /last covered line changed/).records).toBe(all.length);
    });

    it("a line inserted before its last line shifts the prefix's end", () => {
      const { path, text, all } = prepared();
      const lines = text.split("\n");
      lines.splice(100, 0, line({ ...(all[0] as Fill), id: "inserted-by-hand" }));
      writeFileSync(path, lines.join("\n"));
      expect(fullAndSame(path, /no longer ends where it did|last covered line changed/).records).toBe(
        all.length + 1,
      );
    });

    it("another version, a damaged checkpoint, a checkpoint whose figures disagree", () => {
      const { path } = prepared();
      const cp = digestCheckpointPath(path);
      const json = JSON.parse(readFileSync(cp, "utf8"));
      writeFileSync(cp, JSON.stringify({ ...json, version: 99 }));
      fullAndSame(path, /version 99, not 1/);
      writeFileSync(cp, JSON.stringify(json).slice(0, 1000));
      fullAndSame(path, /unreadable/);
      writeFileSync(cp, JSON.stringify({ ...json, ids: { ...json.ids, count: json.ids.count + 1 } }));
      fullAndSame(path, /does not read: the ids hold fewer/);
      writeFileSync(cp, JSON.stringify({ ...json, blocks: json.blocks.slice(1) }));
      fullAndSame(path, /blocks do not add up/);
      writeFileSync(cp, JSON.stringify({ ...json, recent: "nope" }));
      fullAndSame(path, /malformed/);
    });
  });

  describe("what a crash or a hand leaves after the checkpoint", () => {
    it("lines appended by hand after it are read and validated, a bad one refused with its real line number", () => {
      const path = tempPath();
      const all = mixedFills(8, 200);
      const d = FillsDigest.open(path);
      d.append(all.slice(0, 150));
      d.checkpoint();
      appendFileSync(path, `\n${all.slice(150).map(line).join("\n")}\n`); // a blank line too
      const warm = FillsDigest.open(path);
      expect(warm.origin).toBe(`checkpoint of 150 lines + ${all.length - 150 + 1} newer`);
      expect(answers(warm)).toEqual(answers(FillsDigest.open(path, { checkpoint: false })));
      appendFileSync(path, `${line({ ...(all[0] as Fill), id: "bad", side: "HOLD" as "BUY" })}\n`);
      expect(() => FillsDigest.open(path)).toThrow(new RegExp(`line ${all.length + 2} is damaged`));
    });

    it("a crash between the checkpoint and an append: the torn line after it is cut and kept, as at a full read", () => {
      const path = tempPath();
      const all = mixedFills(9, 120);
      const d = FillsDigest.open(path);
      d.append(all.slice(0, 100));
      d.checkpoint();
      const torn = line(all[100] as Fill).slice(0, 40);
      appendFileSync(path, `${all.slice(101).map(line).join("\n")}\n${torn}`);
      const warm = FillsDigest.open(path);
      expect(warm.origin).toMatch(/^checkpoint of 100 lines \+ \d+ newer/);
      expect(warm.file.repairs[0]).toMatch(/line 120 was torn/);
      expect(readFileSync(`${path}.torn`, "utf8")).toBe(`${torn}\n`);
      expect(warm.records).toBe(all.length - 1);
      expect(answers(warm)).toEqual(answers(FillsDigest.open(path, { checkpoint: false })));
      // The next append lands after the cut, and a checkpoint past it covers it.
      warm.append([all[100] as Fill]);
      warm.checkpoint();
      expect(FillsDigest.open(path).origin).toBe(`checkpoint of ${all.length} lines + 0 newer`);
    });

    it("a last line whose newline was lost after the checkpoint gets it back", () => {
      const path = tempPath();
      const all = mixedFills(11, 50);
      const d = FillsDigest.open(path);
      d.append(all.slice(0, 40));
      d.checkpoint();
      appendFileSync(path, all.slice(40).map(line).join("\n"));
      const warm = FillsDigest.open(path);
      expect(warm.file.repairs[0]).toMatch(/had no final newline/);
      expect(warm.records).toBe(all.length);
      expect(readFileSync(path, "utf8").endsWith("\n")).toBe(true);
    });

    it("a checkpoint is written past `saveEvery` new lines, at open and as fills are appended", () => {
      const path = tempPath();
      const all = mixedFills(12, 300);
      const d = FillsDigest.open(path, { saveEvery: 100 });
      d.append(all.slice(0, 99));
      expect(existsSync(digestCheckpointPath(path))).toBe(false);
      d.append(all.slice(99, 100));
      expect(FillsDigest.open(path).origin).toBe("checkpoint of 100 lines + 0 newer");
      appendFileSync(path, `${all.slice(100).map(line).join("\n")}\n`);
      FillsDigest.open(path, { saveEvery: 100 }); // reads the newer lines, then checkpoints them
      expect(FillsDigest.open(path).origin).toBe(`checkpoint of ${all.length} lines + 0 newer`);
      appendFileSync(path, `${line({ ...(all[0] as Fill), id: "late" })}\n`);
      FillsDigest.open(path, { readOnly: true, saveEvery: 1 }); // a tool never writes one
      expect(FillsDigest.open(path).origin).toBe(`checkpoint of ${all.length} lines + 1 newer`);
    });
  });
});

describe("TradeIds: exact dedupe in one sorted string", () => {
  it("has every id added, before and after compaction and through its compact form, and no other", () => {
    const r = rng(3);
    const ids = new TradeIds();
    const all = new Set<string>();
    const randomId = () =>
      r() < 0.05 ? `odd ${Math.floor(r() * 1e6)}` : Math.floor(r() * 1e12).toString(r() < 0.5 ? 16 : 10);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 200; i++) {
        const id = randomId();
        ids.add(id);
        all.add(id);
      }
      if (r() < 0.5) ids.compact();
      const copy = r() < 0.5 ? TradeIds.fromCompact(ids.compact()) : ids;
      expect(copy.size).toBe(all.size);
      expect([...copy].sort()).toEqual([...all].sort());
      for (const id of all) expect(copy.has(id)).toBe(true);
      for (let i = 0; i < 200; i++) {
        const id = randomId();
        expect(copy.has(id)).toBe(all.has(id));
      }
      expect(copy.has("")).toBe(false);
    }
  });
});
