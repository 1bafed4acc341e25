import { AbortError, type Clock } from "../clock.js";
import { D } from "../decimal.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import type { Fill, OrderView, Valuation } from "../trading/queries.js";
import type { ValuePoint } from "./chart.js";
import { DAILY_TYPE } from "./levels.js";
import type { Notifier } from "./notifier.js";
import { type DailyFigures, dailyReportText } from "./render/daily.js";
import { allocationSlices } from "./views-portfolio.js";

/**
 * The daily report at a fixed UTC hour (telegram.dailyReportHourUtc), on the injected clock, and for /daily. Its
 * period runs from the last scheduled report (or 24 h back at the very first one); the report-level messages the
 * notifier held meanwhile are summarized in it.
 *
 * The last report's end is kept in the state file (`memory`), so a restart changes nothing: each report is for
 * one report hour (its slot), and a slot gets one report at most. A start that finds a report hour passed since
 * the last report's sends the missed one at once (one report, however many days were missed, covering the whole
 * time since the last); otherwise it waits for the next hour, as if the program had never stopped. The end is on
 * disk before the report is handed to the notifier: a crash in between loses that report rather than repeating it.
 */

const DAY_MS = 86_400_000;
/** A report that could not be built (the exchange down at the hour) is tried again this much later. */
const RETRY_MS = 15 * 60_000;
/** The chart shows this much of the value history. */
const CHART_SPAN_MS = 7 * DAY_MS;

/** What the report reads: the query facade's valuation and open orders, the ledger's fills and PnL by bot. */
export interface DailyData {
  valuation(): Promise<Valuation>;
  fillsSince(time: number): readonly Fill[];
  realizedByBot(): ReadonlyMap<string, D>;
  openOrders(): readonly OrderView[];
  valueHistory(): readonly ValuePoint[];
}

/** The end of the last scheduled report, as the state file keeps it (store/schema.ts, `dailyReport`). */
export interface SavedDailyReport {
  /** When it was built (epoch ms): the next period starts here. */
  at: number;
  /** The report hour it was for (epoch ms of that hour:00 UTC). */
  slot: number;
  /** The portfolio's value then, USDT, as a decimal string. */
  valueUsdt: string;
  /** Realized PnL by bot then, USD decimal strings. */
  realizedByBot: Record<string, string>;
}

/** Where the last report's end is kept across restarts: the suite hands in the state file. */
export interface DailyReportMemory {
  load(): SavedDailyReport | undefined;
  save(last: SavedDailyReport): Promise<void>;
}

export interface DailyReportOptions {
  clock: Clock;
  log: Logger;
  data: DailyData;
  notifier: Notifier;
  hourUtc: number;
  /** Draw the value chart: only where it can be seen (Telegram), so a start without a token never loads resvg. */
  withChart: boolean;
  /** Without it the period lives in memory only: the first report after a start looks 24 h back. */
  memory?: DailyReportMemory;
}

export interface DailyContent {
  html: string;
  png?: Buffer;
}

/** The first `hour`:00 UTC strictly after `now`. */
export function nextReportAt(now: number, hour: number): number {
  const d = new Date(now);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  return today > now ? today : today + DAY_MS;
}

/** The last `hour`:00 UTC at or before `now`: the slot of a report built at `now`. */
export const slotAt = (now: number, hour: number): number => nextReportAt(now, hour) - DAY_MS;

/**
 * When the report after the one for `slot` is due: the next report hour after it, or now if that has passed
 * (a start after a missed hour). Without a last report, the next report hour.
 */
export const dueAfter = (slot: number | undefined, now: number, hour: number): number =>
  slot === undefined ? nextReportAt(now, hour) : Math.max(now, nextReportAt(slot, hour));

interface LastReport {
  at: number;
  slot: number;
  value: D;
  realized: ReadonlyMap<string, D>;
}

const fromSaved = (s: SavedDailyReport): LastReport => ({
  at: s.at,
  slot: s.slot,
  value: new D(s.valueUsdt),
  realized: new Map(Object.entries(s.realizedByBot).map(([bot, v]) => [bot, new D(v)])),
});

const toSaved = (l: LastReport): SavedDailyReport => ({
  at: l.at,
  slot: l.slot,
  // toFixed, not toString: no exponent (1e-7), which the state file's decimal strings refuse.
  valueUsdt: l.value.toFixed(),
  realizedByBot: Object.fromEntries([...l.realized].map(([bot, v]) => [bot, v.toFixed()])),
});

