import type { Balance } from "../api/index.js";
import { D } from "../decimal.js";
import type { Fill } from "./fill.js";

/**
 * When a routine myTrades sync of a symbol is worth its request (weight 10 on MEXC, like the account read: docs
 * "Account Trade List" and "Account Information", mexcdevelop/apidocs spot_v3_en source/index.html.md).
 *
 * Every fill of a symbol moves the account's total (free + locked) of its base asset: a buy adds its quantity, a
 * sell takes it away, and a fee charged in the base asset is smaller than the quantity it is charged on, so the
 * move never cancels out within one fill. A fee in the quote asset or in MX (MEXC's "MX deduct") leaves the base
 * move as it is. So when the base total moved between two account reads by exactly what the fills the ledger
 * booked meanwhile explain (usually: not at all, or by our own fill that the suite synced when its order filled),
 * no fill is missing, and a routine sync of the symbol would find nothing new: it is skipped, and the account read
 * that told us so is one the bots make anyway (the alts seller every run).
 *
 * What this cannot see, and why it is safe:
 * - fills that cancel out between two reads (a buy and a sell of the same amount, fees in the quote; a fill and a
 *   deposit or withdrawal of the same amount; fills of two symbols sharing the base; a missing fill equal to one
 *   booked late that the earlier read already held): the safety net syncs every symbol at least every
 *   `safetyNetMs` whatever the totals say;
 * - our own fills need no routine sync at all: the suite syncs a symbol whenever one of its orders fills (app.ts);
 * - a deposit or withdrawal moves the total without a fill: one sync that finds nothing, harmless;
 * - MEXC's docs do not say that a fill shows in the account and in myTrades at once: one the account shows first
 *   is missed by the sync its move asks for, and found by the safety net's (as by the 5-minute syncs of old,
 *   within the ledger's two-minute look-back behind the last trade synced).
 *
 * The comparison is only sound against a read made BEFORE the sync it is paired with began: a fill between that
 * sync's start and a later read would otherwise hide in the reference. Times cannot order them (on the virtual
 * clock of the soak and the replays a read and a sync often share a millisecond, and the simulator fills resting
 * orders at every signed request), so the ledger numbers reads and sync starts from one counter ("tickets") and
 * pairs a read only with a sync whose ticket is larger.
 */

/**
 * The account read as the ledger saw it: its ticket, each asset's total (an asset not listed holds 0), and what
 * the ledger had booked of each asset by then (see Booked).
 */
export interface BalanceRead {
  ticket: number;
  /** When the ledger was handed it (clock ms). */
  at: number;
  totals: ReadonlyMap<string, D>;
  booked: ReadonlyMap<string, D>;
}

/** One asset as one read saw it: the account's total, and the ledger's booked sum then. */
export interface Seen {
  ticket: number;
  at: number;
  total: D;
  booked: D;
}

/**
 * What the fills the ledger appended since it started did to each asset's total: base +qty on a buy, −qty on a
 * sell, the quote the other way, the fee off its asset. Only differences between two reads are used.
 */
export class Booked {
  readonly #sums = new Map<string, D>();

  add(fills: readonly Fill[]): void {
    for (const f of fills) {
      const buy = f.side === "BUY";
      this.#move(f.base, buy ? f.qty : f.qty.neg());
      this.#move(f.quote, buy ? f.quoteQty.neg() : f.quoteQty);
      if (!f.fee.isZero()) this.#move(f.feeAsset, f.fee.neg());
    }
  }

  of(asset: string): D {
    return this.#sums.get(asset) ?? new D(0);
  }

  snapshot(): ReadonlyMap<string, D> {
    return new Map(this.#sums);
  }

  #move(asset: string, by: D): void {
    this.#sums.set(asset, (this.#sums.get(asset) ?? new D(0)).plus(by));
  }
}

/** Each asset's free + locked. MEXC's account answer may leave out assets of zero balance. */
export function totalsOf(balances: readonly Balance[]): Map<string, D> {
  const totals = new Map<string, D>();
  for (const b of balances)
    totals.set(b.asset, (totals.get(b.asset) ?? new D(0)).plus(b.free).plus(b.locked));
  return totals;
}

export function seenOf(read: BalanceRead, asset: string): Seen {
  const zero = new D(0);
  return {
    ticket: read.ticket,
    at: read.at,
    total: read.totals.get(asset) ?? zero,
    booked: read.booked.get(asset) ?? zero,
  };
}

/** What the rule knows of one symbol. */
export interface SymbolSyncState {
  /** The last successful sync of the symbol by anyone: its ticket and when it began (clock ms). */
  lastSync?: { ticket: number; at: number };
  /** The base as a read saw it that a successful sync began after: what "moved" is measured from. */
  reference?: Seen;
  /** The newest read a routine check of this symbol has compared: each read answers once per symbol. */
  checkedTicket?: number;
}

export interface RoutineRule {
  /**
   * Without a read not yet compared for this symbol, and none handed to the ledger for this long (the caller that
   * reads the account has stopped), a sync at least this old is done again: the age rule of old.
   */
  maxAgeMs: number;
  /** Whatever the totals say, a sync at least this old is done again. */
  safetyNetMs: number;
}

