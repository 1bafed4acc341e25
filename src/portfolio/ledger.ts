import type { MexcClient, Trade } from "../api/index.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { JsonLinesFile, Store } from "../store/index.js";
import { CostBasisBook, type CostBasisOptions, type CostBasisSnapshot } from "./cost-basis.js";
import { type Fill, type FillJson, fillToJson } from "./fill.js";

/** MEXC's myTrades reaches back one month and returns at most 100 rows. */
const HISTORY_MS = 30 * 24 * 60 * 60_000;
const PAGE = 100;
/** A sync never pages forever: 100 pages are 10,000 trades of one symbol in one call. */
const MAX_PAGES = 100;
/** How far before the last synced trade each sync starts again. */
const LOOK_BACK_MS = 2 * 60_000;

export interface LedgerOptions {
  client: MexcClient;
  store: Store;
  fills: JsonLinesFile<Fill>;
  clock: Clock;
  log?: Logger;
  /** Quote assets our symbols end in, to split a symbol into base and quote. */
  quoteAssets?: readonly string[];
}

/**
 * Every fill of the account, kept forever: MEXC forgets trades after a month, the cost basis must not.
 * Each symbol is synced incrementally from where its last sync stopped, so a routine PnL check costs one
 * myTrades call per symbol; duplicates (the same trade seen twice across pages or runs) are dropped by id.
 */
export class Ledger {
  readonly #client: MexcClient;
  readonly #store: Store;
  readonly #file: JsonLinesFile<Fill>;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #quotes: readonly string[];
  readonly #ids = new Set<string>();
  #syncing = new Map<string, Promise<Fill[]>>();
  /** When each symbol's last sync started (in memory: after a restart everything is synced once). */
  readonly #syncedAt = new Map<string, number>();
  #cached: { count: number; snapshot: CostBasisSnapshot } | undefined;

