import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The house rules of docs/ARCHITECTURE.md, checked on the source itself so a change that breaks one is red:
 * file and function sizes, and which room may import which.
 */
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const SRC = join(ROOT, "src");

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
/** A function may run longer when a comment right above it says why, starting with this marker. */
const LONG_FUNCTION_MARKER = "long-function:";

/** The bots themselves; the rest of bots/ (runtime, events, book-buy, market data…) is shared by them. */
const BOT_FILES = new Set([
  "bots/market-scanner.ts",
  "bots/balance-buyer.ts",
  "bots/balancer-5050.ts",
  "bots/profit-seller.ts",
  "bots/orders-reporter.ts",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith(".ts") ? [p] : [];
  });
}

const files = sourceFiles(SRC).map((abs) => ({
  abs,
  rel: relative(SRC, abs).split("\\").join("/"),
  text: readFileSync(abs, "utf8"),
}));

function roomOf(rel: string): string {
  return rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : rel.replace(/\.ts$/, "");
}

/** Every relative module a file imports or re-exports, static or dynamic, resolved to a path under src/. */
function importsOf(file: { abs: string; text: string }): string[] {
  const found: string[] = [];
  const re = /(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of file.text.matchAll(re)) {
    const target = resolve(dirname(file.abs), m[1] as string).replace(/\.js$/, ".ts");
    found.push(relative(SRC, target).split("\\").join("/"));
  }
  return found;
}

function violationsOf(rule: (from: string, to: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const to of importsOf(f)) {
      const why = rule(f.rel, to);
      if (why) out.push(`${f.rel} → ${to}: ${why}`);
    }
  }
  return out;
}

describe("the house rules", () => {
  it(`no file in src/ is over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((f) => ({ rel: f.rel, lines: f.text.split("\n").length }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.rel}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it(`no function in src/ is over ${MAX_FUNCTION_LINES} lines without a "${LONG_FUNCTION_MARKER}" comment`, () => {
    const long: string[] = [];
    for (const f of files) {
      const sf = ts.createSourceFile(f.rel, f.text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
          const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
          const lines = end - start + 1;
          const comments = ts.getLeadingCommentRanges(f.text, node.getFullStart()) ?? [];
          const holder =
            node.parent && ts.isVariableDeclaration(node.parent) ? node.parent.parent?.parent : undefined;
          const holderComments = holder
            ? (ts.getLeadingCommentRanges(f.text, holder.getFullStart()) ?? [])
            : [];
          const excused = [...comments, ...holderComments].some((c) =>
            f.text.slice(c.pos, c.end).includes(LONG_FUNCTION_MARKER),
          );
          if (lines > MAX_FUNCTION_LINES && !excused) long.push(`${f.rel}:${start + 1}: ${lines} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it("telegram reads neither api nor store, and of bots only their event types", () => {
    const bad = violationsOf((from, to) => {
      if (roomOf(from) !== "telegram") return undefined;
      if (roomOf(to) === "api" || roomOf(to) === "store") return "telegram reads through the query facade";
      if (roomOf(to) === "bots" && to !== "bots/events.ts") return "telegram knows bots only by their events";
      return undefined;
    });
    expect(bad).toEqual([]);
  });

  it("bots do not render Telegram messages, and no bot imports another", () => {
    const bad = violationsOf((from, to) => {
      if (roomOf(from) !== "bots") return undefined;
      if (roomOf(to) === "telegram") return "bots emit data; telegram renders it";
      if (BOT_FILES.has(to) && from !== to) return "a bot never reaches into another bot";
      return undefined;
    });
    expect(bad).toEqual([]);
  });

  it("the lower rooms never import the ones above them", () => {
    const allowed: Record<string, ReadonlySet<string>> = {
      // The simulator must stay an independent exchange: it may use the clock and nothing else of ours.
      sim: new Set(["sim", "clock", "decimal"]),
      api: new Set(["api", "clock", "decimal"]),
      filters: new Set(["filters", "decimal"]),
      store: new Set(["store", "decimal", "clock"]),
      history: new Set(["history", "api", "store", "clock", "env", "log"]),
    };
    const bad = violationsOf((from, to) => {
      const ok = allowed[roomOf(from)];
      if (!ok || ok.has(roomOf(to))) return undefined;
      return `${roomOf(from)}/ may import only ${[...ok].join(", ")}`;
    });
    const portfolioToTrading = violationsOf((from, to) =>
      roomOf(from) === "portfolio" && roomOf(to) === "trading"
        ? "portfolio reads the journal through OrderJournalView"
        : undefined,
    );
    const intoHistory = violationsOf((from, to) =>
      roomOf(to) === "history" && roomOf(from) !== "history" && roomOf(from) !== "cli"
        ? "only the history CLI uses history/"
        : undefined,
    );
    expect([...bad, ...portfolioToTrading, ...intoHistory]).toEqual([]);
  });
});
