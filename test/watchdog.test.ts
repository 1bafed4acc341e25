import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../src/bots/events.js";
import type { Heartbeat } from "../src/bots/runtime.js";
import { VirtualClock } from "../src/clock.js";
import {
  STUCK_RUN_MS,
  Supervisor,
  schedulerLiveness,
  systemdNotifyCommand,
  systemdTarget,
} from "../src/watchdog.js";
import { captureLog, HOUR, MIN, makeRuntime, openStore, testBot } from "./bots/helpers.js";
import {
  type FakeNotifySocket,
  fakeNotifyUnavailable,
  startFakeNotifySocket,
} from "./support/fake-notify.js";
import { isolatedEnv, spawnTsx } from "./support/spawn.js";

const unavailable = fakeNotifyUnavailable();
let sockets: FakeNotifySocket[] = [];
afterEach(() => {
  for (const s of sockets) s.close();
  sockets = [];
});

async function fakeSocket(): Promise<FakeNotifySocket> {
  const s = await startFakeNotifySocket();
  sockets.push(s);
  return s;
}

describe("systemdTarget", () => {
  it("is off outside systemd, and the watchdog only for the process WATCHDOG_PID names", () => {
    expect(systemdTarget({}, 7)).toBeUndefined();
    expect(systemdTarget({ NOTIFY_SOCKET: "/run/n" }, 7)).toEqual({
      socket: "/run/n",
      watchdogMs: undefined,
    });
    expect(systemdTarget({ NOTIFY_SOCKET: "/run/n", WATCHDOG_USEC: "30000000" }, 7)?.watchdogMs).toBe(30_000);
    expect(systemdTarget({ NOTIFY_SOCKET: "@n", WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" }, 7)).toEqual({
      socket: "@n",
      watchdogMs: 30_000,
    });
    expect(
      systemdTarget({ NOTIFY_SOCKET: "/run/n", WATCHDOG_USEC: "30000000", WATCHDOG_PID: "8" }, 7)?.watchdogMs,
    ).toBeUndefined();
    expect(systemdTarget({ NOTIFY_SOCKET: "/run/n", WATCHDOG_USEC: "zero" }, 7)?.watchdogMs).toBeUndefined();
  });
});

describe("schedulerLiveness", () => {
  it("is alive while the tick turns and no run hangs; names what is wrong otherwise", () => {
    let now = 100_000;
    let beat: Heartbeat = { tickAt: undefined, stuck: [] };
    const asked: number[] = [];
    const alive = schedulerLiveness(
      (ms) => {
        asked.push(ms);
        return beat;
      },
      () => now,
      10_000,
    );
    expect(alive()).toBe("the scheduler has not started");
    beat = { tickAt: 95_000, stuck: [] };
    expect(alive()).toBeUndefined();
    now = 200_000;
    expect(alive()).toBe("the scheduler has not ticked for 105 s");
    beat = { tickAt: 199_000, stuck: [{ bot: "buyer", runningMs: 2 * HOUR }] };
    expect(alive()).toBe("bot run hung: buyer (120 min)");
    expect(asked.every((ms) => ms === STUCK_RUN_MS)).toBe(true);
  });
});

describe("the runtime's heartbeat and the silent-bot alert", () => {
  it("tells the owner once when a run has gone on for three intervals, and when it ends", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5));
    const { store, stopPath } = await openStore(clock);
    let release: () => void = () => {};
    let hang = true;
    const bot = testBot("scanner", 10 * MIN, async () => {
      if (hang) await new Promise<void>((r) => (release = r));
      return undefined;
    });
    const runtime = makeRuntime(clock, store, stopPath, [bot], { tickMs: MIN });
    const events: RuntimeEvent[] = [];
    runtime.events.onAny((e) => {
      if (e.type === "bot-silent") events.push(e);
    });
    runtime.start();
    await clock.advance(29 * MIN);
    expect(events).toEqual([]);
    expect(runtime.heartbeat(HOUR)).toEqual({ tickAt: clock.now(), stuck: [] });
    await clock.advance(2 * MIN);
    expect(events).toEqual([
      { type: "bot-silent", bot: "scanner", active: true, runningMs: 30 * MIN, intervalMs: 10 * MIN },
    ]);
    await clock.advance(40 * MIN);
    expect(events).toHaveLength(1);
    // Past an hour (more than three of its 10 min intervals) the run counts as hung for the watchdog.
    expect(runtime.heartbeat(HOUR).stuck).toEqual([{ bot: "scanner", runningMs: 71 * MIN }]);
    hang = false;
    release();
    await clock.advance(MIN);
    expect(events[1]).toMatchObject({ type: "bot-silent", bot: "scanner", active: false });
    expect(runtime.heartbeat(HOUR).stuck).toEqual([]);
    await runtime.stop({ graceMs: 0 });
    await store.close();
  });
});

