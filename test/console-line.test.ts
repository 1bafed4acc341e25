import { describe, expect, it } from "vitest";
import { CONSOLE_WIDTH, prettyLine } from "../src/console-line.js";

const T = Date.UTC(2026, 11, 2, 2, 40, 3);
const line = (rec: Record<string, unknown>, color = false) =>
  prettyLine(JSON.stringify({ level: 30, time: T, ...rec }), color);

describe("the console in a terminal", () => {
  it("shows a decision as bot, verdict and summary: the reasons stay in the file", () => {
    const reasons = [
      "free USDC 498 (after keeping 2): budget 100 (max 100)",
      "no BTC or ETH held yet: 60/40",
    ];
    const out = line({
      component: "bot",
      msg: "decision",
      bot: "buyer",
      acted: true,
      summary: "bought BTC 59.97 USDC",
      reasons,
      durationMs: 51,
    });
    expect(out).toBe("02:40:03 INFO  buyer    ✔ bought BTC 59.97 USDC\n");
    expect(line({ msg: "decision", bot: "pnl", acted: false, summary: "no positions to check" })).toBe(
      "02:40:03 INFO  pnl      · no positions to check\n",
    );
  });

  it("shows an order's move in one line", () => {
    const out = line({
      component: "trading",
      msg: "order PENDING → OPEN",
      clientOrderId: "buyer-0mx5ipywml06k7c",
      bot: "buyer",
      symbol: "BTCUSDC",
      side: "BUY",
      from: "PENDING",
      to: "OPEN",
      executedQty: "0",
      note: "acknowledged",
    });
    expect(out).toBe("02:40:03 INFO  buyer    order BTCUSDC BUY PENDING → OPEN (acknowledged)\n");
  });

  it("leaves out the pre-flight's records (its table is printed) and messages the console sink printed", () => {
    expect(
      line({ component: "main", msg: "pre-flight clock: within 68 ms", check: "clock", status: "pass" }),
    ).toBe("");
    expect(line({ level: 50, msg: "pre-flight api key: refused", check: "api key", status: "fail" })).toBe(
      "",
    );
    expect(line({ msg: "message sent", sink: "console", text: "Orders report\nNo orders." })).toBe("");
  });

  it("shows a message sent to Telegram once, as its first line", () => {
    expect(
      line({
        msg: "message sent",
        sink: "telegram",
        type: "report",
        text: "Orders report\nperiod\nNo orders.",
      }),
    ).toBe("02:40:03 INFO  [telegram] ✉ Orders report (+2 lines)\n");
  });

  it("keeps every record on one line and routine ones within the width; warnings are never cut", () => {
    const long = "x".repeat(300);
    const info = line({ component: "api", msg: "slow answer", detail: long });
    expect(info.endsWith("…\n")).toBe(true);
    expect(info.length - 1).toBeLessThanOrEqual(CONSOLE_WIDTH);
    const warn = line({ level: 40, component: "bot", msg: "run failed", detail: `first\nsecond ${long}` });
    expect(warn.split("\n")).toHaveLength(2);
    expect(warn).toContain("first ⏎ second");
    expect(warn).toContain(long);
    // Colour codes take no room: a coloured line is cut at the same visible width.
    const coloured = line({ component: "api", msg: "slow answer", detail: long }, true);
    const esc = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    expect(coloured.replace(esc, "")).toBe(info);
  });

  it("passes a line that is not JSON through unchanged", () => {
    expect(prettyLine("not json", false)).toBe("not json\n");
  });
});
