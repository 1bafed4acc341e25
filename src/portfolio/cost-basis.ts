import { D } from "../decimal.js";
import { botOfFill } from "./attribution.js";
import type {
  AssetPosition,
  BookState,
  CostBasisOptions,
  CostBasisSnapshot,
  CostBasisWarning,
  MutablePosition,
  PriceRole,
} from "./cost-basis-types.js";
import { compareFills, type Fill, fillProblems } from "./fill.js";

/**
 * Average-cost basis per base asset, in US dollars.
 *
 * - BUY: quantity += qty − (base-asset fee); cost += quoteQty + (quote-asset fee) + (other-asset fee, valued in USD).
 * - SELL: removed = qty + (base-asset fee); proceeds = quoteQty − (quote-asset fee) − (other-asset fee);
 *   cost removed = average cost × removed; realized += proceeds − cost removed. A sell of the whole position removes
 *   the whole cost instead, so no rounding of the average can leave a residue: it leaves exactly 0.
 * - A sell larger than the known position (deposits, airdrops, history older than the ledger): the known part
 *   realizes against the average cost with its pro-rata share of the proceeds; the excess quantity and its proceeds
 *   go to an "unmatched-sell" warning and to `unmatchedProceeds`, never to realized PnL, and the position stops at 0.
 *
 * Quote amounts become dollars at 1:1 for USDT and USDC, unless `quoteToUsd` says otherwise; other quote assets and
 * third-asset fees (MX) are valued with `priceAt` at the fill time, else with `currentPrice` (flagged), else at 0
 * (flagged). Flags are how a figure built on a guess stays visible.
 */
export type {
  AssetPosition,
  BookState,
  CostBasisOptions,
  CostBasisSnapshot,
  CostBasisWarning,
  MutablePosition,
  PriceRole,
} from "./cost-basis-types.js";

const ZERO = new D(0);
const ONE = new D(1);
const DAY_MS = 86_400_000;

/**
 * The bot a fill's PnL belongs to: the ledger's attribution (through the order journal), else the bot in our client
 * order id, else "manual". One parser of client ids for the whole program (attribution.ts).
 */
export const botOf = botOfFill;

/** What the position would realize if sold now at `price` as a taker, net of that fee, minus what it cost. */
export function unrealizedPnl(
  position: Pick<AssetPosition, "quantity" | "totalCost">,
  price: D,
  takerFee: D,
): D {
  return position.quantity.mul(price).mul(ONE.minus(takerFee)).minus(position.totalCost);
}

/**
 * Applies fills one at a time so a new fill costs O(1), not a replay of history. Fills must come in time order to
 * be cheap; an older fill than the last one applied is still accepted, by replaying everything once, because the
 * average cost depends on the order.
 *
 * A book made `withoutHistory` keeps no fill (a million fills with their Decimals do not fit the ledger's memory):
 * its caller dedupes, and hands over only fills that come after the last one applied (`follows`), else replays
 * the history itself into a new book.
 */
export class CostBasisBook {
  private readonly usdAssets: ReadonlySet<string>;
  private applied: Fill[] = [];
  private readonly ids = new Set<string>();
  private positions = new Map<string, MutablePosition>();
  private byDay = new Map<string, D>();
  private byBot = new Map<string, D>();
  private warnings: CostBasisWarning[] = [];
  private last: { time: number; id: string } | undefined;
  private dayNumber = Number.NaN;
  private dayKey = "";

  constructor(
    private readonly options: CostBasisOptions = {},
    private readonly history = true,
  ) {
    this.usdAssets = new Set(options.usdAssets ?? ["USDT", "USDC"]);
  }

  /** A book that keeps no fills (see the class comment), optionally resumed from a checkpoint's state. */
  static withoutHistory(options: CostBasisOptions = {}, state?: BookState): CostBasisBook {
    const book = new CostBasisBook(options, false);
    if (state) {
      book.positions = state.positions;
      book.byDay = state.byDay;
      book.byBot = state.byBot;
      book.warnings = state.warnings;
      book.last = state.last;
    }
    return book;
  }

  /** The book's derived state, live (not a copy): for a checkpoint, serialised at once. */
  state(): BookState {
    return {
      positions: this.positions,
      byDay: this.byDay,
      byBot: this.byBot,
      warnings: this.warnings,
      last: this.last,
    };
  }

  /** Whether `fill` comes after every fill applied, so applying it costs O(1). */
  follows(fill: Fill): boolean {
    return this.last === undefined || compareFills(this.last, fill) < 0;
  }

  /** Applies one fill; returns false if a fill with this id was applied before (the ledger may resend it). */
  apply(fill: Fill): boolean {
    if (!this.history) {
      // The hot path of a kept book: one fill, no batch, no sort.
      assertValid(fill);
      if (!this.follows(fill))
        throw new RangeError(
          `fill ${fill.id} is older than the last one applied: replay the history instead`,
        );
      this.process(fill);
      return true;
    }
    return this.applyAll([fill]) === 1;
  }

