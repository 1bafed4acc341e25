import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Fill, fillToJson, parseFillJson } from "../src/portfolio/fill.js";
import { JsonLinesFile, Store, StoreError } from "../src/store/index.js";
import { tempStatePath } from "./support/exchange.js";

function tempState(): string {
  return join(mkdtempSync(join(tmpdir(), "mpb-store-")), "sim", "state.json");
}

async function expectStoreError(p: Promise<unknown>, text: RegExp): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(StoreError);
  await expect(p).rejects.toThrow(text);
}

describe("store", () => {
  it("creates a private file in a 0700 directory and reopens it", async () => {
    const path = tempState();
    const store = await Store.open({ path, mode: "sim", now: 1 });
    await store.update((s) => (s.bots.scanner = { paused: true }));
    await store.close();
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o077).toBe(0);
    const again = await Store.open({ path, mode: "sim", now: 2 });
    expect(again.state.bots.scanner?.paused).toBe(true);
    expect(again.state.createdAt).toBe(1);
    await again.close();
  });

  it("lands every one of many concurrent updates, each awaited one on disk", async () => {
    const path = tempState();
    const store = await Store.open({ path, mode: "sim", now: 1 });
    const N = 500;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        store
          .update((s) => (s.bots[`b${i}`] = { paused: false, lastRunAt: i }))
          .then(() => {
            // Resolved means written: the file already holds this change.
            const onDisk = JSON.parse(readFileSync(path, "utf8")) as { bots: Record<string, unknown> };
            expect(onDisk.bots[`b${i}`]).toBeDefined();
          }),
      ),
    );
    await store.close();
    const final = JSON.parse(readFileSync(path, "utf8")) as { bots: Record<string, unknown> };
    expect(Object.keys(final.bots)).toHaveLength(N);
  });

  it("refuses a second instance on the same file", async () => {
    const path = tempState();
    const store = await Store.open({ path, mode: "sim", now: 1 });
    await expectStoreError(Store.open({ path, mode: "sim", now: 1 }), /in use by another running instance/);
    await store.close();
  });

  it("refuses a damaged file and leaves it untouched", async () => {
    const path = tempState();
    await (await Store.open({ path, mode: "sim", now: 1 })).close();
    const damaged = '{"version": 1, "createdAt": 1, "mode": "sim", "bots": {';
    writeFileSync(path, damaged);
    await expectStoreError(Store.open({ path, mode: "sim", now: 1 }), /damaged: it is not valid JSON/);
    expect(readFileSync(path, "utf8")).toBe(damaged);
  });

  it.each([
    ["an unknown file", '{"hello": "world"}', /not a state file/],
    ["a newer version", '{"version": 99, "createdAt": 1, "mode": "sim"}', /newer version/],
    ["a wrong field", '{"version": 1, "createdAt": "yesterday", "mode": "sim"}', /createdAt/],
    ["another mode's file", '{"version": 1, "createdAt": 1, "mode": "live"}', /belongs to live mode/],
  ])("refuses %s with a clear message and never overwrites it", async (_name, text, message) => {
    const path = tempState();
    await (await Store.open({ path, mode: "sim", now: 1 })).close();
    writeFileSync(path, text);
    await expectStoreError(Store.open({ path, mode: "sim", now: 1 }), message);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("leaves a readable file when the writing process is killed mid-write", async () => {
    const path = tempState();
    let last = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "fixtures/store-writer.ts"), path],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((r) => setTimeout(r, 60 + round * 37));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      // The next open must succeed (stale lock taken over) and see a whole, newer state.
      const store = await Store.open({ path, mode: "sim", now: 1 });
      const n = store.state.bots.counter?.lastRunAt ?? 0;
      expect(n).toBeGreaterThan(last);
      expect(store.state.bots[`bot-1999`]?.lastRunAt).toBe(n);
      last = n;
      await store.close();
    }
  });
});

describe("store defaults", () => {
  it("two new stores in one process do not share their sections", async () => {
    const a = await Store.open({ path: tempStatePath(), mode: "sim", now: 1 });
    const b = await Store.open({ path: tempStatePath(), mode: "sim", now: 1 });
    await a.update((s) => {
      s.ledger.cursors.BTCUSDC = { lastTime: 5 };
      s.bots.x = { paused: true };
      s.risk.trippedAt = 1;
      s.killSwitch.active = true;
    });
    expect(b.state.ledger.cursors).toEqual({});
    expect(b.state.bots).toEqual({});
    expect(b.state.risk).toEqual({});
    expect(b.state.killSwitch.active).toBe(false);
    await a.close();
    await b.close();
  });
});

/** A fill as fills.jsonl holds it. */
const fillLine = (id: string) =>
  JSON.stringify({
    id,
    symbol: "BTCUSDC",
    base: "BTC",
    quote: "USDC",
    side: "BUY",
    price: "60000",
    qty: "0.001",
    quoteQty: "60",
    fee: "0.06",
    feeAsset: "USDC",
    time: 1_700_000_000_000,
    orderId: "1",
    isMaker: false,
    source: "exchange",
  });

function fillsFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
  writeFileSync(path, text);
  return path;
}

