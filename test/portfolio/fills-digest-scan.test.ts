import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { type Fill, type FillJson, fillProblems, fillToJson } from "../../src/portfolio/fill.js";
import { type DigestOptions, FillsDigest } from "../../src/portfolio/fills-digest.js";
import { digestCheckpointPath } from "../../src/portfolio/fills-digest-checkpoint.js";
import { randomFills, rng } from "./random-fills.js";

const tempPath = () => join(mkdtempSync(join(tmpdir(), "mpb-digest-scan-")), "fills.jsonl");

/**
 * Fills of every kind the digest tells apart: bots' fills, manual ones (no client order id), imported ones, fills
 * written before attribution (no bot, with and without a client order id), odd order ids, repeated ids, times out
 * of order.
 */
function kinds(seed: number, n: number): FillJson[] {
  const r = rng(seed + 77);
  return randomFills(seed, n)
    .filter((f) => fillProblems(f).length === 0)
    .map((f): Fill => {
      const x = r();
      if (x < 0.1) {
        const { bot: _b, ...rest } = f;
        return { ...rest, source: "import", time: f.time - 400 * 86_400_000 };
      }
      if (x < 0.15) {
        const { bot: _b, ...rest } = f;
        return rest;
      }
      if (x < 0.18) return { ...f, orderId: x < 0.16 ? "" : "a:b,isMaker:true,source:", id: `hex${f.id}ab` };
      if (x < 0.2) return { ...f, isMaker: !f.isMaker, time: f.time - 86_400_000, source: "import" };
      return f;
    })
    .map(fillToJson);
}

const canonical = (j: FillJson) => JSON.stringify(j);

