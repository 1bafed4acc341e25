import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  amount,
  bold,
  code,
  escapeAttr,
  escapeHtml,
  htmlToPlain,
  link,
  percent,
  pre,
  price,
  table,
  usd,
} from "../../src/telegram/format.js";

describe("HTML escaping", () => {
  it("escapes &, < and > in text, and quotes in attributes", () => {
    expect(escapeHtml(`a < b && c > "d"`)).toBe(`a &lt; b &amp;&amp; c &gt; "d"`);
    expect(escapeAttr(`x" onclick="y`)).toBe("x&quot; onclick=&quot;y");
  });

  it("keeps tags in user-provided text as text", () => {
    expect(bold("<b>PEPE</b> & co")).toBe("<b>&lt;b&gt;PEPE&lt;/b&gt; &amp; co</b>");
    expect(code("</code><i>")).toBe("<code>&lt;/code&gt;&lt;i&gt;</code>");
    expect(pre("a<b")).toBe("<pre>a&lt;b</pre>");
    expect(link(`https://x.test/?a=1&b="2"`, "<x>")).toBe(
      `<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">&lt;x&gt;</a>`,
    );
  });

  it("turns HTML back into what a person reads", () => {
    expect(htmlToPlain(bold("<b>x</b> & y") + " &#36;5 &#x41;")).toBe("<b>x</b> & y $5 A");
  });
});

describe("money", () => {
  it("formats dollars from strings and Decimals without going through a JS number", () => {
    expect(usd("1234567.891")).toBe("$1,234,567.89");
    expect(usd(new D("0.005"))).toBe("$0.01");
    expect(usd("-0.004")).toBe("$0.00");
    expect(usd("-15.5")).toBe("-$15.50");
    expect(usd("12.5", { signed: true })).toBe("+$12.50");
    expect(usd("0", { signed: true })).toBe("$0.00");
    // Beyond a double's 15-16 digits: a trip through Number would change the figure.
    expect(usd("12345678901234567890.125")).toBe("$12,345,678,901,234,567,890.13");
  });

  it("prints prices, quantities and percentages readably", () => {
    expect(price("0.00001234567")).toBe("$0.00001235");
    expect(price("0.5")).toBe("$0.50");
    expect(price("97123.456")).toBe("$97,123.46");
    expect(price("3.14159")).toBe("$3.1416");
    expect(amount("0.00150000", "BTC")).toBe("0.0015 BTC");
    expect(amount("1200.000000001", "USDC")).toBe("1,200 USDC");
    expect(amount("-2.5")).toBe("-2.5");
    expect(percent("3.254")).toBe("+3.25%");
    expect(percent(new D("-0.4"))).toBe("-0.40%");
    expect(percent("12.34", 1, false)).toBe("12.3%");
  });
});

describe("table", () => {
  it("aligns columns in a <pre> block, numbers to the right, and escapes cells", () => {
    const t = table(
      [
        ["BTC", "0.0015", "$97,000.00"],
        ["<ETH>", "1.25", "$3,400.00"],
      ],
      { header: ["Asset", "Qty", "Price"] },
    );
    expect(t).toBe(
      [
        "<pre>Asset     Qty       Price",
        "─────  ──────  ──────────",
        "BTC    0.0015  $97,000.00",
        "&lt;ETH&gt;    1.25   $3,400.00</pre>",
      ].join("\n"),
    );
  });
});
