import type { Balance, MexcClient, Trade } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/index.js";
import { attribute, botOfFill, MANUAL, type OrderJournalView } from "./attribution.js";
import { CostBasisBook, type CostBasisOptions, type CostBasisSnapshot } from "./cost-basis.js";
import type { Fill, FillJson } from "./fill.js";
import { FillsDigest, mergeImportedFills, type Pair } from "./fills-digest.js";
import { fillsSince, forEachFill, recentFills, rewriteFills } from "./fills-reads.js";
import { replayFillsFile } from "./fills-replay.js";
import { type FillsOnDisk, KeptCostBasis } from "./kept-cost-basis.js";
import { type RoutineRule, RoutineSyncs, SAFETY_NET_MS, shouldSync } from "./routine-sync.js";
import {
  HISTORY_MS,
  MARGIN_MS,
  nextCursor,
  PAGE,
  RECENT_MS,
  type SyncCursor,
  tradeWindows,
  type Walked,
  walkTradeWindows,
} from "./trade-windows.js";

/** A sync never reads forever: at most 100 myTrades requests a call; the next one goes on from where it stopped. */
const MAX_PAGES = 100;
/** How far before the last synced trade each sync starts again. */
const LOOK_BACK_MS = 2 * 60_000;

/** How syncAll chooses the symbols it syncs; without options it syncs every one. */
export interface SyncAllOptions {
  /**
   * A routine sync (routine-sync.ts): a symbol is synced when its base total moved since the reference read by
   * more than the fills booked meanwhile, or its last sync is older than the safety net (default an hour); when no
   * read has come for `maxAgeMs`, once its last sync is that old.
   */
  routine?: Partial<RoutineRule> & {
    maxAgeMs: number;
    /** The caller's own account read, just made: kept as the newest read (else the newest one held is used). */
    balances?: readonly Balance[];
  };
}

export interface LedgerOptions {
  client: MexcClient;
  store: Store;
  /** Path of fills.jsonl: the ledger opens it (creates, repairs) and keeps a digest of it, not its fills. */
  fills: string;
  clock: Clock;
  log?: Logger;
  /** Quote assets our symbols end in, to split a symbol into base and quote. */
  quoteAssets?: readonly string[];
  /**
   * The order journal, to attribute each fill to the bot whose order it was (MEXC's myTrades often names no client
   * order id). Without it (tools, tests) the exchange's client order id alone decides.
   */
  journal?: OrderJournalView;
}

/**
 * Every fill of the account, kept forever: MEXC forgets trades after a month, the cost basis must not.
 * Each symbol is synced incrementally from where its last sync stopped, in windows of at most a week, the last one
 * open and inside the week (trade-windows.ts: MEXC answers nothing for a startTime older than a week), so a routine
 * PnL check costs one myTrades call per symbol; duplicates (the same trade seen twice) are dropped by id.
 *
 * Each fill is attributed to a bot when it is synced, through the journal (see attribution.ts), and the bot is
 * kept in fills.jsonl. A fill can be synced before the journal knows its order id (that id arrives with the
 * order's acknowledgement, or with the lookup of an order whose answer was lost); such a fill is kept as manual and
 * attributed again at every later sync of its symbol and at every start, until the journal knows its order. That
 * costs a map lookup per manual fill, and a rewrite of fills.jsonl only when one changes; the first sync after
 * the order's acknowledgement comes at once, because every fill of ours triggers a sync of its symbol.
 * (Holding such fills back until the journal knows would stall the ledger behind an order that is never resolved.)
 *
 * The fills stay on disk: the ledger keeps a digest of the file (fills-digest.ts: ids, pairs, where the manual
 * fills are, the last fills, a time index), checkpointed next to it, so a start reads only the lines after the
 * checkpoint; a walk of every fill streams the file (forEachFill).
 */
export class Ledger {
  readonly #client: MexcClient;
  readonly #store: Store;
  /** Reopened after a rewrite (every line offset after a change moves). */
  #digest: FillsDigest;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #quotes: readonly string[];
  readonly #journal: OrderJournalView | undefined;
  /** What opening fills.jsonl repaired, in words, for the log. */
  readonly repairs: readonly string[];
  #syncing = new Map<string, Promise<Fill[]>>();
  /** Each symbol's last successful sync and the account reads routine syncs are measured against. */
  readonly #routine = new RoutineSyncs();
  /** The plain cost basis, applied fill by fill and checkpointed next to fills.jsonl. */
  readonly #basis: KeptCostBasis;
  /** Coverage read since the cursor was last written, by that cursor (a cursor replaced starts afresh). */
  readonly #covered = new WeakMap<SyncCursor, number>();

