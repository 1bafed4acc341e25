import type { Clock } from "../clock.js";
import { rulesFromExchangeInfo, type SymbolRules } from "./symbol-rules.js";
import type { ExchangeInfo } from "./types.js";

export interface RulesCacheOptions {
  readonly clock: Clock;
  readonly refreshMs: number;
  /** exchangeInfo (weight 10) and defaultSymbols (weight 1), fetched together. */
  readonly load: () => Promise<{ info: ExchangeInfo; defaultSymbols: string[] }>;
  /** A refresh failed while older rules were still at hand (they are kept). */
  readonly onStaleRefreshFailure?: (err: unknown) => void;
}

/**
 * Symbol rules loaded once and refreshed lazily when older than `refreshMs` (default 30 min): rules change
 * rarely, and a scan of 2,000 symbols must not cost 2,000 exchangeInfo calls.
 */
export class SymbolRulesCache {
  private table: Map<string, SymbolRules> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<Map<string, SymbolRules>> | undefined;
  /** The symbols this API key may trade (GET /api/v3/selfSymbols), once read; undefined: no restriction known. */
  private keySymbols: ReadonlySet<string> | undefined;

  constructor(private readonly opts: RulesCacheOptions) {}

  /**
   * From now on only these symbols are `keyAllowed` (the live pre-flight reads them from GET /api/v3/selfSymbols):
   * an order on any other is refused before sending, as MEXC would refuse it (30020 "no permission for the symbol").
   */
  restrictToKeySymbols(symbols: Iterable<string>): void {
    this.keySymbols = new Set(symbols);
    if (this.table) this.table = this.applyKey(this.table);
  }

  /** The restriction set by restrictToKeySymbols, if any. */
  get keySymbolList(): ReadonlySet<string> | undefined {
    return this.keySymbols;
  }

  private applyKey(table: Map<string, SymbolRules>): Map<string, SymbolRules> {
    const key = this.keySymbols;
    if (!key) return table;
    return new Map([...table].map(([s, r]) => [s, { ...r, keyAllowed: key.has(s) }]));
  }

  /** The rules of one symbol, or undefined when MEXC does not list it. */
  async get(symbol: string): Promise<SymbolRules | undefined> {
    return (await this.all()).get(symbol);
  }

  async all(): Promise<ReadonlyMap<string, SymbolRules>> {
    if (this.table && this.opts.clock.now() - this.loadedAt < this.opts.refreshMs) return this.table;
    if (!this.table) return this.refresh();
    try {
      return await this.refresh();
    } catch (err) {
      this.opts.onStaleRefreshFailure?.(err);
      return this.table;
    }
  }

  /** Loads now; concurrent callers share one load. */
  refresh(): Promise<Map<string, SymbolRules>> {
    this.inFlight ??= this.opts
      .load()
      .then(({ info, defaultSymbols }) => {
        this.table = this.applyKey(rulesFromExchangeInfo(info, defaultSymbols));
        this.loadedAt = this.opts.clock.now();
        return this.table;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