  /** Applies a batch with at most one replay; returns how many fills were new. */
  applyAll(fills: Iterable<Fill>): number {
    if (!this.history) {
      let n = 0;
      for (const f of fills) n += this.apply(f) ? 1 : 0;
      return n;
    }
    const fresh: Fill[] = [];
    try {
      for (const f of fills) {
        if (this.ids.has(f.id)) continue;
        this.ids.add(f.id);
        fresh.push(f);
        assertValid(f);
      }
    } catch (error) {
      // A refused batch leaves no trace; otherwise its valid fills would later be skipped as already applied.
      for (const f of fresh) this.ids.delete(f.id);
      throw error;
    }
    if (fresh.length === 0) return 0;
    fresh.sort(compareFills);
    const last = this.applied[this.applied.length - 1];
    const first = fresh[0] as Fill;
    if (last === undefined || compareFills(last, first) < 0) {
      for (const f of fresh) {
        this.applied.push(f);
        this.process(f);
      }
    } else {
      for (const f of fresh) this.applied.push(f);
      this.replay();
    }
    return fresh.length;
  }

  snapshot(): CostBasisSnapshot {
    const assets = new Map<string, AssetPosition>();
    let realizedPnl = ZERO;
    let unmatchedProceeds = ZERO;
    let feesUsd = ZERO;
    for (const [asset, p] of this.positions) {
      assets.set(asset, {
        asset,
        quantity: p.quantity,
        avgCost: p.quantity.isZero() ? ZERO : (p.avgCost ?? p.totalCost.div(p.quantity)),
        totalCost: p.totalCost,
        realizedPnl: p.realizedPnl,
        feesUsd: p.feesUsd,
        fills: p.fills,
        unmatchedQty: p.unmatchedQty,
        unmatchedProceeds: p.unmatchedProceeds,
        warnings: p.warnings.slice(),
      });
      realizedPnl = realizedPnl.plus(p.realizedPnl);
      unmatchedProceeds = unmatchedProceeds.plus(p.unmatchedProceeds);
      feesUsd = feesUsd.plus(p.feesUsd);
    }
    return {
      assets,
      realizedPnl,
      unmatchedProceeds,
      feesUsd,
      byDay: new Map(this.byDay),
      byBot: new Map(this.byBot),
      warnings: this.warnings.slice(),
    };
  }

  private replay(): void {
    this.applied.sort(compareFills);
    this.positions = new Map();
    this.byDay = new Map();
    this.byBot = new Map();
    this.warnings = [];
    for (const f of this.applied) this.process(f);
  }

  private process(f: Fill): void {
    this.last = { time: f.time, id: f.id };
    let p = this.positions.get(f.base);
    if (p === undefined) {
      p = {
        quantity: ZERO,
        totalCost: ZERO,
        avgCost: undefined,
        realizedPnl: ZERO,
        feesUsd: ZERO,
        fills: 0,
        unmatchedQty: ZERO,
        unmatchedProceeds: ZERO,
        warnings: [],
      };
      this.positions.set(f.base, p);
    }
    p.fills++;
    const rate = this.usdPrice(f, f.quote, "quote", p);
    const quoteUsd = rate === ONE ? f.quoteQty : f.quoteQty.mul(rate);
    const feeInBase = f.feeAsset === f.base;
    // The fee's dollar value; for a base-asset fee it is only reported, the quantity change already carries it.
    let feeUsd = ZERO;
    if (!f.fee.isZero()) {
      if (feeInBase) feeUsd = rate === ONE ? f.fee.mul(f.price) : f.fee.mul(f.price).mul(rate);
      else if (f.feeAsset === f.quote) feeUsd = rate === ONE ? f.fee : f.fee.mul(rate);
      else feeUsd = f.fee.mul(this.usdPrice(f, f.feeAsset, "fee", p));
      p.feesUsd = p.feesUsd.plus(feeUsd);
    }
    // A base-asset fee is paid in quantity; any other fee is paid in value and adds to cost or cuts proceeds.
    // (Zero checks skip Decimal operations that would change nothing: this loop must stay cheap at 100k fills.)
    const valueFee = feeInBase || feeUsd.isZero() ? undefined : feeUsd;
    if (!f.fee.isZero() && !feeInBase && f.feeAsset !== f.quote) this.spendFeeAsset(f, feeUsd);

    if (f.side === "BUY") {
      p.quantity = feeInBase ? p.quantity.plus(f.qty).minus(f.fee) : p.quantity.plus(f.qty);
      p.totalCost = valueFee ? p.totalCost.plus(quoteUsd).plus(valueFee) : p.totalCost.plus(quoteUsd);
      p.avgCost = undefined;
      return;
    }

    const removed = feeInBase ? f.qty.plus(f.fee) : f.qty;
    const proceeds = valueFee ? quoteUsd.minus(valueFee) : quoteUsd;
    const vsHeld = removed.cmp(p.quantity);
    let pnl: D;
    if (vsHeld <= 0) {
      // The whole position takes the whole cost, so no rounding can leave a residue behind an empty position.
      let costRemoved = p.totalCost;
      if (vsHeld < 0) {
        p.avgCost ??= p.totalCost.div(p.quantity);
        costRemoved = p.avgCost.mul(removed);
      }
      pnl = proceeds.minus(costRemoved);
      p.quantity = p.quantity.minus(removed);
      p.totalCost = p.totalCost.minus(costRemoved);
    } else {
      const excess = removed.minus(p.quantity);
      const knownProceeds = p.quantity.isZero() ? ZERO : proceeds.mul(p.quantity).div(removed);
      const excessProceeds = proceeds.minus(knownProceeds);
      pnl = knownProceeds.minus(p.totalCost);
      p.quantity = ZERO;
      p.totalCost = ZERO;
      p.avgCost = undefined;
      p.unmatchedQty = p.unmatchedQty.plus(excess);
      p.unmatchedProceeds = p.unmatchedProceeds.plus(excessProceeds);
      this.warn(p, {
        kind: "unmatched-sell",
        fillId: f.id,
        asset: f.base,
        time: f.time,
        qty: excess,
        proceeds: excessProceeds,
      });
    }
    p.realizedPnl = p.realizedPnl.plus(pnl);
    const day = this.dayOf(f.time);
    this.byDay.set(day, (this.byDay.get(day) ?? ZERO).plus(pnl));
    const bot = botOf(f);
    this.byBot.set(bot, (this.byBot.get(bot) ?? ZERO).plus(pnl));
  }

