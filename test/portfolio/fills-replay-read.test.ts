import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExactFill } from "../../src/portfolio/fast-book.js";
import {
  checkFillJson,
  compareFills,
  type Fill,
  fillProblems,
  fillToJson,
} from "../../src/portfolio/fill.js";
import { FillColumns } from "../../src/portfolio/fill-columns.js";
import { LineScanner } from "../../src/portfolio/fill-line-scan.js";
import { exactFill, readExactFills } from "../../src/portfolio/fills-replay.js";
import { JsonLinesFile } from "../../src/store/index.js";
import { randomFills } from "./random-fills.js";

const tempPath = () => join(mkdtempSync(join(tmpdir(), "mpb-replay-read-")), "fills.jsonl");
const write = (lines: readonly string[]) => {
  const path = tempPath();
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};
const read = (path: string) => readExactFills(path, statSync(path).size);
/** Whether the line takes the byte scan (the ledger's own lines), not JSON.parse and the schema. */
const fast = (line: string): boolean => {
  const buf = Buffer.from(line);
  return new LineScanner(new FillColumns()).scan(buf, 0, buf.length);
};
const verdict = (f: () => unknown): string => {
  try {
    f();
    return "ok";
  } catch (e) {
    return (e as Error).message.replace(/ is damaged: .*/s, " is damaged");
  }
};

describe("the full replay's read of fills.jsonl (issue 15)", () => {
  it("gives what JSON.parse and the schema give, for the lines fillToJson writes and for lines written by hand", () => {
    const fills = randomFills(21, 400).filter((f) => fillProblems(f).length === 0);
    const canonical = fills.map((f) => JSON.stringify(fillToJson(f)));
    // The same records with their keys in another order, and spaced: only the slow path reads them.
    const byHand = fills.map((f) =>
      JSON.stringify(Object.fromEntries(Object.entries(fillToJson(f)).reverse()), null, 1).replace(/\n/g, ""),
    );
    const want = fills.map((f) => exactFill(fillToJson(f))).sort(compareFills);
    expect(read(write(canonical))).toEqual(readExactFills(write(byHand), Infinity));
    expect(read(write(canonical)).map((f) => f.id)).toEqual(want.map((f) => f.id));
    expect(read(write(canonical))).toEqual(want);
    // The ledger's own lines take the fast path; the ones by hand do not.
    expect(canonical.every(fast)).toBe(true);
    expect(byHand.some(fast)).toBe(false);
  });

  it("refuses every line the open refuses, naming the file and the line; accepts every line it accepts", () => {
    const good = fillToJson(
      randomFills(22, 50).find((f) => f.side === "SELL" && !fillProblems(f).length) as Fill,
    );
    const text = JSON.stringify(good);
    const buy = { ...good, side: "BUY" as const, feeAsset: good.base, qty: "0.5" };
    const cases: string[] = [
      text,
      text.replace(/"time":\d+/, '"time":0123'),
      text.replace(/"time":\d+/, '"time":1e3'),
      text.replace(/"id":"[^"]*"/, '"id":"a\tb"'),
      text.replace(/"id":"[^"]*"/, '"id":"a\\u0041"'),
      text.replace(/"price":"[^"]*"/, '"price":"0.000"'),
      text.replace(/"qty":"[^"]*"/, '"qty":"0"'),
      text.replace(/"qty":"[^"]*"/, '"qty":"00.0001"'),
      text.replace(/"symbol":"[^"]*"/, `"symbol":"${good.base}X"`),
      text.replace(/"side":"[^"]*"/, '"side":"HOLD"'),
      text.replace(/"source":"[^"]*"/, '"source":"web"'),
      JSON.stringify({ ...good, bot: "Bad Bot" }),
      JSON.stringify({ ...good, bot: "x" }),
      JSON.stringify({ ...good, clientOrderId: "" }),
      JSON.stringify({ ...buy, fee: "0.5" }),
      JSON.stringify({ ...buy, fee: "0.50000001" }),
      JSON.stringify({ ...good, price: "1e3" }),
      `${text.slice(0, -1)},"extra":1}`,
      text.slice(0, -1),
    ];
    expect(verdict(() => read(write([text])))).toBe("ok");
    expect(read(write([text]))).toHaveLength(1);
    for (const c of cases) {
      const path = write([text, c]);
      const open = verdict(() => JsonLinesFile.openReadOnly(path, checkFillJson));
      expect([c, verdict(() => read(path))]).toEqual([c, open]);
      if (open !== "ok") expect(open).toContain(`${path} line 2 is damaged`);
    }
  });
});

