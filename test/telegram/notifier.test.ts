import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/clock.js";
import { Notifier, type NotifierOptions } from "../../src/telegram/notifier.js";
import { DeliveryError, type MessageSink } from "../../src/telegram/transport.js";
import { captureLog, RecordingSink } from "./helpers.js";

const SEC = 1000;

function setup(opts: Partial<NotifierOptions> = {}, sinkOf?: (clock: VirtualClock) => MessageSink) {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const sink = new RecordingSink(clock);
  const logs = captureLog();
  const notifier = new Notifier({
    sink: sinkOf?.(clock) ?? sink,
    clock,
    log: logs.log,
    mergeWindowSec: 60,
    minIntervalPerTypeSec: 0,
    ...opts,
  });
  const info = (type: string, text: string, key?: string) =>
    notifier.notify({ type, text, severity: "info", ...(key ? { key } : {}) });
  const alert = (type: string, text: string) => notifier.notify({ type, text, severity: "alert" });
  /** What was sent, as [seconds since start, text]. */
  const timeline = () => sink.sent.map((s) => [(s.at - t0) / SEC, s.text]);
  return { clock, t0, sink, logs, notifier, info, alert, timeline };
}

describe("Notifier", () => {
  it("queues and returns at once, then delivers in order", async () => {
    const { clock, sink, info, alert } = setup();
    info("trade", "a");
    alert("error", "b");
    info("scan", "c");
    info("trade", "d");
    expect(sink.tried).toEqual([]); // nothing ran in the caller's turn
    await clock.advance(0);
    expect(sink.texts()).toEqual(["a", "b", "c", "d"]);
  });

  it("never throws and never blocks, even when the sink hangs or throws synchronously", async () => {
    const { clock, notifier, logs } = setup({}, () => ({
      send: () => {
        throw new Error("synchronous boom");
      },
    }));
    expect(() => notifier.notify({ type: "x", text: "a", severity: "info" })).not.toThrow();
    await clock.advance(0);
    expect(logs.text()).toContain("send failed");

    const hung = setup({}, () => ({ send: () => new Promise<void>(() => {}) }));
    hung.info("x", "a");
    hung.info("x", "b");
    await hung.clock.advance(0);
    expect(hung.notifier.pending).toBe(2);
  });

  it("merges repeats within the merge window into one message with a count", async () => {
    const { clock, info, timeline } = setup({ mergeWindowSec: 60 });
    info("error", "MEXC timeout");
    await clock.advance(0);
    for (let i = 0; i < 3; i++) {
      await clock.advance(SEC);
      info("error", "MEXC timeout");
    }
    info("error", "something else");
    await clock.advance(50 * SEC);
    expect(timeline()).toEqual([
      [0, "MEXC timeout"],
      [3, "something else"],
    ]);
    await clock.advance(10 * SEC);
    expect(timeline()).toEqual([
      [0, "MEXC timeout"],
      [3, "something else"],
      [60, "MEXC timeout ×3"],
    ]);
    // Once the window has passed, the same text goes out at once again.
    await clock.advance(61 * SEC);
    info("error", "MEXC timeout");
    await clock.advance(0);
    expect(timeline().at(-1)).toEqual([124, "MEXC timeout"]);
  });

  it("merges by key, keeping the latest text", async () => {
    const { clock, info, timeline } = setup({ mergeWindowSec: 60 });
    info("price", "BTC 97,000", "BTC");
    await clock.advance(0);
    info("price", "BTC 97,100", "BTC");
    info("price", "BTC 97,200", "BTC");
    await clock.advance(60 * SEC);
    expect(timeline()).toEqual([
      [0, "BTC 97,000"],
      [60, "BTC 97,200 ×2"],
    ]);
  });

  it("spaces messages of one type, folding the waiting ones together; alerts and other types pass", async () => {
    const { clock, info, alert, timeline } = setup({ minIntervalPerTypeSec: 30 });
    info("scan", "s1");
    await clock.advance(SEC);
    info("scan", "s2");
    info("scan", "s3");
    alert("scan", "ALERT");
    info("trade", "t1");
    await clock.advance(10 * SEC);
    expect(timeline()).toEqual([
      [0, "s1"],
      [1, "ALERT"],
      [1, "t1"],
    ]);
    await clock.advance(20 * SEC);
    expect(timeline().at(-1)).toEqual([30, "s2\n\ns3"]);
    info("scan", "s4");
    await clock.advance(28 * SEC);
    expect(timeline()).toHaveLength(4);
    await clock.advance(SEC);
    expect(timeline().at(-1)).toEqual([60, "s4"]);
  });

  it("survives a failing sink: retries later, keeps the order, and merges repeats meanwhile", async () => {
    const { clock, sink, info, timeline, logs } = setup({ retryBaseMs: 5 * SEC });
    sink.fail(2);
    info("trade", "a");
    info("trade", "b");
    await clock.advance(0);
    expect(sink.tried.map((s) => s.text)).toEqual(["a"]);
    info("trade", "a");
    await clock.advance(5 * SEC); // second attempt fails too
    expect(sink.sent).toEqual([]);
    await clock.advance(10 * SEC);
    expect(timeline()).toEqual([
      [15, "a ×2"],
      [15, "b"],
    ]);
    expect(logs.records().filter((r) => r.msg === "send failed")).toHaveLength(2);
  });

  it("gives up after the bound, logs the message as undelivered, and goes on with the next", async () => {
    const { clock, sink, info, logs, notifier } = setup({ maxAttempts: 3, retryBaseMs: SEC });
    sink.fail(3);
    info("report", "<b>daily</b> report");
    info("report", "next");
    await clock.advance(10 * SEC);
    expect(sink.texts()).toEqual(["next"]);
    const lost = logs.records().find((r) => r.msg.startsWith("message undelivered"));
    expect(lost).toMatchObject({ type: "report", attempts: 3, text: "daily report" });
    expect(notifier.pending).toBe(0);
  });

  it("retries only the chats that missed it, after the wait Telegram asked for", async () => {
    const { clock, sink, info, timeline } = setup({ retryBaseMs: SEC });
    sink.fail(1, () => new DeliveryError("429", [222], 40, false));
    info("trade", "a");
    await clock.advance(39 * SEC);
    expect(sink.sent).toEqual([]);
    await clock.advance(SEC);
    expect(timeline()).toEqual([[40, "a"]]);
    expect(sink.sent[0]?.opts).toEqual({ targets: [222] });
  });

  it("does not retry what Telegram refuses for good", async () => {
    const { clock, sink, info, logs } = setup();
    sink.fail(1, () => new DeliveryError("403: bot was blocked", [1], undefined, true));
    info("trade", "a");
    await clock.advance(0);
    expect(sink.tried).toHaveLength(1);
    expect(logs.text()).toContain("message undelivered: Telegram refused it");
  });

  it("flush() delivers what anti-spam holds back, for shutdown", async () => {
    const { clock, info, notifier, timeline } = setup({ minIntervalPerTypeSec: 30 });
    info("scan", "s1");
    await clock.advance(0);
    info("scan", "s1");
    info("scan", "s2");
    await clock.advance(SEC);
    expect(timeline()).toHaveLength(1);
    await notifier.close();
    // Held back by both the merge window and the type interval; at shutdown they go out together.
    expect(timeline()).toEqual([
      [0, "s1"],
      [1, "s1\n\ns2"],
    ]);
    info("scan", "late");
    await clock.advance(60 * SEC);
    expect(timeline()).toHaveLength(2);
  });

  it("logs every message it sends", async () => {
    const { clock, info, logs } = setup();
    info("trade", "<b>Bought</b> 0.001 BTC");
    await clock.advance(0);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ msg: "message sent", type: "trade", text: "Bought 0.001 BTC" }),
    );
  });
});
