import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import { digestText } from "./digest.js";
import { htmlToPlain } from "./format.js";
import { HeldReports } from "./held-reports.js";
import { DAILY_TYPE, type Levels, levelOf } from "./levels.js";
import { type Entry, newEntry, render, type SentAs, type Severity, summary } from "./queue-entry.js";
import { DeliveryError, type MessageSink, type SendOptions } from "./sink.js";
import { TELEGRAM_MAX_CHARS } from "./split.js";

export type { SentAs, Severity } from "./queue-entry.js";

export interface Notification {
  /** What kind of message (e.g. "trade", "scan", "report"): the per-type interval applies to it. */
  type: string;
  /** Telegram HTML (build it with format.ts). */
  text: string;
  severity: Severity;
  /** Messages with the same type and key count as the same message even when their text differs; the latest text wins. */
  key?: string;
  /** The plain title a held report is named by in the daily report; its text's first line when absent. */
  title?: string;
  /** A chart: sent with the text as its caption, never merged or batched. */
  photo?: Buffer;
}

export interface NotifierOptions {
  sink: MessageSink;
  clock: Clock;
  /** A child logger with component "telegram". */
  log: Logger;
  /** Repeats of a message within this many seconds of its last delivery go out once, as "text ×N". */
  mergeWindowSec: number;
  /** At least this long between two info messages of one type; alerts are not held back. */
  minIntervalPerTypeSec: number;
  /** Delivery attempts of one message before it is logged as undelivered (default 6). */
  maxAttempts?: number;
  /** First wait after a failure, doubled each time up to retryMaxMs (defaults 5 s and 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A send that takes longer counts as failed, so one hung connection cannot stall every report (default 2 min). */
  sendTimeoutMs?: number;
  /** Beyond this many waiting messages the oldest info message is dropped, and logged (default 500). */
  maxQueue?: number;
  /**
   * Each message type's level (config telegram.levels, see levels.ts). Without it nothing is held or digested:
   * every message goes as its severity says.
   */
  levels?: Levels;
  /** Trade-level messages are gathered this long into one digest (default 900 s). */
  tradeDigestSec?: number;
}

/**
 * The one way bots reach a person. `notify` queues and returns at once and never throws; a single loop delivers
 * in order on the injected clock, merging repeats, spacing messages of one type (several waiting messages of a type
 * go out together as one), and retrying a failing sink with a bound. A message that cannot be delivered is logged
 * with its text, so nothing is lost silently.
 */
export class Notifier {
  private readonly o: Required<Omit<NotifierOptions, "sink" | "clock" | "log" | "levels">>;
  private readonly queue: Entry[] = [];
  /** When each merge key was last delivered. */
  private readonly sentKey = new Map<string, number>();
  /** When each type was last delivered. */
  private readonly sentType = new Map<string, number>();
  private pausedUntil = 0;
  private running = false;
  private flushing = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  /** The report-level messages held for the daily report. */
  readonly held = new HeldReports();
  /** Messages delivered, by what they were sent as (the soak prints them per day). */
  readonly sent: Record<SentAs, number> = { alert: 0, trade: 0, report: 0, daily: 0, info: 0 };

  constructor(private readonly deps: NotifierOptions) {
    this.o = {
      mergeWindowSec: deps.mergeWindowSec,
      minIntervalPerTypeSec: deps.minIntervalPerTypeSec,
      maxAttempts: deps.maxAttempts ?? 6,
      retryBaseMs: deps.retryBaseMs ?? 5_000,
      retryMaxMs: deps.retryMaxMs ?? 300_000,
      sendTimeoutMs: deps.sendTimeoutMs ?? 120_000,
      maxQueue: deps.maxQueue ?? 500,
      tradeDigestSec: deps.tradeDigestSec ?? 900,
    };
  }

  /** Messages waiting (including one being sent). */
  get pending(): number {
    return this.queue.length;
  }

  notify(n: Notification): void {
    try {
      this.enqueue(n);
    } catch (err) {
      this.deps.log.error({ type: n?.type, reason: safeError(err) }, "notify failed");
    }
  }