  constructor(opts: LedgerOptions) {
    this.#client = opts.client;
    this.#store = opts.store;
    this.#digest = FillsDigest.open(opts.fills, opts.log ? { log: opts.log } : {});
    this.repairs = this.#digest.file.repairs;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#quotes = opts.quoteAssets ?? ["USDT", "USDC", "BTC", "ETH"];
    this.#journal = opts.journal;
    // The digest is replaced after a rewrite: the kept book always asks the current one.
    const ledger = this;
    const onDisk: FillsOnDisk = {
      get path() {
        return ledger.#digest.file.path;
      },
      get bytes() {
        return ledger.#digest.file.bytes;
      },
      get records() {
        return ledger.#digest.file.records;
      },
    };
    this.#basis = new KeptCostBasis(onDisk, opts.log ? { log: opts.log } : {});
    if (this.#journal) this.#attributeKept();
  }

  get fillCount(): number {
    return this.#digest.records;
  }

  /** The last `n` fills written, newest first (the Telegram /fills command); from memory up to 1000. */
  recentFills(n: number): Fill[] {
    return recentFills(this.#digest, n);
  }

  /** Fills at or after `time` (epoch ms), in file order: a report's period; reads the blocks that can match. */
  fillsSince(time: number): Fill[] {
    return fillsSince(this.#digest, time);
  }

  /**
   * Every fill, in file order, one at a time, streamed from fills.jsonl: O(history) in time, not in memory. For an
   * audit that must see them all (the soak's ledger check).
   */
  forEachFill(visit: (f: Fill) => void): void {
    forEachFill(this.#digest, visit);
  }

  /** Symbols with at least one fill in the ledger. */
  get tradedSymbols(): string[] {
    return [...this.#digest.pairs.keys()];
  }

  /** The pairs with at least one fill, split into base and quote (the profit-seller's alts). */
  get tradedPairs(): Pair[] {
    return [...this.#digest.pairs.values()];
  }

  /**
   * Writes the checkpoints now (at a clean stop): the cost basis's, so the next start applies no fill twice, and
   * the digest's, so it reads only the lines written after this.
   */
  checkpoint(): void {
    this.#basis.save();
    this.#digest.checkpoint();
  }

  /**
   * Syncs several symbols, one after the other (the limiter would serialise them anyway). A routine sync skips the
   * symbols where nothing can have been traded (see SyncAllOptions, routine-sync.ts): the suite syncs a symbol
   * whenever one of its orders fills, so a bot's routine check is only a safety net for trades made elsewhere (by
   * hand, another program). The first failure ends the call; what it did not reach is retried next time.
   */
  async syncAll(symbols: Iterable<string>, opts: SyncAllOptions = {}): Promise<Fill[]> {
    const added: Fill[] = [];
    const routine = opts.routine;
    if (routine?.balances) this.#routine.observe(routine.balances, this.#clock.now());
    const rule = routine && { maxAgeMs: routine.maxAgeMs, safetyNetMs: routine.safetyNetMs ?? SAFETY_NET_MS };
    for (const s of new Set(symbols)) {
      const base = this.#baseOf(s);
      // A symbol that cannot be split has no base to watch: synced every time (its trades would not parse anyway).
      const check = rule && base !== undefined && this.#routine.check(s, base, this.#clock.now(), rule);
      if (!check || shouldSync(check.verdict)) added.push(...(await this.sync(s)));
      if (check) this.#routine.checked(check);
    }
    return added;
  }

  /** Fetches the symbol's trades since the last sync and appends the new ones. Concurrent calls share one sync. */
  sync(symbol: string): Promise<Fill[]> {
    const running = this.#syncing.get(symbol);
    if (running) return running;
    const p = this.#syncOnce(symbol).finally(() => this.#syncing.delete(symbol));
    this.#syncing.set(symbol, p);
    return p;
  }

  async #syncOnce(symbol: string): Promise<Fill[]> {
    this.#attributeManual(symbol);
    const now = this.#clock.now();
    const ticket = this.#routine.begin();
    const cursor = this.#store.state.ledger.cursors[symbol];
    const covered = Math.max(cursor?.coveredTo ?? 0, (cursor && this.#covered.get(cursor)) ?? 0);
    // Two minutes back from where the last sync stopped: a trade can become visible after a later one was synced
    // (a resting order's fill reported late). Trades seen twice are dropped by id. A symbol never synced starts at
    // the week MEXC answers, not the docs' month: its older windows would be [] (mexc-api-sdk #56) and, at a start
    // syncing every held symbol, a burst of requests (weight 10 each) the limiter makes the start wait for.
    const reach = cursor ? HISTORY_MS : RECENT_MS;
    const from = Math.max(Math.max(cursor?.lastTime ?? 0, covered) - LOOK_BACK_MS, now - reach + MARGIN_MS);
    const added: Fill[] = [];
    let newest = Number.NEGATIVE_INFINITY;
    const walk = await walkTradeWindows({
      windows: tradeWindows(from, now),
      maxRequests: MAX_PAGES,
      fetch: (w) =>
        this.#client.myTrades(symbol, {
          startTime: w.start,
          ...(Number.isFinite(w.end) ? { endTime: w.end } : {}),
          limit: PAGE,
        }),
      seen: (trades) => {
        const fresh = trades.filter((t) => !this.#digest.ids.has(t.id)).map((t) => this.#toFill(t));
        if (fresh.length) {
          this.#digest.append(fresh);
          this.#basis.added(fresh);
          this.#routine.booked(fresh);
          added.push(...fresh);
        }
        for (const t of trades) if (t.time > newest) newest = t.time;
      },
      unsplittable: (w) =>
        this.#log?.warn(
          { symbol, start: w.start },
          "100 trades in one millisecond: some may be missed by time paging",
        ),
    });
    if (walk.capped)
      this.#log?.warn(
        { symbol, requests: walk.requests, coveredTo: walk.coveredTo },
        "trade sync stopped at its request cap; the next sync goes on from there",
      );
    await this.#keepCursor(symbol, cursor, { from, now, newest, coveredTo: walk.coveredTo });
    if (added.length) this.#log?.info({ symbol, added: added.length }, "fills synced");
    // Again at the end: an order acknowledged while this sync was under way asked for a sync and got this one,
    // which may have booked its fill as manual on an earlier page or before the acknowledgement was journaled.
    this.#attributeManual(symbol);
    // Only now: a sync that failed must not count as done, or a routine check would skip its symbol.
    this.#routine.succeeded(symbol, ticket, now);
    return added;
  }

  /** Writes the cursor when nextCursor says so; else keeps the coverage in memory, against the cursor it extends. */
  async #keepCursor(symbol: string, cursor: SyncCursor | undefined, walked: Walked): Promise<void> {
    const next = nextCursor(cursor, walked);
    if (next === undefined) return;
    if ("written" in next) {
      await this.#store.update((s) => {
        s.ledger.cursors[symbol] = next.written;
      });
    } else if (cursor) this.#covered.set(cursor, next.coveredTo);
  }

  /** Adds fills from an import (older history); see mergeImportedFills. */
  importFills(fills: readonly Fill[]): { added: number; skipped: number } {
    const { added, skipped, fresh } = mergeImportedFills(this.#digest, fills);
    this.#basis.added(fresh);
    return { added, skipped };
  }

  /**
   * At start: attributes the fills kept before attribution existed (no `bot`; one rewrite of fills.jsonl, so it
   * happens once) and tries again the manual fills whose order the journal may have learned since they were
   * synced (a crash between a fill's sync and its order's acknowledgement).
   */
  #attributeKept(): void {
    let migrated = 0;
    let attributed = 0;
    const disagreed: string[] = [];
    const changes = new Map<number, (f: Fill) => Fill>();
    const refs = [...this.#digest.unattributed, ...[...this.#digest.manual.values()].flat()];
    for (const ref of refs) {
      if (ref.source !== "exchange") {
        migrated++;
        changes.set(ref.start, (f) => ({ ...f, bot: botOfFill(f) }));
        continue;
      }
      const a = attribute(ref, this.#journal);
      if (a.disagreed !== undefined)
        disagreed.push(`${ref.id}: ${a.disagreed} vs journal ${a.clientOrderId}`);
      if (ref.bot === undefined) migrated++;
      else if (a.bot === MANUAL) continue;
      else attributed++;
      changes.set(ref.start, (f) => withAttribution(f, a));
    }
    if (changes.size > 0) {
      this.#rewrite(changes);
      this.#log?.info(
        { migrated, attributed, fills: this.#digest.records },
        "fills attributed to bots through the order journal",
      );
    }
    if (disagreed.length)
      this.#log?.warn(
        { count: disagreed.length, examples: disagreed.slice(0, 5) },
        "the exchange named other client order ids than the journal for some fills; the journal's were kept",
      );
  }

  /** Attributes again the symbol's manual fills whose order the journal knows by now; one rewrite if any. */
  #attributeManual(symbol: string): void {
    const manual = this.#digest.manual.get(symbol);
    if (!this.#journal || !manual?.length) return;
    const changes = new Map<number, (f: Fill) => Fill>();
    const moved: { id: string; bot: string }[] = [];
    for (const ref of manual) {
      const a = attribute(ref, this.#journal);
      if (a.bot === MANUAL) continue;
      changes.set(ref.start, (f) => withAttribution(f, a));
      moved.push({ id: ref.id, bot: a.bot });
    }
    if (changes.size === 0) return;
    this.#rewrite(changes);
    this.#log?.info(
      { symbol, fills: moved },
      "manual fills attributed: the journal learned their order ids after they were synced",
    );
  }

  /** Changes lines of fills.jsonl in one atomic rewrite, then reads the new file's digest. */
  #rewrite(changes: ReadonlyMap<number, (f: Fill) => Fill>): void {
    this.#basis.historyWillChange();
    rewriteFills(this.#digest.path, changes);
    this.#digest = FillsDigest.open(this.#digest.path, this.#log ? { log: this.#log } : {});
  }

  /**
   * The cost basis over every fill known. With no options (the bots ask every minute) it is the kept book: a new
   * fill costs O(1), never a replay; other options replay the history with them, unless the kept book already
   * equals that result (see KeptCostBasis.snapshotFor).
   */
  costBasis(options: CostBasisOptions = {}): CostBasisSnapshot {
    const kept = this.#basis.snapshotFor(options);
    if (kept) return kept;
    const { state } = replayFillsFile(this.#digest.path, options, this.#digest.file.bytes);
    return CostBasisBook.withoutHistory(options, state).snapshot();
  }

  #baseOf(symbol: string): string | undefined {
    const quote = this.#quotes.find((q) => symbol.endsWith(q) && symbol.length > q.length);
    return quote && symbol.slice(0, -quote.length);
  }

  #toFill(t: Trade): Fill {
    const base = this.#baseOf(t.symbol);
    if (base === undefined)
      throw new Error(
        `cannot split ${t.symbol} into base and quote (known quotes: ${this.#quotes.join(", ")})`,
      );
    const quote = t.symbol.slice(base.length);
    const a = attribute(t, this.#journal);
    if (a.disagreed !== undefined)
      this.#log?.warn(
        {
          tradeId: t.id,
          symbol: t.symbol,
          orderId: t.orderId,
          exchange: a.disagreed,
          journal: a.clientOrderId,
        },
        "the exchange names another client order id than the journal for this fill; the journal's is kept",
      );
    return {
      id: t.id,
      symbol: t.symbol,
      base,
      quote,
      side: t.isBuyer ? "BUY" : "SELL",
      price: t.price,
      qty: t.qty,
      quoteQty: t.quoteQty,
      fee: t.commission,
      feeAsset: t.commissionAsset,
      time: t.time,
      orderId: t.orderId,
      ...(a.clientOrderId !== undefined ? { clientOrderId: a.clientOrderId } : {}),
      bot: a.bot,
      isMaker: t.isMaker,
      source: "exchange",
    };
  }
}

export type { FillJson };
export { mergeImportedFills };

function withAttribution(f: Fill, a: { bot: string; clientOrderId?: string }): Fill {
  const { clientOrderId: _old, ...rest } = f;
  const clientOrderId = a.clientOrderId ?? f.clientOrderId;
  return { ...rest, ...(clientOrderId !== undefined ? { clientOrderId } : {}), bot: a.bot };
}
