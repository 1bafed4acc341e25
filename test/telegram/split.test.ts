import { describe, expect, it } from "vitest";
import { bold, escapeHtml, htmlToPlain, table } from "../../src/telegram/format.js";
import { splitMessage, TELEGRAM_MAX_CHARS } from "../../src/telegram/split.js";

/** Throws unless every tag closes what it opened and every `&` starts a whole entity. */
function assertWellFormed(chunk: string): void {
  const open: string[] = [];
  for (const m of chunk.matchAll(/<(\/?)([a-z-]+)[^>]*>|&[^;\s]*;?/g)) {
    if (m[0].startsWith("&")) {
      expect(m[0]).toMatch(/^&(amp|lt|gt|quot|#\d+);$/);
      continue;
    }
    if (m[1]) expect(open.pop()).toBe(m[2]);
    else open.push(m[2] as string);
  }
  expect(open).toEqual([]);
  // No stray "<" from a cut tag.
  expect(chunk.replace(/<\/?[a-z-]+[^<>]*>/g, "")).not.toMatch(/[<>]/);
}

function report(chars: number): string {
  const parts: string[] = [];
  let i = 0;
  while (parts.join("\n").length < chars) {
    i++;
    parts.push(`${bold(`Bot #${i} <scanner> & friends`)} checked ${i * 7} symbols`);
    const rows = Array.from({ length: 12 }, (_, r) => [`SYM${i}_${r}<x>`, `${r * 13}.25`, `$${i},${r}00.00`]);
    parts.push(table(rows, { header: ["Symbol", "Qty", "Value"] }));
    parts.push(escapeHtml(`Note: "quotes" & <angles> stay text; ünïcødé 🚀 ${"word ".repeat(20)}`));
  }
  return parts.join("\n");
}

describe("splitMessage", () => {
  it("returns a short message as is", () => {
    expect(splitMessage("<b>hi</b>")).toEqual(["<b>hi</b>"]);
  });

  it("splits a 20,000-character report into balanced chunks that keep all the text", () => {
    const text = report(20_000);
    expect(text.length).toBeGreaterThanOrEqual(20_000);
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
      assertWellFormed(c);
    }
    expect(htmlToPlain(chunks.join(""))).toBe(htmlToPlain(text));
    // A <pre> table cut in two is closed and reopened, so both halves stay monospaced.
    const cutInPre = chunks.findIndex((c, k) => k > 0 && c.startsWith("<pre>"));
    expect(cutInPre).toBeGreaterThan(0);
    expect(chunks[cutInPre - 1]?.endsWith("</pre>")).toBe(true);
  });

  it("cuts a line longer than a chunk without breaking tags, attributes, entities or emoji", () => {
    const long = `<pre><code class="language-text">${"&lt;🚀x".repeat(3_000)}</code></pre>`;
    const chunks = splitMessage(long, 1000);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(1000);
      expect(c.startsWith('<pre><code class="language-text">')).toBe(true);
      expect(c.endsWith("</code></pre>")).toBe(true);
      assertWellFormed(c);
      expect(c).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
    }
    expect(htmlToPlain(chunks.join(""))).toBe(htmlToPlain(long));
  });

  it("prefers to cut at a line end", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"x".repeat(50)}`);
    const chunks = splitMessage(lines.join("\n"), 1000);
    for (const c of chunks.slice(0, -1)) expect(c.endsWith("\n")).toBe(true);
  });
});