describe("the byte scan's plain strings (order ids)", () => {
  it("refuses a quote, a backslash, a control byte, DEL or a non-ASCII byte at any place of the order ids", () => {
    const fill = randomFills(23, 20).find((f) => !fillProblems(f).length) as Fill;
    // fillToJson's key order (a client order id before the bot), so that the plain lines are canonical.
    const line = (key: "orderId" | "clientOrderId", v: string) =>
      JSON.stringify(fillToJson({ ...fill, [key]: v }));
    const plain = "ab-0123456789_XYZ.~ !#$%&'()*+,/:;<=>?@[]^`{|}";
    // As JSON.stringify writes them: an escape (a backslash on the line), or the byte itself (DEL, UTF-8).
    const bad = ["\t", "\u001f", '"', "\\", "\u007f", "é", "\u0080"];
    for (const key of ["orderId", "clientOrderId"] as const)
      for (let at = 0; at <= plain.length; at++) {
        const value = plain.slice(0, at);
        // An empty client order id is refused by the schema; every other plain value takes the scan.
        if (key === "orderId" || value !== "") expect(fast(line(key, value))).toBe(true);
        for (const b of bad) {
          const texts = [line(key, `${value}${b}${plain.slice(at)}`)];
          // A control byte written raw too (by hand: JSON.stringify escapes it), which JSON.parse refuses.
          if (b < " ") texts.push(line(key, `${value}\u2603${plain.slice(at)}`).replace("\u2603", b));
          for (const text of texts) {
            expect(fast(text), `${key} ${JSON.stringify(text)}`).toBe(false);
            const path = write([text]);
            expect(verdict(() => read(path))).toBe(
              verdict(() => JsonLinesFile.openReadOnly(path, checkFillJson)),
            );
          }
        }
      }
  });
});

describe("the replay's fill columns", () => {
  it("grow from a small start, drop a repeated id (the first row wins) and order rows as compareFills does", () => {
    const fills = randomFills(23, 3000)
      .filter((f) => fillProblems(f).length === 0)
      .map((f) => exactFill(fillToJson(f)));
    // Ids of digits of several lengths, hex, and repeats with another time.
    const rows = fills.map((f, i) => ({
      ...f,
      id: i % 3 === 0 ? String(i % 700) : `x${(i * 7919).toString(16)}`,
    }));
    const columns = new FillColumns(16);
    const firsts = new Map<string, (typeof rows)[number]>();
    for (const f of rows) {
      expect(columns.pushFill(f)).toBe(!firsts.has(f.id));
      if (!firsts.has(f.id)) firsts.set(f.id, f);
    }
    const want = [...firsts.values()].sort(compareFills);
    expect(Array.from(columns.order(), (i) => columns.fill(i))).toEqual(want);
  });

  it("ids ascending for a while (no table kept), then out of order: every earlier id still found as a repeat", () => {
    const template = exactFill(fillToJson(randomFills(29, 1)[0] as Fill));
    const ascending = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
    const runs = [
      [...ascending(1), "1"],
      [...ascending(17), "17", "5", "18", "17"],
      [...ascending(600), "9", "601", "1", "600", "0", "599", "602"],
      // Above by length, then by code units at the same length (not compareIds' order): "b" after "ab", "10" after "9".
      ["9", "10", "1a", "2", "ab", "b", "9", "2", "b", "10"],
    ];
    for (const ids of runs) {
      const columns = new FillColumns(16);
      const firsts = new Map<string, ExactFill>();
      ids.forEach((id, i) => {
        const f = { ...template, id, time: template.time + i };
        expect(columns.pushFill(f)).toBe(!firsts.has(id));
        if (!firsts.has(id)) firsts.set(id, f);
      });
      const want = [...firsts.values()].sort(compareFills);
      expect(Array.from(columns.order(), (i) => columns.fill(i))).toEqual(want);
    }
  });
});