  /**
   * A fee paid in a third asset (MX) leaves that asset's position: as if that much of it were sold for the fee's
   * dollar value (which the trade counts as its cost), so its quantity matches the account and the difference to
   * its average cost is realized on it. Fee units beyond the known position (MX from outside the ledger) are
   * ignored here; a later sell of them shows as unmatched.
   */
  private spendFeeAsset(f: Fill, feeUsd: D): void {
    if (this.usdAssets.has(f.feeAsset)) return;
    const held = this.positions.get(f.feeAsset);
    if (held === undefined || held.quantity.isZero()) return;
    const removed = D.min(f.fee, held.quantity);
    held.avgCost ??= held.totalCost.div(held.quantity);
    const costRemoved = removed.eq(held.quantity) ? held.totalCost : held.avgCost.mul(removed);
    const value = removed.eq(f.fee) ? feeUsd : feeUsd.mul(removed).div(f.fee);
    const pnl = value.minus(costRemoved);
    held.quantity = held.quantity.minus(removed);
    held.totalCost = held.totalCost.minus(costRemoved);
    if (held.quantity.isZero()) held.avgCost = undefined;
    held.realizedPnl = held.realizedPnl.plus(pnl);
    const day = this.dayOf(f.time);
    this.byDay.set(day, (this.byDay.get(day) ?? ZERO).plus(pnl));
    const bot = botOf(f);
    this.byBot.set(bot, (this.byBot.get(bot) ?? ZERO).plus(pnl));
  }

  /** Dollars per unit of `asset` at the fill's time, flagging any guess on the position. */
  private usdPrice(f: Fill, asset: string, role: PriceRole, p: MutablePosition): D {
    if (role === "quote") {
      const r = this.options.quoteToUsd?.(asset, f.time);
      if (r !== undefined) return r;
    }
    if (this.usdAssets.has(asset)) return ONE;
    const historical = this.options.priceAt?.(asset, f.time);
    if (historical !== undefined) return historical;
    const base = { fillId: f.id, asset: f.base, time: f.time, role, valuedAsset: asset };
    const current = this.options.currentPrice?.(asset);
    if (current !== undefined) {
      this.warn(p, { kind: "price-fallback", ...base, price: current });
      return current;
    }
    this.warn(p, { kind: "price-missing", ...base });
    return ZERO;
  }

  private warn(p: MutablePosition, w: CostBasisWarning): void {
    p.warnings.push(w);
    this.warnings.push(w);
  }

  /** Fills arrive in time order, so the day key changes rarely: formatting it once per day saves a Date per fill. */
  private dayOf(time: number): string {
    const n = Math.floor(time / DAY_MS);
    if (n !== this.dayNumber) {
      this.dayNumber = n;
      this.dayKey = new Date(n * DAY_MS).toISOString().slice(0, 10);
    }
    return this.dayKey;
  }
}

function assertValid(f: Fill): void {
  const problems = fillProblems(f);
  if (problems.length > 0) throw new RangeError(`fill ${f.id} is invalid: ${problems.join("; ")}`);
}

/** Cost basis of a whole history at once. */
export function computeCostBasis(fills: Iterable<Fill>, options: CostBasisOptions = {}): CostBasisSnapshot {
  const book = new CostBasisBook(options);
  book.applyAll(fills);
  return book.snapshot();
}