export type RoutineVerdict =
  /** sync: never synced successfully since the start (failed syncs leave no trace, so they are retried). */
  | "first"
  /** sync: the safety net's age passed. */
  | "safety-net"
  /** sync: no reference total yet to compare a read with. */
  | "unpaired"
  /** sync: the base total moved since the reference by other than what the fills booked meanwhile explain. */
  | "moved"
  /** sync: no new read to compare nor one lately, and the last sync is `maxAgeMs` old. */
  | "aged"
  /** skip: the base total has not moved, or only by what the fills booked meanwhile explain. */
  | "unmoved"
  /** skip: no new read to compare, and the last sync is recent. */
  | "recent"
  /** skip: no new read to compare, but reads keep coming (one within `maxAgeMs`): the next one will answer. */
  | "awaited";

const SKIPS: ReadonlySet<RoutineVerdict> = new Set(["unmoved", "recent", "awaited"]);

export function shouldSync(v: RoutineVerdict): boolean {
  return !SKIPS.has(v);
}

/** The rule itself, pure: `read` is the base as the newest account read the ledger holds saw it, if any. */
export function routineVerdict(
  state: SymbolSyncState,
  read: Seen | undefined,
  now: number,
  rule: RoutineRule,
): RoutineVerdict {
  const last = state.lastSync;
  if (last === undefined) return "first";
  if (now - last.at >= rule.safetyNetMs) return "safety-net";
  const fresh = read !== undefined && read.ticket > (state.checkedTicket ?? -1);
  if (!fresh) {
    if (now - last.at < rule.maxAgeMs) return "recent";
    return read !== undefined && now - read.at < rule.maxAgeMs ? "awaited" : "aged";
  }
  if (state.reference === undefined) return "unpaired";
  const ref = state.reference;
  const explained = read.total.minus(ref.total).eq(read.booked.minus(ref.booked));
  return explained ? "unmoved" : "moved";
}

/**
 * After a check: a read the symbol's last successful sync began after becomes the reference (and counts as
 * compared); an unmoved read counts as compared. A sync that failed, or a sync shared with one that began before
 * the read, pairs nothing and leaves the read uncompared, so the next check syncs again.
 *
 * The reference's booked sum is the ledger's now (`bookedNow`), after the sync: its fills are taken to be ones the
 * read already held. One that came after the read makes the next check see a move nothing explains and sync once
 * more, which is the safe side.
 */
export function afterCheck(
  state: SymbolSyncState,
  read: Seen | undefined,
  verdict: RoutineVerdict,
  bookedNow: D,
): SymbolSyncState {
  if (read === undefined) return state;
  const checkedTicket = Math.max(read.ticket, state.checkedTicket ?? -1);
  if (state.lastSync !== undefined && state.lastSync.ticket > read.ticket)
    return { ...state, checkedTicket, reference: { ...read, booked: bookedNow } };
  return verdict === "unmoved" ? { ...state, checkedTicket } : state;
}

/** One routine check: the read its verdict was made on. */
export interface Check {
  symbol: string;
  base: string;
  read: Seen | undefined;
  verdict: RoutineVerdict;
}

/** The safety net the sellers use: every symbol is synced at least hourly, moved or not. */
export const SAFETY_NET_MS = 60 * 60_000;

/**
 * The ledger's side of the rule: one counter for reads and sync starts, the newest read, and each symbol's state.
 * In memory: after a restart every symbol is synced once ("first").
 */
export class RoutineSyncs {
  #tickets = 0;
  #newest: BalanceRead | undefined;
  readonly #booked = new Booked();
  readonly #states = new Map<string, SymbolSyncState>();

  /** A sync begins (before its first request): its ticket. */
  begin(): number {
    return ++this.#tickets;
  }

  /** Fills a sync has just appended to the ledger. */
  booked(fills: readonly Fill[]): void {
    this.#booked.add(fills);
  }

  /** A sync that began with `ticket` at `at` finished without an error. */
  succeeded(symbol: string, ticket: number, at: number): void {
    const state = this.#states.get(symbol) ?? {};
    if (state.lastSync !== undefined && state.lastSync.ticket > ticket) return;
    this.#states.set(symbol, { ...state, lastSync: { ticket, at } });
  }

  /** An account read that has just come back (so every sync begun after this call began after the read). */
  observe(balances: readonly Balance[], at: number): void {
    this.#newest = {
      ticket: ++this.#tickets,
      at,
      totals: totalsOf(balances),
      booked: this.#booked.snapshot(),
    };
  }

  /** The verdict for `symbol` against the newest read; hand both back to `checked` after the sync, if any. */
  check(symbol: string, base: string, now: number, rule: RoutineRule): Check {
    const read = this.#newest && seenOf(this.#newest, base);
    return { symbol, base, read, verdict: routineVerdict(this.#states.get(symbol) ?? {}, read, now, rule) };
  }

  /**
   * After a check, and after its sync when one was needed and succeeded (a failed sync is not reported: nothing
   * changes, so the next check syncs again). The read is the one the verdict was made on: another read may have
   * come in meanwhile, which nothing has compared yet.
   */
  checked(c: Check): void {
    const state = this.#states.get(c.symbol) ?? {};
    this.#states.set(c.symbol, afterCheck(state, c.read, c.verdict, this.#booked.of(c.base)));
  }

  /** When the symbol's last successful sync began, if any. */
  lastSyncAt(symbol: string): number | undefined {
    return this.#states.get(symbol)?.lastSync?.at;
  }
}