describe.skipIf(unavailable !== undefined)(
  `sd_notify through systemd-notify (${unavailable ?? "available"})`,
  () => {
    it("sends READY, pings while alive, withholds the pings with a reason when not, then STOPPING", async () => {
      const socket = await fakeSocket();
      const { log, lines } = captureLog();
      const supervisor = new Supervisor(
        { socket: socket.path, watchdogMs: 400 },
        systemdNotifyCommand(socket.path),
        log,
      );
      await supervisor.ready("sim: bots scanner");
      expect(socket.messages[0]).toEqual(["READY=1", "STATUS=sim: bots scanner"]);
      let problem: string | undefined;
      supervisor.startWatchdog(() => problem);
      await socket.waitFor("WATCHDOG=1");
      await new Promise((r) => setTimeout(r, 1_000));
      const pings = socket.count("WATCHDOG=1");
      expect(pings).toBeGreaterThanOrEqual(2);
      problem = "bot run hung: buyer (61 min)";
      await socket.waitFor("STATUS=not alive: bot run hung: buyer (61 min)");
      const withheld = socket.count("WATCHDOG=1");
      await new Promise((r) => setTimeout(r, 1_000));
      expect(socket.count("WATCHDOG=1")).toBe(withheld);
      expect(lines.some((l) => String(l.msg).includes("pings withheld"))).toBe(true);
      await supervisor.stopping("stopping (SIGTERM)");
      expect(socket.messages.at(-1)).toEqual(["STOPPING=1", "STATUS=stopping (SIGTERM)"]);
    });

    it("a notification that cannot be sent is logged with what to check, never thrown", async () => {
      const { log, lines } = captureLog();
      const missing = join(mkdtempSync(join(tmpdir(), "nosock-")), "none.sock");
      const supervisor = new Supervisor(
        { socket: missing, watchdogMs: undefined },
        systemdNotifyCommand(missing),
        log,
      );
      await supervisor.ready("x");
      expect(lines.some((l) => String(l.msg).includes("NotifyAccess=all"))).toBe(true);
    });

    it("the program says READY after the pre-flight, pings the watchdog, and says STOPPING on SIGINT", async () => {
      const socket = await fakeSocket();
      const dir = mkdtempSync(join(tmpdir(), "watchdog-main-"));
      const run = spawnTsx(
        "src/main.ts",
        [],
        isolatedEnv(dir, { MODE: "sim", NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: "1000000" }),
      );
      const ready = await socket.waitFor("READY=1", 90_000);
      expect(ready.find((f) => f.startsWith("STATUS="))).toMatch(/^STATUS=sim: bots /);
      await socket.waitFor("WATCHDOG=1", 30_000);
      run.child.kill("SIGINT");
      await socket.waitFor("STOPPING=1", 30_000);
      const { code } = await run.exited;
      expect(code, run.out.stderr).toBe(0);
      // READY comes after the pre-flight: nothing is sent before it.
      expect(socket.messages[0]).toContain("READY=1");
    }, 150_000);
  },
);