export class DailyReport {
  #last: LastReport | undefined;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(private readonly o: DailyReportOptions) {
    const saved = o.memory?.load();
    this.#last = saved ? fromSaved(saved) : undefined;
  }

  start(): void {
    if (this.#loop) return;
    const ctl = new AbortController();
    this.#stop = ctl;
    this.#loop = this.#run(ctl.signal);
  }

  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  /**
   * The report as of now. `/daily` builds it without ending the period (the scheduled report still covers the
   * whole day, held reports included); the schedule ends it, for the report hour last passed.
   */
  build(opts: { endPeriod: boolean }): Promise<DailyContent> {
    const now = this.o.clock.now();
    return opts.endPeriod ? this.#end(now, slotAt(now, this.o.hourUtc)) : this.#build(now, undefined);
  }

  /** The report for `slot`, its end saved first (a failed save is logged: the report still goes out). */
  async #end(now: number, slot: number): Promise<DailyContent> {
    const r = await this.#build(now, slot);
    const last = this.#last;
    if (this.o.memory && last)
      await this.o.memory
        .save(toSaved(last))
        .catch((err) =>
          this.o.log.warn(
            { reason: safeError(err) },
            "the daily report's end could not be saved: after a restart the next report may cover this period again",
          ),
        );
    return r;
  }

  /** The report as of `now`; with a slot, the period ends: the next one starts here. */
  async #build(now: number, endSlot: number | undefined): Promise<DailyContent> {
    const { data } = this.o;
    const ending = endSlot !== undefined;
    const v = await data.valuation();
    const realized = new Map(data.realizedByBot());
    const figures: DailyFigures = {
      now,
      value: v.total,
      before: this.#last ?? this.#dayAgo(now),
      realizedByBot: realized,
      realizedBefore: this.#last?.realized,
      fills: data.fillsSince(this.#last?.at ?? now - DAY_MS),
      openOrders: data.openOrders(),
      held: ending ? this.o.notifier.held.take() : this.o.notifier.held.peek(),
    };
    if (endSlot !== undefined) this.#last = { at: now, slot: endSlot, value: v.total, realized };
    const html = dailyReportText(figures);
    const png = this.o.withChart ? await this.#chart(now, v) : undefined;
    return png ? { html, png } : { html };
  }

  /** The scheduled report for `slot`, handed to the notifier, which sends it with the chart and never holds it. */
  async #send(slot: number): Promise<void> {
    const r = await this.#end(this.o.clock.now(), slot);
    this.o.notifier.notify({
      type: DAILY_TYPE,
      severity: "info",
      text: r.html,
      ...(r.png ? { photo: r.png } : {}),
    });
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, log, hourUtc } = this.o;
    let due = dueAfter(this.#startSlot(), clock.now(), hourUtc);
    for (;;) {
      const wait = due - clock.now();
      try {
        // Due now (a start after a missed hour, a retry whose time has come): no sleep, which a virtual clock
        // would hold until it is advanced.
        if (wait > 0) await clock.sleep(wait, signal);
      } catch (err) {
        if (err instanceof AbortError || signal.aborted) return;
        throw err;
      }
      if (signal.aborted) return;
      // The hour last passed: woken a moment early, it is the hour due; late or after a missed one, the latest.
      const started = clock.now();
      const slot = slotAt(Math.max(started, due), hourUtc);
      try {
        await this.#send(slot);
        due = dueAfter(slot, clock.now(), hourUtc);
      } catch (err) {
        // The exchange down at 08:00: tried again a little later, still as the same day's report.
        log.warn({ reason: safeError(err), retryInMs: RETRY_MS }, "daily report not built; trying again");
        due = started + RETRY_MS;
      }
    }
  }

  /**
   * The report hour to schedule from at a start. One dated after now (the system clock was set back, a state file
   * from a machine with a wrong clock) would hold every report until that date: the schedule starts afresh.
   */
  #startSlot(): number | undefined {
    const now = this.o.clock.now();
    const last = this.#last;
    if (!last || last.slot <= now) return last?.slot;
    this.o.log.warn(
      { lastReportAt: last.at, lastSlot: last.slot, now },
      "the last daily report is dated after now (was the clock changed?): the next one comes at the next report hour",
    );
    return undefined;
  }

  /** The last recorded value at least a day old, else the oldest one. */
  #dayAgo(now: number): { at: number; value: D } | undefined {
    const points = this.o.data.valueHistory();
    const old = points.filter((p) => p.time <= now - DAY_MS).at(-1) ?? points[0];
    return old ? { at: old.time, value: new D(old.valueUsd) } : undefined;
  }

  async #chart(now: number, v: Valuation): Promise<Buffer | undefined> {
    try {
      // Loaded here, not at the top: resvg stays off the start-up (issue 15).
      const { portfolioChart } = await import("./chart.js");
      const values = this.o.data.valueHistory().filter((p) => p.time >= now - CHART_SPAN_MS);
      return portfolioChart({
        values: [...values, { time: now, valueUsd: v.total.toFixed(2) }],
        allocation: allocationSlices(v),
        title: "Portfolio, last 7 days",
      });
    } catch (err) {
      this.o.log.warn({ reason: safeError(err) }, "daily report chart not drawn; the report goes without it");
      return undefined;
    }
  }
}
