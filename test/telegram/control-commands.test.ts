import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { buttons, GROUP, type Harness, messageId, OWNER, startHarness, text } from "./control-harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({
    values: [
      { time: Date.now() - 7_200_000, valueUsd: "1990" },
      { time: Date.now() - 3_600_000, valueUsd: "2010" },
      { time: Date.now(), valueUsd: "2000" },
    ],
  });
});
afterEach(async () => {
  await h.close();
});

describe("control bot commands, from the owner's private chat", () => {
  it("/start and /help list every command; the menu is registered with setMyCommands", async () => {
    for (const cmd of ["/start", "/help"]) {
      const reply = text(await h.replyTo(cmd));
      for (const c of ["/status", "/portfolio", "/pnl", "/orders", "/bots", "/pause", "/resume", "/stop"])
        expect(reply).toContain(c);
      expect(reply).toContain("/report");
      expect(reply).toContain("/chart");
      expect(reply).toContain("/config");
      expect(reply).toContain("SIM");
    }
    const menu = await h.fake.waitFor("setMyCommands");
    const names = (menu.params.commands as { command: string }[]).map((c) => c.command);
    expect(names).toEqual(expect.arrayContaining(["status", "portfolio", "pnl", "stop", "chart", "config"]));
  });

  it("/status shows the mode loudly, uptime, every bot, the kill switch and the exchange's limits", async () => {
    await h.runtime.pause("pnl");
    const call = await h.replyTo("/status");
    const s = text(call);
    expect(call.params.parse_mode).toBe("HTML");
    expect(s).toContain("<b>SIM</b>");
    expect(s).toMatch(/Up 1h 0\dm/);
    expect(s).toContain("<b>scanner</b> — active");
    expect(s).toContain("<b>pnl</b> — paused (paused by owner)");
    expect(s).toContain("Kill switch: off");
    expect(s).toMatch(/Exchange: \d+ requests/);
  });

  it("/portfolio values the simulator's balances and shows the allocation", async () => {
    const s = text(await h.replyTo("/portfolio"));
    expect(s).toContain("USDC");
    expect(s).toContain("USDT");
    expect(s).toMatch(/<b>Total<\/b>: \$(1,99\d|2,00\d)\.\d\d/);
    expect(s).toContain("stables 100.0%");
  });

  it("/pnl shows the position the ledger holds after a buy", async () => {
    expect(text(await h.replyTo("/pnl"))).toContain("No positions");
    await h.ex.client.newOrder({
      symbol: "BTCUSDC",
      side: "BUY",
      type: "MARKET",
      quoteOrderQty: new D("50"),
      clientOrderId: "manual-0000000000000buy",
    });
    await h.ledger.sync("BTCUSDC");
    const s = text(await h.replyTo("/pnl"));
    expect(s).toContain("BTC");
    expect(s).toContain("unrealized");
    expect(s).toContain("Realized today (UTC)");
  });

  it("/orders lists open orders and recent fills", async () => {
    const empty = text(await h.replyTo("/orders"));
    expect(empty).toContain("Open orders (0)");
    expect(empty).toContain("none yet");
    const out = await h.orders.place({
      bot: "scanner",
      reason: "resting <test> order",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: new D("0.01"),
      price: new D("2000"),
    });
    expect(out).toMatchObject({ kind: "placed" });
    const s = text(await h.replyTo("/orders"));
    expect(s).toContain("Open orders (1)");
    expect(s).toContain("<b>BUY BTCUSDC</b>");
    expect(s).toContain("resting &lt;test&gt; order");
  });

  it("/bots has Pause/Resume buttons that work and edit the list", async () => {
    const call = await h.replyTo("/bots");
    expect(buttons(call)).toEqual(["bot:p:scanner", "bot:p:pnl"]);
    h.press("bot:p:scanner", messageId(call));
    const edited = await h.fake.waitFor("editMessageText");
    expect(text(edited)).toContain("<b>scanner</b> — paused (paused by owner)");
    expect(buttons(edited)).toEqual(["bot:r:scanner", "bot:p:pnl"]);
    const answer = await h.fake.waitFor("answerCallbackQuery");
    expect(answer.params.text).toBe("Paused scanner");
    expect(h.runtime.status().find((b) => b.name === "scanner")?.paused).toBe(true);
  });

  it("/pause and /resume take a bot or all; a bad argument gets the usage with the bots' names", async () => {
    expect(text(await h.replyTo("/pause scanner"))).toContain("Paused <b>scanner</b>");
    expect(h.runtime.status().find((b) => b.name === "scanner")?.paused).toBe(true);
    const bad = text(await h.replyTo("/pause nosuchbot"));
    expect(bad).toContain("Usage: <code>/pause &lt;bot|all&gt;</code>");
    expect(bad).toContain("scanner, pnl");
    expect(bad).toContain('No bot is named "nosuchbot".');
    expect(text(await h.replyTo(`/pause ${"<b>x".repeat(30)}`))).toContain(
      'No bot is named "&lt;b&gt;x&lt;b&gt;x',
    );
    const none = text(await h.replyTo("/resume"));
    expect(none).toContain("Which bot?");
    expect(none).toContain("Usage");
    expect(text(await h.replyTo("/pause all"))).toContain("Paused <b>all</b>");
    expect(h.runtime.status().every((b) => b.paused)).toBe(true);
    await h.orders.activateKillSwitch("test");
    h.runtime.pauseBuyers("daily loss limit hit");
    const resumed = text(await h.replyTo("/resume all"));
    expect(resumed).toContain("Kill switch released");
    expect(resumed).toContain("Daily loss pause lifted");
    expect(h.orders.killSwitchActive).toBe(false);
    expect(h.runtime.riskPause).toBeNull();
    expect(h.runtime.status().every((b) => !b.paused)).toBe(true);
  });

  it("/stop asks first; 'Stop + cancel open orders' turns the kill switch on and cancels", async () => {
    await h.orders.place({
      bot: "scanner",
      reason: "resting",
      symbol: "BTCUSDC",
      side: "BUY",
      type: "LIMIT",
      quantity: new D("0.01"),
      price: new D("2000"),
    });
    expect(h.orders.openCount()).toBe(1);
    const ask = await h.replyTo("/stop");
    expect(text(ask)).toContain("Stop all trading?");
    expect(buttons(ask)).toEqual(["stop:keep", "stop:cancel", "stop:no"]);
    expect(h.orders.killSwitchActive).toBe(false);
    h.press("stop:cancel", messageId(ask));
    const edited = await h.fake.waitFor("editMessageText");
    expect(text(edited)).toContain("Kill switch ON");
    expect(text(edited)).toContain("1 of 1 open orders cancelled");
    expect(h.orders.killSwitchActive).toBe(true);
    expect(h.orders.openCount()).toBe(0);
    expect(h.runtime.status().every((b) => b.paused && b.why.includes("kill switch"))).toBe(true);
  });

  it("/config shows the thresholds in effect, Decimals in plain notation; a wrong section gets the usage", async () => {
    const all = await h.replyTo("/config");
    // A long answer comes in parts: wait for the last section before asking again.
    await h.fake.waitFor("sendMessage", (c) => text(c).includes("sim.feeAsset"));
    const parts = h.fake.calls("sendMessage").slice(h.fake.calls("sendMessage").indexOf(all));
    const s = parts.map(text).join("\n");
    expect(s).toContain("scanner.intervalSec");
    expect(s).toContain("pnlSeller.profitThresholdUsd");
    expect(s).not.toMatch(/\de-\d/);
    const one = text(await h.replyTo("/config risk"));
    expect(one).toContain("risk.dailyLossLimitUsd");
    expect(one).not.toContain("scanner.");
    expect(text(await h.replyTo("/config secrets"))).toContain("Usage: <code>/config [section]</code>");
  });

  it("/chart sends a PNG of the value history and allocation", async () => {
    h.say("/chart");
    const photo = await h.fake.waitFor("sendPhoto");
    expect(Number(photo.params.chat_id)).toBe(OWNER);
    const file = Object.values(photo.files)[0];
    expect(file?.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(file?.data.length).toBeGreaterThan(5_000);
    expect(String(photo.params.caption)).toMatch(/Total \$/);
  });

  it("an unknown command gets a short usage; plain text a hint", async () => {
    expect(text(await h.replyTo("/frobnicate now"))).toContain("Unknown command /frobnicate");
    expect(text(await h.replyTo("hello"))).toContain("/help");
  });
});

/** The texts sent to `chatId` from call number `from` on. */
const sentTo = (harness: Harness, chatId: number, from: number) =>
  harness.fake
    .calls("sendMessage")
    .slice(from)
    .filter((c) => Number(c.params.chat_id) === chatId)
    .map(text);

describe("commands that are not ours (issue 13, defect 11)", () => {
  it("an unknown 5,000-character command is echoed as a short escaped prefix, in one message", async () => {
    const seen = h.fake.calls("sendMessage").length;
    const reply = text(await h.replyTo(`/${"x".repeat(5_000)}`));
    expect(reply).toContain(`Unknown command /${"x".repeat(20)}`);
    expect(reply.length).toBeLessThan(400);
    // The next answer comes right after it: the unknown command was answered once, not over two messages.
    await h.replyTo("/help");
    expect(sentTo(h, OWNER, seen)).toHaveLength(2);
    expect(text(await h.replyTo("/<b>bold</b>"))).toContain("/&lt;b&gt;bold");
  });

  it("a command addressed to another bot in a group is ignored; one addressed to us is answered", async () => {
    const seen = h.fake.calls("sendMessage").length;
    h.say("/status@other_bot", GROUP, OWNER);
    h.say("/frobnicate@other_bot now", GROUP, OWNER);
    const ours = await h.replyTo("/status@fake_bot", GROUP, OWNER);
    expect(text(ours)).toContain("SIM");
    expect(text(await h.replyTo("/frobnicate@fake_bot", GROUP, OWNER))).toContain(
      "Unknown command /frobnicate",
    );
    // Telegram delivers in order: had the other bot's commands been answered, those answers would be here.
    expect(sentTo(h, GROUP, seen).filter((t) => t.includes("Unknown command"))).toHaveLength(1);
    expect(sentTo(h, GROUP, seen)).toHaveLength(2);
  });
});