  /** Delivers everything waiting now, ignoring the anti-spam holds; for shutdown. Gives up after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<void> {
    if (this.queue.length === 0) return;
    this.flushing = true;
    const ctl = new AbortController();
    try {
      this.kick();
      const timedOut = this.deps.clock.sleep(timeoutMs, ctl.signal).then(
        () => true,
        () => false,
      );
      if (await Promise.race([this.idle().then(() => false), timedOut])) {
        for (const e of this.queue.splice(0)) this.undelivered(e, "shutdown: flush timed out");
      }
    } finally {
      ctl.abort();
      this.flushing = false;
    }
  }

  /** Flushes, then refuses new messages (they are logged instead). */
  async close(timeoutMs?: number): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    this.wake?.();
  }

  private enqueue(n: Notification): void {
    const log = this.deps.log;
    if (this.closed) {
      log.warn(
        { type: n.type, severity: n.severity, text: htmlToPlain(n.text) },
        "message after shutdown, not sent",
      );
      return;
    }
    // A titled report is never empty, and its text is not rendered just to ask (event-messages.ts).
    if (n.title === undefined && !n.text && !n.photo) return;
    const now = this.deps.clock.now();
    const sentAs = this.sentAs(n);
    if (sentAs === "report") {
      this.held.add(n, now);
      // The text is rendered only for a log that keeps it (a replay logs warnings only).
      if (log.isLevelEnabled("info"))
        log.info({ type: n.type, text: htmlToPlain(n.text) }, "report held for the daily report");
      return;
    }
    if (sentAs === "trade") {
      this.addToDigest(n, now);
      return;
    }
    // An alert by its level is an alert everywhere: never paced, folded or dropped first.
    const severity: Severity = sentAs === "alert" ? "alert" : n.severity;
    const mergeKey = n.photo ? undefined : `${n.type}\u0000${n.key ?? n.text}`;
    let notBefore = now;
    if (mergeKey !== undefined) {
      const waiting = this.queue.find((e) => e.mergeKey === mergeKey && !e.inFlight);
      if (waiting) {
        waiting.count++;
        waiting.text = n.text;
        if (severity === "alert") waiting.severity = "alert";
        return;
      }
      // A repeat of what was just sent (or is being sent) waits out the window, gathering further repeats.
      const windowMs = this.o.mergeWindowSec * 1000;
      const last = this.sentKey.get(mergeKey);
      if (this.queue.some((e) => e.inFlight && e.keys.includes(mergeKey))) notBefore = now + windowMs;
      else if (last !== undefined && now - last < windowMs) notBefore = last + windowMs;
    }
    this.push(
      newEntry({ type: n.type, severity, sentAs, text: n.text, photo: n.photo, mergeKey, notBefore }),
    );
  }

  private push(e: Entry): void {
    if (this.queue.length >= this.o.maxQueue) this.dropOldest();
    this.queue.push(e);
    this.kick();
  }

  private sentAs(n: Notification): SentAs {
    const levels = this.deps.levels;
    if (!levels) return n.severity;
    return n.type === DAILY_TYPE ? "daily" : levelOf(n.type, levels);
  }

  /**
   * Into the waiting digest, or a new one due one period from now: the first trade of a quiet spell opens the
   * period, so a day without trades sends no digest at all. A flush (shutdown) sends it early.
   */
  private addToDigest(n: Notification, now: number): void {
    const key = n.key ?? n.text;
    const open = this.queue.find((e) => e.digest && !e.inFlight);
    const digest = open?.digest ?? new Map<string, string>();
    digest.set(key, n.text);
    const text = digestText([...digest.values()], this.o.tradeDigestSec);
    if (open) {
      open.text = text;
      return;
    }
    const notBefore = now + this.o.tradeDigestSec * 1000;
    this.push(newEntry({ type: "trade-digest", severity: "info", sentAs: "trade", text, digest, notBefore }));
  }

  private dropOldest(): void {
    const i = this.queue.findIndex((e) => !e.inFlight && e.severity === "info");
    const j = i >= 0 ? i : this.queue.findIndex((e) => !e.inFlight);
    const [dropped] = j >= 0 ? this.queue.splice(j, 1) : [];
    if (dropped) this.undelivered(dropped, "queue full");
  }

  private kick(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    this.running = true;
    // Started on a later tick: the caller's own code runs first, whatever the sink does.
    void Promise.resolve().then(() => this.run());
  }

  private idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.closed) {
        const now = this.deps.clock.now();
        const next = this.pick(now);
        if (typeof next === "number") await this.sleepUntil(now, next);
        else await this.deliver(next);
      }
    } catch (err) {
      this.deps.log.error({ reason: safeError(err) }, "notifier loop failed");
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private readyAt(e: Entry): number {
    if (this.flushing) return Number.NEGATIVE_INFINITY;
    const typeFree =
      e.severity === "alert"
        ? Number.NEGATIVE_INFINITY
        : (this.sentType.get(e.type) ?? Number.NEGATIVE_INFINITY) + this.o.minIntervalPerTypeSec * 1000;
    return Math.max(e.notBefore, typeFree, this.pausedUntil);
  }

  /** The first entry, in arrival order, that may go now; or the time when one may. */
  private pick(now: number): Entry | number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [i, e] of this.queue.entries()) {
      const at = this.readyAt(e);
      if (at <= now) return this.batch(i, now);
      earliest = Math.min(earliest, at);
    }
    return earliest;
  }

  /** Folds the other ready info messages of the same type into the one about to go, up to one Telegram message. */
  private batch(i: number, now: number): Entry {
    const head = this.queue[i] as Entry;
    const fresh = (e: Entry) =>
      e.severity === "info" && !e.photo && !e.targets && e.attempts === 0 && e.mergeKey !== undefined;
    // Without a per-type interval nothing piles up behind a type, so there is nothing to fold.
    if (!fresh(head) || this.o.minIntervalPerTypeSec <= 0) return head;
    const parts = [head];
    let size = render(head).length;
    for (const e of this.queue.slice(i + 1)) {
      if (e.type !== head.type || !fresh(e) || this.readyAt(e) > now) continue;
      if (size + 2 + render(e).length > TELEGRAM_MAX_CHARS) break;
      size += 2 + render(e).length;
      parts.push(e);
    }
    if (parts.length === 1) return head;
    const merged: Entry = {
      ...head,
      text: parts.map(render).join("\n\n"),
      count: 1,
      mergeKey: undefined,
      keys: parts.flatMap((p) => p.keys),
    };
    this.queue.splice(i, 1, merged);
    for (const p of parts.slice(1)) this.queue.splice(this.queue.indexOf(p), 1);
    return merged;
  }

  private async sleepUntil(now: number, at: number): Promise<void> {
    const ctl = new AbortController();
    this.wake = () => ctl.abort();
    try {
      // Nothing scheduled: sleep until a notify (or close) wakes the loop.
      await this.deps.clock.sleep(Number.isFinite(at) ? at - now : 2 ** 31 - 1, ctl.signal);
    } catch {
      // Woken early: something new may be ready.
    } finally {
      this.wake = undefined;
    }
  }

  private async deliver(e: Entry): Promise<void> {
    const { sink, clock, log } = this.deps;
    const text = render(e);
    const opts: SendOptions = e.targets ? { targets: e.targets } : {};
    e.inFlight = true;
    try {
      const sending =
        e.photo && sink.sendPhoto ? sink.sendPhoto(e.photo, text || undefined, opts) : sink.send(text, opts);
      await this.withTimeout(sending);
      this.remove(e);
      const now = clock.now();
      // Alerts neither wait for the interval nor start one: the interval paces the routine stream only.
      if (e.severity === "info") this.sentType.set(e.type, now);
      for (const k of e.keys) this.sentKey.set(k, now);
      this.forgetOldKeys(now);
      this.sent[e.sentAs]++;
      log.info({ ...summary(e), attempts: e.attempts + 1, sink: sink.name }, "message sent");
    } catch (err) {
      e.attempts++;
      const d = err instanceof DeliveryError ? err : undefined;
      if (d && d.failedTargets.length > 0) e.targets = d.failedTargets;
      if (d?.permanent || e.attempts >= this.o.maxAttempts || this.flushing) {
        this.remove(e);
        this.undelivered(e, d?.permanent ? "Telegram refused it" : "retries exhausted", err);
        return;
      }
      const backoff = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** (e.attempts - 1));
      const wait = Math.max(backoff, (d?.retryAfterSec ?? 0) * 1000);
      // Everything waits, not only this message: the sink is down for all of them, and order is kept.
      this.pausedUntil = clock.now() + wait;
      log.warn(
        { type: e.type, attempts: e.attempts, retryInMs: wait, reason: safeError(err) },
        "send failed",
      );
    } finally {
      e.inFlight = false;
    }
  }

  private async withTimeout(p: Promise<void>): Promise<void> {
    const ctl = new AbortController();
    const timeout = this.deps.clock.sleep(this.o.sendTimeoutMs, ctl.signal).then(
      () => {
        throw new Error(`send took longer than ${this.o.sendTimeoutMs} ms`);
      },
      () => undefined,
    );
    try {
      await Promise.race([p, timeout]);
    } finally {
      ctl.abort();
    }
  }

  private remove(e: Entry): void {
    const i = this.queue.indexOf(e);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private forgetOldKeys(now: number): void {
    const windowMs = this.o.mergeWindowSec * 1000;
    for (const [k, t] of this.sentKey) if (now - t >= windowMs) this.sentKey.delete(k);
  }

  private undelivered(e: Entry, why: string, err?: unknown): void {
    const reason = err === undefined ? {} : { reason: safeError(err) };
    this.deps.log.error({ ...summary(e), ...reason }, `message undelivered: ${why}`);
  }
}
