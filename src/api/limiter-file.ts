import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../clock.js";
import type { Logger } from "./alerts.js";
import type { BucketState, LimiterState, WeightLimiter } from "./limiter.js";

/*
 * Why the limiter's state outlives the process: MEXC counts requests per IP and per account, not per process
 * (docs, "LIMITS"), and "a Retry-After header is sent with a 418 or 429 responses and will give the number of
 * seconds required to wait, in the case of a 429, to prevent a ban, or, in the case of a 418, until the ban is
 * over"; "repeatedly violating rate limits and/or failing to back off after receiving 429s will result in an
 * automated IP ban", "from 2 minutes to 3 days" (same section). A fresh process that knew nothing of its
 * predecessor's requests or of the back-off it was given did exactly that on CI: back-to-back processes together
 * passed 20 requests/s, got 429, and the next one earned a 418.
 *
 * So the limiter's state (the shared pause, the ban deadline, and per pool the weight still live with its expiry)
 * goes to a small JSON file in the mode's data dir, written atomically (temporary file, rename), at most every
 * `everyMs` while requests flow and once more at close. The next client on that dir counts that weight and waits
 * out that pause before its first request. Times are the client clock's (epoch ms), as the limiter's own.
 */

const FORMAT = 1;
/** MEXC's longest ban is 3 days; a deadline further out is a broken file, not a ban. */
const MAX_PAUSE_MS = 3 * 86_400_000 + 3_600_000;

export interface LimiterFileOptions {
  readonly path: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Least time between two writes while requests flow (ms); default 2 s. */
  readonly everyMs?: number;
}

interface Saved extends LimiterState {
  readonly banUntil: number;
}

export class LimiterFile {
  private limiter: WeightLimiter | undefined;
  private banUntil = 0;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private pending: AbortController | undefined;
  private closed = false;
  private writeFailed = false;

  constructor(private readonly o: LimiterFileOptions) {}

  /** Restores what the previous process left (before the limiter's first request) and keeps the file from now on. */
  attach(limiter: WeightLimiter): void {
    this.limiter = limiter;
    const saved = this.read();
    if (!saved) return;
    // A ban holds every request like a pause: this process never saw the 418 that its runner would fail fast on.
    limiter.restore({ ...saved, pauseUntil: Math.max(saved.pauseUntil, saved.banUntil) });
    this.banUntil = saved.banUntil;
    const now = this.o.clock.now();
    const until = Math.max(saved.pauseUntil, saved.banUntil);
    if (until > now) {
      const why = saved.banUntil > now ? "banned this IP (418)" : "asked it to back off (429, Retry-After)";
      this.o.logger.warn(
        { file: this.o.path, untilMs: until },
        `MEXC ${why} until ${new Date(until).toISOString()}, as the previous process was told: no request is sent before then`,
      );
    }
  }

  /** A 418 reached this process: the next one must not send before it ends either. */
  noteBan(untilMs: number): void {
    if (untilMs <= this.banUntil) return;
    this.banUntil = untilMs;
    this.touched();
  }

  /** Something worth keeping changed: written now if the last write is `everyMs` old, else once that much has passed. */
  touched(): void {
    if (this.closed || !this.limiter || this.pending) return;
    const wait = this.lastWrite + (this.o.everyMs ?? 2_000) - this.o.clock.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    const ac = new AbortController();
    this.pending = ac;
    this.o.clock.sleep(wait, ac.signal).then(
      () => {
        this.pending = undefined;
        this.flush();
      },
      () => {},
    );
  }

  /** Writes the state now. A failure is logged once and never stops a request. */
  flush(): void {
    if (!this.limiter) return;
    const now = this.o.clock.now();
    this.lastWrite = now;
    const state = this.limiter.state();
    const saved = {
      format: FORMAT,
      savedAt: now,
      banUntil: this.banUntil > now ? this.banUntil : 0,
      ...state,
    };
    const tmp = `${this.o.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.o.path), { recursive: true });
      writeFileSync(tmp, JSON.stringify(saved));
      renameSync(tmp, this.o.path);
      this.writeFailed = false;
    } catch (err) {
      if (this.writeFailed) return;
      this.writeFailed = true;
      this.o.logger.warn(
        { err: String(err), file: this.o.path },
        "cannot write the rate limiter's state: a restart will not know this process's requests; give the data dir write access",
      );
    }
  }

  /** The last write, at stop. */
  close(): void {
    this.pending?.abort();
    this.pending = undefined;
    this.flush();
    this.closed = true;
  }

  private read(): Saved | undefined {
    let text: string;
    try {
      text = readFileSync(this.o.path, "utf8");
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      this.o.logger.info(
        { file: this.o.path },
        missing
          ? "no rate limiter state from a previous process: the limiter starts fresh"
          : `cannot read the rate limiter's state (${String(err)}): the limiter starts fresh`,
      );
      return undefined;
    }
    const saved = parse(text, this.o.clock.now());
    if (typeof saved === "string") {
      this.o.logger.warn(
        { file: this.o.path, problem: saved },
        `the rate limiter's state is unreadable (${saved}): the limiter starts fresh; the file is rewritten within seconds`,
      );
      return undefined;
    }
    return saved;
  }
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** The file's content, or what is wrong with it. Checked by hand: zod stays off the start-up path. */
function parse(text: string, now: number): Saved | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof raw !== "object" || raw === null) return "not an object";
  const r = raw as Record<string, unknown>;
  if (r.format !== FORMAT) return `format ${String(r.format)}, expected ${FORMAT}`;
  if (!isTime(r.pauseUntil) || !isTime(r.banUntil)) return "pauseUntil/banUntil are not times";
  if (Math.max(r.pauseUntil, r.banUntil) > now + MAX_PAUSE_MS)
    return "a pause longer than MEXC's longest ban";
  if (typeof r.buckets !== "object" || r.buckets === null) return "no buckets";
  const buckets: Record<string, BucketState> = {};
  for (const [name, b] of Object.entries(r.buckets as Record<string, unknown>)) {
    const bs = b as { spent?: unknown; cut?: { at?: unknown; value?: unknown } } | null;
    if (!bs || !Array.isArray(bs.spent)) return `pool ${name} has no spent list`;
    const spent: (readonly [number, number])[] = [];
    for (const p of bs.spent) {
      if (!Array.isArray(p) || !isTime(p[0]) || !isTime(p[1])) return `pool ${name} has a bad entry`;
      spent.push([p[0], p[1]]);
    }
    const cut = bs.cut;
    if (cut !== undefined && (!isTime(cut?.at) || !isTime(cut?.value))) return `pool ${name} has a bad cut`;
    buckets[name] = { spent, ...(cut ? { cut: { at: cut.at as number, value: cut.value as number } } : {}) };
  }
  return { pauseUntil: r.pauseUntil, banUntil: r.banUntil, buckets };
}
