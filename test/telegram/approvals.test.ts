import { afterEach, describe, expect, it } from "vitest";
import { statusOf } from "../../src/trading/proposals.js";
import {
  buttons,
  buyRequest,
  GROUP,
  type Harness,
  messageId,
  OWNER,
  STRANGER,
  startHarness,
  text,
} from "./control-harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Proposes a real order and returns the proposal and its message in the owner's chat. */
async function propose(harness: Harness) {
  const out = await harness.proposals.propose(buyRequest());
  if (out.kind !== "proposed") throw new Error(`not proposed: ${out.kind}`);
  const id = out.proposal.id;
  const msg = await harness.fake.waitFor(
    "sendMessage",
    (c) => Number(c.params.chat_id) === OWNER && buttons(c).includes(`prop:x:${id}`),
  );
  return { id, msg };
}

/** Waits until the owner's bot has handled everything before this point (updates are handled in order). */
async function settle(harness: Harness) {
  await harness.replyTo("/help");
}

describe("approvals: proposals as messages with Execute / Skip", () => {
  it("shows symbol, side, amount, price, reason and expiry to every allowed chat; Execute places the order and edits the message", async () => {
    h = await startHarness();
    const { id, msg } = await propose(h);
    const s = text(msg);
    expect(s).toContain("Proposal: BUY BTCUSDC");
    expect(s).toContain("from <b>scanner</b>");
    expect(s).toContain("Amount: for 20 USDC");
    expect(s).toMatch(/Price: MARKET at market, ~[\d,.]+ USDC/);
    expect(s).toContain("Reason: score 0.8 &lt; RSI &amp; ok");
    expect(s).toMatch(/Expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 9m/);
    expect(buttons(msg)).toEqual([`prop:x:${id}`, `prop:s:${id}`]);
    expect(buttons(msg).every((d) => Buffer.byteLength(d) <= 64)).toBe(true);
    // The group on the allow-list gets it too.
    await h.fake.waitFor(
      "sendMessage",
      (c) => Number(c.params.chat_id) === GROUP && buttons(c).includes(`prop:x:${id}`),
    );
    expect(h.ex.sim.stats.ordersCreated).toBe(0);

    h.press(`prop:x:${id}`, messageId(msg));
    const answer = await h.fake.waitFor("answerCallbackQuery");
    expect(answer.params.text).toBe("Executed: order sent");
    const edited = await h.fake.waitFor(
      "editMessageText",
      (c) => Number(c.params.chat_id) === OWNER && text(c).includes("Executed"),
    );
    expect(edited.params.message_id).toBe(messageId(msg));
    expect(text(edited)).toContain("approved by tg:1001");
    expect(buttons(edited)).toEqual([]);
    expect(h.ex.sim.stats.ordersCreated).toBe(1);
    const entries = h.orders.entries((e) => e.bot === "scanner");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.state).toBe("FILLED");
    expect(text(edited)).toContain(`order <code>${entries[0]?.clientOrderId}</code>: FILLED`);
    expect(Number(h.ex.sim.account().balances.USDC?.free)).toBeLessThan(1000);
    expect(statusOf(h.proposals.get(id) ?? ({} as never))).toBe("executed");
  });

  it("Skip ends the proposal without an order and edits the message", async () => {
    h = await startHarness();
    const { id, msg } = await propose(h);
    h.press(`prop:s:${id}`, messageId(msg));
    const edited = await h.fake.waitFor("editMessageText", (c) => text(c).includes("Skipped"));
    expect(text(edited)).toContain("Skipped</b> by tg:1001");
    expect(buttons(edited)).toEqual([]);
    expect((await h.fake.waitFor("answerCallbackQuery")).params.text).toBe("Skipped");
    expect(h.proposals.get(id)?.end?.state).toBe("skipped");
    expect(h.ex.sim.stats.ordersCreated).toBe(0);
  });

  it("expiry edits the message on time; a late Execute does nothing but say so", async () => {
    h = await startHarness({ expiryMs: 800 });
    const { id, msg } = await propose(h);
    const edited = await h.fake.waitFor("editMessageText", (c) => text(c).includes("Expired"), 5_000);
    expect(edited.params.message_id).toBe(messageId(msg));
    expect(buttons(edited)).toEqual([]);
    expect(h.proposals.get(id)?.end?.state).toBe("expired");
    h.press(`prop:x:${id}`, messageId(msg));
    const answer = await h.fake.waitFor("answerCallbackQuery");
    expect(answer.params.text).toBe("Not done: the proposal is already expired");
    expect(h.ex.sim.stats.ordersCreated).toBe(0);
  });

  it("a double press yields one order; the second press is answered", async () => {
    h = await startHarness();
    const { id, msg } = await propose(h);
    h.press(`prop:x:${id}`, messageId(msg));
    h.press(`prop:x:${id}`, messageId(msg));
    h.press(`prop:s:${id}`, messageId(msg));
    await settle(h);
    const answers = h.fake.calls("answerCallbackQuery").map((c) => c.params.text);
    expect(answers).toEqual([
      "Executed: order sent",
      "Not done: the proposal is already executed",
      "Not done: the proposal is already executed",
    ]);
    expect(h.ex.sim.stats.ordersCreated).toBe(1);
    expect(h.orders.entries()).toHaveLength(1);
  });

  it("a stranger's press, in a private chat or in the allowed group, gets nothing and changes nothing", async () => {
    h = await startHarness();
    const { id, msg } = await propose(h);
    h.press(`prop:x:${id}`, messageId(msg), STRANGER, STRANGER);
    h.press(`prop:x:${id}`, messageId(msg), GROUP, STRANGER);
    h.press(`prop:s:${id}`, messageId(msg), GROUP, STRANGER);
    await settle(h);
    expect(h.fake.attempts("answerCallbackQuery")).toHaveLength(0);
    expect(h.fake.attempts("editMessageText")).toHaveLength(0);
    expect(h.proposals.get(id)?.end).toBeUndefined();
    expect(h.ex.sim.stats.ordersCreated).toBe(0);
    // The owner, in the allowed group, may still decide.
    h.press(`prop:s:${id}`, messageId(msg), GROUP, OWNER);
    await h.fake.waitFor("answerCallbackQuery");
    expect(h.proposals.get(id)?.end?.state).toBe("skipped");
  });

  it("after a restart a waiting proposal is shown again, and a press on its old message updates both", async () => {
    h = await startHarness();
    const { id, msg: old } = await propose(h);
    const before = h.fake.calls("sendMessage").length;
    await h.restart();
    const calls = () => h?.fake.calls("sendMessage") ?? [];
    const again = await h.fake.waitFor(
      "sendMessage",
      (c) =>
        calls().indexOf(c) >= before &&
        Number(c.params.chat_id) === OWNER &&
        buttons(c).includes(`prop:x:${id}`),
    );
    expect(messageId(again)).not.toBe(messageId(old));
    await h.fake.waitFor(
      "sendMessage",
      (c) =>
        calls().indexOf(c) >= before &&
        Number(c.params.chat_id) === GROUP &&
        buttons(c).includes(`prop:x:${id}`),
    );
    await settle(h); // the re-sends are done: the edit below comes from following the change
    h.press(`prop:s:${id}`, messageId(old));
    const editedOld = await h.fake.waitFor("editMessageText", (c) => c.params.message_id === messageId(old));
    const editedNew = await h.fake.waitFor(
      "editMessageText",
      (c) => c.params.message_id === messageId(again),
    );
    expect(text(editedOld)).toContain("Skipped");
    expect(text(editedNew)).toContain("Skipped");
  });
});