function expectDamaged(path: string, line: number): StoreError {
  let err: unknown;
  try {
    JsonLinesFile.open<Fill>(path, parseFillJson);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StoreError);
  const message = (err as StoreError).message;
  expect(message).toContain(path);
  expect(message).toContain(`line ${line}`);
  // What to do, in words: not the parser's JSON dump of every issue.
  expect(message).toMatch(/then start again/);
  expect(message).not.toContain('"code"');
  expect(message).not.toContain("\n");
  return err as StoreError;
}

describe("fills.jsonl (issue 13, defects 5 and 6)", () => {
  it("a damaged line names the file, the line and what to do, and the file is left as it is", () => {
    const text = `${fillLine("1")}\n{"id":"2","symbol":"BTCUSDC","side":"BUY"}\n${fillLine("3")}\n`;
    const path = fillsFile(text);
    const err = expectDamaged(path, 2);
    expect(err.message).toMatch(/price|base|quote/);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("a last line that is valid JSON but not a fill is damage, not a torn write: refused, never cut off", () => {
    const text = `${fillLine("1")}\n{"id":"2","price":"oops"}`;
    const path = fillsFile(text);
    expectDamaged(path, 2);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("a line that is not JSON in the middle is damage too", () => {
    const text = `${fillLine("1")}\n{"id":"2",\n${fillLine("3")}\n`;
    const path = fillsFile(text);
    expectDamaged(path, 2);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("a complete last line without its newline is kept, and the next append starts on a line of its own", () => {
    const path = fillsFile(`${fillLine("1")}\n${fillLine("2")}`);
    const file = JsonLinesFile.open<Fill>(path, parseFillJson);
    expect(file.items.map((f) => f.id)).toEqual(["1", "2"]);
    // Repaired at open, before any append, and said so.
    expect(readFileSync(path, "utf8")).toBe(`${fillLine("1")}\n${fillLine("2")}\n`);
    expect(file.repairs).toEqual(["the last line (2) had no final newline: added"]);
    file.append([parseFillJson(JSON.parse(fillLine("3")))], fillToJson);
    const again = JsonLinesFile.open<Fill>(path, parseFillJson);
    expect(again.items.map((f) => f.id)).toEqual(["1", "2", "3"]);
  });

  it("a torn last line (a write cut short) is cut off at open and kept aside, so nothing is lost", () => {
    const torn = fillLine("2").slice(0, 40);
    const path = fillsFile(`${fillLine("1")}\n${torn}`);
    const file = JsonLinesFile.open<Fill>(path, parseFillJson);
    expect(file.items.map((f) => f.id)).toEqual(["1"]);
    expect(readFileSync(path, "utf8")).toBe(`${fillLine("1")}\n`);
    expect(readFileSync(`${path}.torn`, "utf8")).toContain(torn);
    expect(file.repairs[0]).toMatch(/line 2 was torn .*kept in .*fills\.jsonl\.torn/);
    file.append([parseFillJson(JSON.parse(fillLine("3")))], fillToJson);
    expect(JsonLinesFile.open<Fill>(path, parseFillJson).items.map((f) => f.id)).toEqual(["1", "3"]);
  });
});

describe("fills.jsonl read by a tool (the suite may be appending)", () => {
  it("reads the records and changes nothing: no newline added, no torn tail cut", () => {
    const complete = `${fillLine("1")}\n${fillLine("2")}`;
    const torn = `${fillLine("1")}\n${fillLine("2").slice(0, 40)}`;
    for (const text of [complete, torn]) {
      const path = fillsFile(text);
      expect(JsonLinesFile.read<Fill>(path, parseFillJson).length).toBe(text === complete ? 2 : 1);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });
});

describe("fills.jsonl read line by line (issue 15)", () => {
  it("reads lines across 1 MiB chunks, a line longer than a chunk, multi-byte characters cut by a chunk", () => {
    // Records of assorted sizes with "é" and "€" (2 and 3 bytes) everywhere, so chunk boundaries fall inside them.
    const records = Array.from({ length: 3000 }, (_, i) => ({ i, text: "é€".repeat((i * 7919) % 700) }));
    records.push({ i: 3000, text: "€".repeat(1_500_000) }); // 4.5 MB: longer than a chunk
    records.push({ i: 3001, text: "end" });
    const text = `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
    const path = fillsFile(text);
    const parse = (v: unknown) => v as { i: number; text: string };
    const file = JsonLinesFile.open(path, parse);
    expect(file.items).toEqual(records);
    expect(file.records).toBe(records.length);
    expect(file.bytes).toBe(Buffer.byteLength(text));
    expect(JsonLinesFile.read(path, parse)).toEqual(records);
    // Kept nothing, saw everything, each line once, with its number.
    const seen: number[] = [];
    const visit = (_: unknown, line: { index: number }) => seen.push(line.index);
    const lean = JsonLinesFile.open(path, parse, { keep: false, visit });
    expect(lean.items).toEqual([]);
    expect(lean.records).toBe(records.length);
    expect(seen).toEqual(records.map((_, i) => i));
  });

  it("a torn last line after many chunks is cut off at the right byte", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => fillLine(String(i + 1)));
    const whole = `${lines.join("\n")}\n`;
    const path = fillsFile(`${whole}${fillLine("20001").slice(0, 50)}`);
    const file = JsonLinesFile.open<Fill>(path, parseFillJson);
    expect(file.items).toHaveLength(20_000);
    expect(file.bytes).toBe(Buffer.byteLength(whole));
    expect(statSync(path).size).toBe(Buffer.byteLength(whole));
  });
});