/** The same record written another way (a hand edit, another writer): valid, but not as fillToJson writes it. */
const EDITS: readonly ((j: FillJson) => string)[] = [
  (j) => JSON.stringify(Object.fromEntries(Object.entries(j).reverse())),
  (j) => JSON.stringify(j, null, 1).replace(/\n/g, ""),
  (j) => `${canonical(j).slice(0, -1)},"extra":{"a":[1,2]}}`,
  (j) => canonical(j).replace(/"time":(\d+)/, (_, t: string) => `"time":${Number(t) / 1e3}e3`),
  (j) => canonical(j).replace('"id":"', '"id":"\\u0041\\u00e9'),
  (j) =>
    canonical(j).replace(/"symbol":"(.)/, (_, c: string) => `"symbol":"\\u00${c.charCodeAt(0).toString(16)}`),
  (j) => canonical(j).replace('"orderId":"', '"orderId":"\\/é'),
  (j) => `${canonical(j)}\r`,
  (j) => ` ${canonical(j)}\t`,
  (j) => canonical({ ...j, clientOrderId: "ünïcode-1" }),
  (j) => canonical(j).replace(/}$/, ',"bot":"twice"}'),
];

/** Lines the open refuses: the read must stop on them, naming the file and the line, both ways. */
const BAD: readonly ((j: FillJson) => string)[] = [
  (j) => canonical(j).slice(0, -1),
  () => "[]",
  () => "7",
  () => "{}",
  (j) => canonical({ ...j, price: "1e3" }),
  (j) => canonical({ ...j, qty: "0" }),
  (j) => canonical({ ...j, bot: "Bad Bot" }),
  (j) => canonical({ ...j, symbol: `${j.base}X` }),
  (j) => canonical(j).replace('"bot":"', '"bot":null,"x":"'),
  (j) => canonical({ ...j, side: "BUY", feeAsset: j.base, qty: "0.5", fee: "0.50000001" }),
];

/** Every field the digest exposes, what the open left on disk, or the error it threw, for the given file. */
function opened(path: string, content: Buffer, opts: DigestOptions, checkpoint?: string): unknown {
  writeFileSync(path, content);
  const cp = digestCheckpointPath(path);
  rmSync(`${path}.torn`, { force: true });
  if (checkpoint === undefined) rmSync(cp, { force: true });
  else writeFileSync(cp, checkpoint);
  const disk = () => ({
    file: readFileSync(path, "latin1"),
    torn: existsSync(`${path}.torn`) ? readFileSync(`${path}.torn`, "latin1") : undefined,
    checkpoint: existsSync(cp) ? readFileSync(cp, "utf8") : undefined,
  });
  let d: FillsDigest;
  try {
    d = FillsDigest.open(path, opts);
  } catch (e) {
    return { error: (e as Error).message, ...disk() };
  }
  return {
    origin: d.origin,
    records: d.records,
    lines: d.file.lines,
    bytes: d.file.bytes,
    repairs: d.file.repairs,
    ids: [...d.ids],
    idsSize: d.ids.size,
    pairs: [...d.pairs],
    manual: [...d.manual],
    unattributed: d.unattributed,
    firstExchangeFill: [...d.firstExchangeFill],
    blocks: d.blocks,
    recentKept: d.recentKept,
    firstHeld: d.firstHeld,
    lastId: d.lastId,
    recent: d.recent,
    held: d.heldSince(0, 0, d.records),
    ...disk(),
  };
}

/** The digest the byte scanner's read gives and the one JSON.parse alone gives, for the same bytes. */
function bothWays(content: Buffer | string, opts: DigestOptions = {}, checkpoint?: string) {
  const path = tempPath();
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  const reference = opened(path, bytes, { ...opts, byteScan: false }, checkpoint);
  const scanned = opened(path, bytes, opts, checkpoint);
  return { reference, scanned };
}

const OPTIONS: readonly DigestOptions[] = [
  { checkpoint: false, readOnly: true },
  { checkpoint: false, readOnly: true, recent: 1 },
  { checkpoint: false, recent: 3, saveEvery: 1 },
  { recent: 40, saveEvery: 1 },
];

function expectSame(content: Buffer | string, checkpoint?: string, options = OPTIONS): void {
  for (const opts of options) {
    const { reference, scanned } = bothWays(content, opts, checkpoint);
    expect(scanned, JSON.stringify(opts)).toEqual(reference);
  }
}

const text = (lines: readonly string[]) => `${lines.join("\n")}\n`;

describe("the digest's read of fills.jsonl through the byte scanner", () => {
  const fills = kinds(31, 600);
  const lines = fills.map(canonical);

  it("gives the digest JSON.parse gives on the ledger's own lines, out of order and with repeated ids", () => {
    const repeated = [...lines, ...lines.slice(100, 140), ...lines.slice(0, 3)];
    expectSame(text(lines));
    expectSame(text(repeated));
    expectSame(text(lines.slice(0, 1)));
    expectSame("");
    expectSame("\n\n");
  });

  it("gives the same digest where lines were edited by hand, blank or not valid UTF-8", () => {
    const r = rng(5);
    const edited = lines.map((l, i) => {
      const x = r();
      if (x < 0.3) return (EDITS[i % EDITS.length] as (j: FillJson) => string)(fills[i] as FillJson);
      return x < 0.33 ? "" : l;
    });
    expectSame(text(edited));
    expectSame(text(EDITS.map((e) => e(fills[0] as FillJson))));
    // A byte that is no UTF-8 in an id: the open counts the replacement character's three bytes for it.
    const bad = Buffer.from(text(lines.slice(0, 50)).replace('"id":"2', '"id":"\u00ff2'), "latin1");
    expectSame(bad);
    expectSame(Buffer.concat([Buffer.from(text(lines.slice(50, 60))), bad]));
  });

  it("gives the same torn, unterminated and damaged last lines", () => {
    const head = lines.slice(0, 300);
    expectSame(`${text(head)}${(lines[300] as string).slice(0, 77)}`);
    expectSame(`${text(head)}${lines[300]}`);
    expectSame(`${text(head)}${EDITS[1]?.(fills[300] as FillJson)}`);
    expectSame(`${text(head)}{"id":`);
    expectSame(`${text(head)}{"id":\n`);
    expectSame(`${text(head)}\n{"id":`);
  });

  it("stops on the same bad line with the same error, wherever it is", () => {
    for (const [k, bad] of BAD.entries()) {
      const at = 40 + k * 53;
      const line = bad(fills[at] as FillJson);
      expectSame(text([...lines.slice(0, at), line, ...lines.slice(at)]));
      expectSame(text([EDITS[0]?.(fills[0] as FillJson) as string, line]));
      expectSame(text([line]));
    }
  });

  it("reads on from a checkpoint the same way", () => {
    const path = tempPath();
    writeFileSync(path, text(lines.slice(0, 250)));
    FillsDigest.open(path, { saveEvery: 1, recent: 40 });
    const checkpoint = readFileSync(digestCheckpointPath(path), "utf8");
    const later = lines
      .slice(250)
      .map((l, i) => (i % 7 === 3 ? (EDITS[i % EDITS.length]?.(fills[250 + i] as FillJson) as string) : l));
    expectSame(text([...lines.slice(0, 250), ...later]), checkpoint);
    expectSame(`${text([...lines.slice(0, 250), ...later])}{"id`, checkpoint);
    expectSame(text([...lines.slice(0, 250), ...later.slice(0, 9), "{}", ...later.slice(9)]), checkpoint);
  });

  it("gives the same digest after any one byte of a line is changed", () => {
    const r = rng(9);
    const small = lines.slice(0, 12);
    const alphabet = '"\\:,{}09aAzZ.-_ \u00e9';
    for (let k = 0; k < 400; k++) {
      const at = Math.floor(r() * small.length);
      const line = small[at] as string;
      const p = Math.floor(r() * line.length);
      const ch = alphabet[Math.floor(r() * alphabet.length)] as string;
      const changed = [
        ...small.slice(0, at),
        line.slice(0, p) + ch + line.slice(p + 1),
        ...small.slice(at + 1),
      ];
      expectSame(text(changed), undefined, OPTIONS.slice(0, 1));
    }
  });

  it("takes the ledger's own lines through the scanner, the rest through JSON.parse", () => {
    const path = tempPath();
    writeFileSync(
      path,
      text([...lines.slice(0, 500), EDITS[0]?.(fills[500] as FillJson) as string, ...lines.slice(501)]),
    );
    const parse = vi.spyOn(JSON, "parse");
    try {
      const d = FillsDigest.open(path, { checkpoint: false, readOnly: true, recent: 5 });
      // The edited line, and the last fills kept (up to twice `recent` until trimmed).
      expect(parse.mock.calls.length).toBe(1 + (d.records - d.firstHeld));
    } finally {
      parse.mockRestore();
    }
    // Lines longer than a read of the file (4 MiB): the scanner's reader grows its buffer.
    const long = canonical({ ...(fills[1] as FillJson), orderId: "o".repeat(5 << 20) });
    const once = OPTIONS.slice(2, 3);
    expectSame(text([lines[0] as string, long, lines[2] as string]), undefined, once);
    expectSame(
      text([
        lines[0] as string,
        EDITS[2]?.({ ...(fills[1] as FillJson), orderId: "é".repeat(3 << 20) }) as string,
      ]),
      undefined,
      once,
    );
  });
});
