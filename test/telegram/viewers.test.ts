import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buttons,
  buyRequest,
  type Harness,
  messageId,
  OWNER,
  STRANGER,
  startHarness,
  text,
} from "./control-harness.js";

/** A read-only viewer (TELEGRAM_VIEWER_IDS), and one who is in the allow-list too. */
const VIEWER = 3003;
const LISTED_VIEWER = 3004;

let h: Harness;
beforeEach(async () => {
  h = await startHarness({
    viewerIds: [VIEWER, LISTED_VIEWER],
    values: [{ time: Date.now() - 3_600_000, valueUsd: "2000" }],
  });
  h.deps.allowedIds = [...h.deps.allowedIds, LISTED_VIEWER];
  await h.restart();
});
afterEach(async () => {
  await h.close();
});

const READ = ["/status", "/portfolio", "/pnl", "/orders", "/daily", "/help", "/start"];
const WRITE = [
  "/bots",
  "/pause all",
  "/pause scanner",
  "/resume all",
  "/stop",
  "/report",
  "/config",
  "/config risk",
];

describe("read-only viewers", () => {
  it.each(READ)("may use %s, answered as the owner is", async (command) => {
    const reply = text(await h.replyTo(command, VIEWER));
    expect(reply).not.toContain("Read-only");
    expect(reply).not.toContain("failed");
  });

  it("get /chart's PNG", async () => {
    h.say("/chart", VIEWER);
    const photo = await h.fake.waitFor("sendPhoto", (c) => Number(c.params.chat_id) === VIEWER);
    expect(Object.values(photo.files)[0]?.data.length).toBeGreaterThan(5_000);
  });

  it.each(WRITE)("are refused %s with a short read-only answer, and nothing changes", async (command) => {
    const reply = text(await h.replyTo(command, VIEWER));
    expect(reply).toMatch(/^🔒 Read-only: \/\w+ is for the owner\. You may use \/status /);
    expect(h.runtime.status().some((b) => b.paused)).toBe(false);
    expect(h.orders.killSwitchActive).toBe(false);
    expect(h.logs.text()).toContain("a read-only viewer asked for a command that changes something: refused");
  });

  it("a viewer in the allow-list too is still read-only", async () => {
    expect(text(await h.replyTo("/stop", LISTED_VIEWER))).toContain("Read-only");
    expect(text(await h.replyTo("/status", LISTED_VIEWER))).not.toContain("Read-only");
  });

  it("every button a viewer presses is answered with an alert and does nothing, and is logged", async () => {
    const out = await h.proposals.propose(buyRequest());
    if (out.kind !== "proposed") throw new Error(`not proposed: ${out.kind}`);
    const id = out.proposal.id;
    const msg = await h.fake.waitFor(
      "sendMessage",
      (c) => Number(c.params.chat_id) === OWNER && buttons(c).includes(`prop:x:${id}`),
    );
    const pressed = [
      "stop:keep",
      "stop:cancel",
      "bot:p:scanner",
      `prop:x:${id}`,
      `prop:s:${id}`,
      "stale:thing",
    ];
    for (const data of pressed) {
      const seen = h.fake.calls("answerCallbackQuery").length;
      h.press(data, messageId(msg), VIEWER);
      const answer = await h.fake.waitFor(
        "answerCallbackQuery",
        (c) => h.fake.calls("answerCallbackQuery").indexOf(c) >= seen,
      );
      expect(answer.params).toMatchObject({
        text: "Read-only: buttons are for the owner.",
        show_alert: true,
      });
    }
    expect(h.orders.killSwitchActive).toBe(false);
    expect(h.runtime.status().some((b) => b.paused)).toBe(false);
    expect(h.proposals.pending().map((p) => p.id)).toEqual([id]);
    expect(h.fake.calls("editMessageText")).toEqual([]);
    const logged = h.logs.records().filter((r) => r.msg.includes("read-only viewer pressed a button"));
    expect(logged.map((r) => r.data)).toEqual(pressed);
    expect(logged[0]).toMatchObject({ fromId: VIEWER });
  });

  it("/help shows each person what they may use", async () => {
    const owner = text(await h.replyTo("/help"));
    for (const c of ["/stop", "/pause", "/config", "/daily", "/status"]) expect(owner).toContain(c);
    expect(owner).not.toContain("read-only");
    const viewer = text(await h.replyTo("/help", VIEWER));
    for (const c of ["/status", "/portfolio", "/pnl", "/orders", "/chart", "/daily", "/help"])
      expect(viewer).toContain(c);
    for (const c of ["/stop", "/pause", "/resume", "/bots", "/config", "/report"])
      expect(viewer).not.toContain(c);
    expect(viewer).toContain("read-only access");
  });

  it("a viewer in a group nobody listed, and a stranger, still get nothing", async () => {
    const before = h.fake.calls("sendMessage").length;
    h.say("/status", -777, VIEWER);
    h.say("/status", STRANGER);
    // The owner's answer comes after both: updates are handled in order.
    await h.replyTo("/help");
    const answered = h.fake
      .calls("sendMessage")
      .slice(before)
      .map((c) => Number(c.params.chat_id));
    expect(answered).toEqual([OWNER]);
  });
});
