import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JournalLog } from "../../src/store/journal-log.js";
import { StoreError } from "../../src/store/store.js";

const entrySchema = z.object({ id: z.string(), state: z.string(), n: z.number() });
type Entry = z.output<typeof entrySchema>;

function fresh(): string {
  return join(mkdtempSync(join(tmpdir(), "journal-log-")), "journal.jsonl");
}

type More = { compactSlack?: number; compactRatio?: number; onCompactionFailed?: (err: unknown) => void };

function open(path: string, more: More = {}): JournalLog<Entry> {
  return JournalLog.open({ path, parse: (j) => entrySchema.parse(j), keyOf: (e) => e.id, ...more });
}

const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean);

describe("the append-only order journal", () => {
  it("keeps the last state of each entry across a reopen, one line per change", () => {
    const path = fresh();
    const log = open(path);
    log.put({ id: "a", state: "PENDING", n: 1 });
    log.put({ id: "b", state: "PENDING", n: 1 });
    log.put({ id: "a", state: "OPEN", n: 2 });
    expect(lines(path)).toHaveLength(3);
    log.close();
    const again = open(path);
    expect([...again.entries.values()]).toEqual([
      { id: "a", state: "OPEN", n: 2 },
      { id: "b", state: "PENDING", n: 1 },
    ]);
    // Compacted at open: one line per entry.
    expect(lines(path)).toHaveLength(2);
    again.close();
  });

  it("forgets removed entries, also after a reopen", () => {
    const path = fresh();
    const log = open(path);
    log.put({ id: "a", state: "FILLED", n: 1 });
    log.put({ id: "b", state: "OPEN", n: 1 });
    log.remove(["a", "unknown"]);
    expect([...log.entries.keys()]).toEqual(["b"]);
    log.close();
    expect([...open(path).entries.keys()]).toEqual(["b"]);
  });

  it("cuts a line torn by a crash, keeps it aside, says so, and appends after it", () => {
    const path = fresh();
    const log = open(path);
    log.put({ id: "a", state: "OPEN", n: 1 });
    log.close();
    appendFileSync(path, '{"id":"b","state":"PEN');
    const again = open(path);
    expect([...again.entries.keys()]).toEqual(["a"]);
    expect(again.repairs.join(" ")).toMatch(/last line \(2\) was torn/);
    expect(readFileSync(`${path}.torn`, "utf8")).toContain('"id":"b"');
    again.put({ id: "c", state: "PENDING", n: 1 });
    again.close();
    expect([...open(path).entries.keys()]).toEqual(["a", "c"]);
  });

  it("refuses a damaged line that is not the last, naming it, and leaves the file as it is", () => {
    const path = fresh();
    writeFileSync(
      path,
      '{"id":"a","state":"OPEN","n":1}\n{"id":"b","state":7}\n{"id":"c","state":"OPEN","n":1}\n',
    );
    const before = readFileSync(path, "utf8");
    expect(() => open(path)).toThrow(StoreError);
    expect(() => open(path)).toThrow(/line 2 is damaged: state/);
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("recovers from a crash at every byte of a write: the entry is as before or as after, never lost", () => {
    const path = fresh();
    const log = open(path);
    log.put({ id: "a", state: "PENDING", n: 1 });
    log.put({ id: "b", state: "OPEN", n: 1 });
    log.close();
    const base = readFileSync(path, "utf8");
    const next = `${JSON.stringify({ id: "a", state: "OPEN", n: 2 })}\n`;
    for (let cut = 0; cut <= next.length; cut++) {
      writeFileSync(path, base + next.slice(0, cut));
      const j = open(path);
      const a = j.entries.get("a");
      expect([1, 2], `cut at byte ${cut}`).toContain(a?.n);
      expect(j.entries.get("b")?.state).toBe("OPEN");
      // What a reader saw is what is on disk now: a second open agrees.
      j.close();
      expect(open(path).entries.get("a")).toEqual(a);
    }
  });

  it("compacts itself when its lines outgrow its entries, so the file follows the journal, not its history", () => {
    const path = fresh();
    const log = open(path, { compactRatio: 2, compactSlack: 10 });
    for (let i = 0; i < 500; i++) log.put({ id: `o${i % 5}`, state: "OPEN", n: i });
    expect(lines(path).length).toBeLessThanOrEqual(2 * 5 + 10 + 1);
    log.close();
    const again = open(path);
    expect([...again.entries.values()].map((e) => e.n)).toEqual([495, 496, 497, 498, 499]);
    expect(existsSync(join(path, "..", ".journal.jsonl.tmp"))).toBe(false);
  });

  it("refuses a change once closed", () => {
    const log = open(fresh());
    log.close();
    expect(() => log.put({ id: "a", state: "OPEN", n: 1 })).toThrow(/closed/);
  });

  it("takes a whole last line the schema refuses for damage, not a torn write: it stops, naming it, the file kept", () => {
    const path = fresh();
    // Whole JSON (a newer version's entry, say): only the schema refuses it, and a torn write could never parse.
    writeFileSync(path, '{"id":"a","state":"OPEN","n":1}\n{"id":"b","state":"OPEN","n":"two"}\n');
    const before = readFileSync(path, "utf8");
    expect(() => open(path)).toThrow(StoreError);
    // The file, the line, what is wrong with it, and what to do.
    expect(() => open(path)).toThrow(`${path} line 2 is damaged: n: `);
    expect(() => open(path)).toThrow(/fix or remove that line .*if a newer version of the suite wrote it/);
    expect(() =>
      JournalLog.read({ path, parse: (j) => entrySchema.parse(j), keyOf: (e: Entry) => e.id }),
    ).toThrow(/line 2 is damaged/);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(existsSync(`${path}.torn`)).toBe(false);
    // Without its newline the same whole line is still whole: refused too.
    writeFileSync(path, before.trimEnd());
    expect(() => open(path)).toThrow(/line 2 is damaged: n: /);
  });
});

/** A directory where the compaction writes its temp file: it cannot open it, whoever runs the test (root too). */
function blockCompaction(path: string): () => void {
  const tmp = join(path, "..", ".journal.jsonl.tmp");
  mkdirSync(tmp);
  return () => rmdirSync(tmp);
}

describe("a compaction that fails", () => {
  it("leaves the change that set it off applied, goes on journaling, tells once, and tries again later", () => {
    const path = fresh();
    const failures: unknown[] = [];
    const more = { compactRatio: 1, compactSlack: 10, onCompactionFailed: (e: unknown) => failures.push(e) };
    const log = open(path, more);
    const unblock = blockCompaction(path);
    // 2 entries: the compaction is due past 12 lines; the 13th line sets it off.
    for (let n = 1; n <= 13; n++) log.put({ id: n % 2 ? "a" : "b", state: "OPEN", n });
    expect(failures).toHaveLength(1);
    expect(log.compactionFailure).toBe(failures[0]);
    expect(lines(path)).toHaveLength(13);
    expect(log.entries.get("a")?.n).toBe(13); // on disk, so applied
    // Not tried again at every append, and every change still reaches the file.
    for (let n = 14; n <= 20; n++) log.put({ id: "b", state: "FILLED", n });
    log.remove(["a"]);
    expect(failures).toHaveLength(1);
    expect(lines(path)).toHaveLength(21);
    expect([
      ...JournalLog.read({ path, parse: (j) => entrySchema.parse(j), keyOf: (e: Entry) => e.id }),
    ]).toEqual([["b", { id: "b", state: "FILLED", n: 20 }]]);
    // Once the file has grown as much again (13 + 11 lines) the next try comes, and succeeds now.
    unblock();
    for (let n = 21; log.compactionFailure !== undefined || lines(path).length > 1; n++) {
      expect(n, "the compaction was never tried again").toBeLessThan(40);
      log.put({ id: "b", state: "FILLED", n });
    }
    expect(failures).toHaveLength(1);
    log.put({ id: "c", state: "PENDING", n: 1 });
    log.close();
    expect([...open(path).entries.keys()]).toEqual(["b", "c"]);
  });

  it("at open: the journal opens on the file as it was, its lost newline added, and appends go on", () => {
    const path = fresh();
    writeFileSync(path, '{"id":"a","state":"OPEN","n":1}\n{"id":"a","state":"OPEN","n":2}');
    const unblock = blockCompaction(path);
    const failures: unknown[] = [];
    const log = open(path, { onCompactionFailed: (e) => failures.push(e) });
    expect(failures).toHaveLength(1);
    expect(log.entries.get("a")?.n).toBe(2);
    log.put({ id: "b", state: "PENDING", n: 1 });
    log.close();
    expect(lines(path)).toHaveLength(3);
    unblock();
    const again = open(path);
    expect([...again.entries.values()]).toEqual([
      { id: "a", state: "OPEN", n: 2 },
      { id: "b", state: "PENDING", n: 1 },
    ]);
    expect(again.compactionFailure).toBeUndefined();
    expect(lines(path)).toHaveLength(2);
    again.close();
  });
});