  constructor(opts: LedgerOptions) {
    this.#client = opts.client;
    this.#store = opts.store;
    this.#file = opts.fills;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#quotes = opts.quoteAssets ?? ["USDT", "USDC", "BTC", "ETH"];
    for (const f of this.#file.items) this.#ids.add(f.id);
  }

  get fills(): readonly Fill[] {
    return this.#file.items;
  }

  /** Symbols with at least one fill in the ledger. */
  get tradedSymbols(): string[] {
    return [...new Set(this.#file.items.map((f) => f.symbol))];
  }

  /**
   * Syncs several symbols, one after the other (the limiter would serialise them anyway). With `maxAgeMs`, a symbol
   * synced more recently than that is skipped: the suite syncs a symbol whenever one of its orders fills, so a bot's
   * routine check needs only a safety net for trades made elsewhere (by hand, another program).
   */
  async syncAll(symbols: Iterable<string>, opts: { maxAgeMs?: number } = {}): Promise<Fill[]> {
    const added: Fill[] = [];
    const now = this.#clock.now();
    for (const s of new Set(symbols)) {
      const last = this.#syncedAt.get(s);
      if (opts.maxAgeMs !== undefined && last !== undefined && now - last < opts.maxAgeMs) continue;
      added.push(...(await this.sync(s)));
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
    const now = this.#clock.now();
    this.#syncedAt.set(symbol, now);
    const floor = now - HISTORY_MS + 60_000;
    const cursor = this.#store.state.ledger.cursors[symbol];
    // Two minutes back from the cursor: a trade can become visible after a later one was synced (a resting
    // order's fill reported late). Trades seen twice are dropped by id; a symbol with more than 100 trades in those
    // two minutes costs a second page.
    let start = Math.max((cursor?.lastTime ?? floor) - LOOK_BACK_MS, floor);
    const added: Fill[] = [];
    let lastTime = cursor?.lastTime ?? start;
    let sawTrades = false;
    for (let page = 0; page < MAX_PAGES; page++) {
      const trades = await this.#client.myTrades(symbol, { startTime: start, limit: PAGE });
      if (trades.length > 0) sawTrades = true;
      const fresh = trades.filter((t) => !this.#ids.has(t.id)).map((t) => this.#toFill(t));
      if (fresh.length) {
        this.#file.append(fresh, fillToJson);
        for (const f of fresh) this.#ids.add(f.id);
        added.push(...fresh);
      }
      const maxTime = trades.reduce((m, t) => Math.max(m, t.time), start);
      lastTime = Math.max(lastTime, maxTime);
      if (trades.length < PAGE) break;
      // The next page starts at the last time seen (its trades dedupe by id); a full page of one millisecond
      // cannot be paged by time, so step past it and say so.
      if (maxTime <= start) {
        this.#log?.warn(
          { symbol, start },
          "100 trades in one millisecond: some may be missed by time paging",
        );
        start += 1;
      } else {
        start = maxTime;
      }
    }
    // A sync that found nothing new leaves the cursor as it was: no write (the bots sync every minute).
    if (sawTrades && cursor?.lastTime !== lastTime)
      await this.#store.update((s) => {
        s.ledger.cursors[symbol] = { lastTime };
      });
    if (added.length) this.#log?.info({ symbol, added: added.length }, "fills synced");
    return added;
  }

  /** Adds fills from an import (older history); see mergeImportedFills. */
  importFills(fills: readonly Fill[]): { added: number; skipped: number } {
    const result = mergeImportedFills(this.#file, fills);
    for (const f of this.#file.items) this.#ids.add(f.id);
    return result;
  }

  /** The cost basis over every fill known; recomputed from the kept history (fast: ~1 s per 100,000 fills). */
  costBasis(options: CostBasisOptions = {}): CostBasisSnapshot {
    // The bots ask every minute with no options; the history only changes when fills arrive, so the last
    // replay is reused until then (a week of fills replayed twice a minute was most of a long run's time).
    const plain = Object.keys(options).length === 0;
    const count = this.#file.items.length;
    if (plain && this.#cached?.count === count) return this.#cached.snapshot;
    const book = new CostBasisBook(options);
    book.applyAll(this.#file.items);
    const snapshot = book.snapshot();
    if (plain) this.#cached = { count, snapshot };
    return snapshot;
  }

  #toFill(t: Trade): Fill {
    const quote = this.#quotes.find((q) => t.symbol.endsWith(q) && t.symbol.length > q.length);
    if (!quote)
      throw new Error(
        `cannot split ${t.symbol} into base and quote (known quotes: ${this.#quotes.join(", ")})`,
      );
    return {
      id: t.id,
      symbol: t.symbol,
      base: t.symbol.slice(0, -quote.length),
      quote,
      side: t.isBuyer ? "BUY" : "SELL",
      price: t.price,
      qty: t.qty,
      quoteQty: t.quoteQty,
      fee: t.commission,
      feeAsset: t.commissionAsset,
      time: t.time,
      orderId: t.orderId,
      ...(t.clientOrderId ? { clientOrderId: t.clientOrderId } : {}),
      isMaker: t.isMaker,
      source: "exchange",
    };
  }
}

export type { FillJson };

/**
 * Appends imported fills that are new. Rows at or after the first fill synced from the exchange for the same
 * symbol are skipped: the exchange already reported those trades, under its own ids.
 */
export function mergeImportedFills(
  file: JsonLinesFile<Fill>,
  fills: readonly Fill[],
): { added: number; skipped: number } {
  const ids = new Set(file.items.map((f) => f.id));
  const firstSynced = new Map<string, number>();
  for (const f of file.items) {
    if (f.source !== "exchange") continue;
    firstSynced.set(f.symbol, Math.min(firstSynced.get(f.symbol) ?? Infinity, f.time));
  }
  const fresh = fills.filter((f) => !ids.has(f.id) && f.time < (firstSynced.get(f.symbol) ?? Infinity));
  file.append(fresh, fillToJson);
  return { added: fresh.length, skipped: fills.length - fresh.length };
}
