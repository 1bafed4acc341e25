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
 * period runs from the last report this process sent (or 24 h back at the first one); the report-level messages
 * the notifier held meanwhile are summarized in it.
 */

const DAY_MS = 86_400_000;
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

export interface DailyReportOptions {
  clock: Clock;
  log: Logger;
  data: DailyData;
  notifier: Notifier;
  hourUtc: number;
  /** Draw the value chart: only where it can be seen (Telegram), so a start without a token never loads resvg. */
  withChart: boolean;
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

export class DailyReport {
  #last: { at: number; value: D; realized: ReadonlyMap<string, D> } | undefined;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(private readonly o: DailyReportOptions) {}

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
   * whole day, held reports included); the schedule ends it.
   */
  async build(opts: { endPeriod: boolean }): Promise<DailyContent> {
    const { clock, data } = this.o;
    const now = clock.now();
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
      held: opts.endPeriod ? this.o.notifier.held.take() : this.o.notifier.held.peek(),
    };
    if (opts.endPeriod) this.#last = { at: now, value: v.total, realized };
    const html = dailyReportText(figures);
    const png = this.o.withChart ? await this.#chart(now, v) : undefined;
    return png ? { html, png } : { html };
  }

  /** Builds the report and hands it to the notifier, which sends it with the chart and never holds it. */
  async send(): Promise<void> {
    const r = await this.build({ endPeriod: true });
    this.o.notifier.notify({
      type: DAILY_TYPE,
      severity: "info",
      text: r.html,
      ...(r.png ? { photo: r.png } : {}),
    });
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, log, hourUtc } = this.o;
    for (;;) {
      const now = clock.now();
      try {
        await clock.sleep(nextReportAt(now, hourUtc) - now, signal);
      } catch (err) {
        if (err instanceof AbortError || signal.aborted) return;
        throw err;
      }
      // One failed report (the exchange down at 08:00) is logged; tomorrow's is tried as usual.
      await this.send().catch((err) => log.warn({ reason: safeError(err) }, "daily report not built"));
    }
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
