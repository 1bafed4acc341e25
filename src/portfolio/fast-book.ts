import type { D } from "../decimal.js";
import type {
  BookState,
  CostBasisOptions,
  CostBasisWarning,
  MutablePosition,
  PriceRole,
} from "./cost-basis-types.js";
import {
  type Exact,
  exactOfDecimal,
  toDecimal,
  X_ONE,
  X_ZERO,
  xAdd,
  xCmp,
  xDiv,
  xIsZero,
  xMin,
  xMul,
  xSub,
} from "./exact-decimal.js";

/** A fill as the fast replay needs it: its amounts exact, its bot already decided (botOfFill). */
export interface ExactFill {
  readonly id: string;
  readonly time: number;
  readonly base: string;
  readonly quote: string;
  readonly side: "BUY" | "SELL";
  readonly feeAsset: string;
  readonly bot: string;
  readonly price: Exact;
  readonly qty: Exact;
  readonly quoteQty: Exact;
  readonly fee: Exact;
}

interface Position {
  quantity: Exact;
  totalCost: Exact;
  avgCost: Exact | undefined;
  realizedPnl: Exact;
  feesUsd: Exact;
  fills: number;
  unmatchedQty: Exact;
  unmatchedProceeds: Exact;
  warnings: Warning[];
}

/** A warning with its amounts still exact (an option's price stays the Decimal the option gave). */
type Warning =
  | {
      readonly kind: "unmatched-sell";
      readonly w: Record<string, unknown>;
      readonly qty: Exact;
      readonly proceeds: Exact;
    }
  | { readonly kind: "other"; readonly w: CostBasisWarning };

const DAY_MS = 86_400_000;

/**
 * The cost-basis book of cost-basis.ts, step for step, on exact BigInt decimals (exact-decimal.ts): the same
 * operations in the same order, so every figure has the digits the decimal.js book would give. Only for a full
 * replay of sorted, deduped fills (the kept book applies new fills with decimal.js); its result is a BookState a
 * CostBasisBook resumes from. Keep the two in step: test/portfolio/fast-replay.test.ts compares them.
 */
export class FastBook {
  readonly #usdAssets: ReadonlySet<string>;
  readonly #options: CostBasisOptions;
  readonly #positions = new Map<string, Position>();
  readonly #byDay = new Map<string, Exact>();
  readonly #byBot = new Map<string, Exact>();
  readonly #warnings: Warning[] = [];
  #dayNumber = Number.NaN;
  #dayKey = "";
  /** Option prices converted once per Decimal object. */
  readonly #converted = new WeakMap<D, Exact>();

  constructor(options: CostBasisOptions = {}) {
    this.#options = options;
    this.#usdAssets = new Set(options.usdAssets ?? ["USDT", "USDC"]);
  }

  process(f: ExactFill): void {
    const p = this.#position(f.base);
    p.fills++;
    const rate = this.#usdPrice(f, f.quote, "quote");
    const one = rate === X_ONE;
    const quoteUsd = one ? f.quoteQty : xMul(f.quoteQty, rate);
    const feeInBase = f.feeAsset === f.base;
    let feeUsd = X_ZERO;
    if (!xIsZero(f.fee)) {
      if (feeInBase) feeUsd = one ? xMul(f.fee, f.price) : xMul(xMul(f.fee, f.price), rate);
      else if (f.feeAsset === f.quote) feeUsd = one ? f.fee : xMul(f.fee, rate);
      else feeUsd = xMul(f.fee, this.#usdPrice(f, f.feeAsset, "fee"));
      p.feesUsd = xAdd(p.feesUsd, feeUsd);
    }
    const valueFee = feeInBase || xIsZero(feeUsd) ? undefined : feeUsd;
    if (!xIsZero(f.fee) && !feeInBase && f.feeAsset !== f.quote) this.#spendFeeAsset(f, feeUsd);

    if (f.side === "BUY") {
      p.quantity = feeInBase ? xSub(xAdd(p.quantity, f.qty), f.fee) : xAdd(p.quantity, f.qty);
      p.totalCost = valueFee ? xAdd(xAdd(p.totalCost, quoteUsd), valueFee) : xAdd(p.totalCost, quoteUsd);
      p.avgCost = undefined;
      return;
    }
    const removed = feeInBase ? xAdd(f.qty, f.fee) : f.qty;
    const proceeds = valueFee ? xSub(quoteUsd, valueFee) : quoteUsd;
    const vsHeld = xCmp(removed, p.quantity);
    let pnl: Exact;
    if (vsHeld <= 0) {
      let costRemoved = p.totalCost;
      if (vsHeld < 0) {
        p.avgCost ??= xDiv(p.totalCost, p.quantity);
        costRemoved = xMul(p.avgCost, removed);
      }
      pnl = xSub(proceeds, costRemoved);
      p.quantity = xSub(p.quantity, removed);
      p.totalCost = xSub(p.totalCost, costRemoved);
    } else {
      const excess = xSub(removed, p.quantity);
      const knownProceeds = xIsZero(p.quantity) ? X_ZERO : xDiv(xMul(proceeds, p.quantity), removed);
      const excessProceeds = xSub(proceeds, knownProceeds);
      pnl = xSub(knownProceeds, p.totalCost);
      p.quantity = X_ZERO;
      p.totalCost = X_ZERO;
      p.avgCost = undefined;
      p.unmatchedQty = xAdd(p.unmatchedQty, excess);
      p.unmatchedProceeds = xAdd(p.unmatchedProceeds, excessProceeds);
      const w = { kind: "unmatched-sell", fillId: f.id, asset: f.base, time: f.time };
      this.#warn(p, { kind: "unmatched-sell", w, qty: excess, proceeds: excessProceeds });
    }
    this.#realize(p, f, pnl);
  }

  /** The state a CostBasisBook resumes from, in Decimals; `last` is the last fill processed (the caller knows it). */
  state(last: BookState["last"]): BookState {
    const converted = new Map<Warning, CostBasisWarning>();
    const warning = (w: Warning): CostBasisWarning => {
      let out = converted.get(w);
      if (out === undefined) {
        out =
          w.kind === "other"
            ? w.w
            : ({ ...w.w, qty: toDecimal(w.qty), proceeds: toDecimal(w.proceeds) } as CostBasisWarning);
        converted.set(w, out);
      }
      return out;
    };
    const positions = new Map<string, MutablePosition>();
    for (const [asset, p] of this.#positions)
      positions.set(asset, {
        quantity: toDecimal(p.quantity),
        totalCost: toDecimal(p.totalCost),
        avgCost: p.avgCost === undefined ? undefined : toDecimal(p.avgCost),
        realizedPnl: toDecimal(p.realizedPnl),
        feesUsd: toDecimal(p.feesUsd),
        fills: p.fills,
        unmatchedQty: toDecimal(p.unmatchedQty),
        unmatchedProceeds: toDecimal(p.unmatchedProceeds),
        warnings: p.warnings.map(warning),
      });
    const decimals = (m: Map<string, Exact>) => new Map([...m].map(([k, v]) => [k, toDecimal(v)]));
    return {
      positions,
      byDay: decimals(this.#byDay),
      byBot: decimals(this.#byBot),
      warnings: this.#warnings.map(warning),
      last,
    };
  }

  #position(asset: string): Position {
    let p = this.#positions.get(asset);
    if (p === undefined) {
      p = {
        quantity: X_ZERO,
        totalCost: X_ZERO,
        avgCost: undefined,
        realizedPnl: X_ZERO,
        feesUsd: X_ZERO,
        fills: 0,
        unmatchedQty: X_ZERO,
        unmatchedProceeds: X_ZERO,
        warnings: [],
      };
      this.#positions.set(asset, p);
    }
    return p;
  }

  #realize(p: Position, f: ExactFill, pnl: Exact): void {
    p.realizedPnl = xAdd(p.realizedPnl, pnl);
    const day = this.#dayOf(f.time);
    this.#byDay.set(day, xAdd(this.#byDay.get(day) ?? X_ZERO, pnl));
    this.#byBot.set(f.bot, xAdd(this.#byBot.get(f.bot) ?? X_ZERO, pnl));
  }

  /** CostBasisBook.spendFeeAsset, exactly. */
  #spendFeeAsset(f: ExactFill, feeUsd: Exact): void {
    if (this.#usdAssets.has(f.feeAsset)) return;
    const held = this.#positions.get(f.feeAsset);
    if (held === undefined || xIsZero(held.quantity)) return;
    const removed = xMin(f.fee, held.quantity);
    held.avgCost ??= xDiv(held.totalCost, held.quantity);
    const costRemoved = xCmp(removed, held.quantity) === 0 ? held.totalCost : xMul(held.avgCost, removed);
    const value = xCmp(removed, f.fee) === 0 ? feeUsd : xDiv(xMul(feeUsd, removed), f.fee);
    const pnl = xSub(value, costRemoved);
    held.quantity = xSub(held.quantity, removed);
    held.totalCost = xSub(held.totalCost, costRemoved);
    if (xIsZero(held.quantity)) held.avgCost = undefined;
    this.#realize(held, f, pnl);
  }

  /** CostBasisBook.usdPrice: X_ONE itself for a dollar asset, as the book's `rate === ONE` shortcuts expect. */
  #usdPrice(f: ExactFill, asset: string, role: PriceRole): Exact {
    const o = this.#options;
    if (role === "quote") {
      const r = o.quoteToUsd?.(asset, f.time);
      if (r !== undefined) return this.#exact(r);
    }
    if (this.#usdAssets.has(asset)) return X_ONE;
    const historical = o.priceAt?.(asset, f.time);
    if (historical !== undefined) return this.#exact(historical);
    const p = this.#position(f.base);
    const base = { fillId: f.id, asset: f.base, time: f.time, role, valuedAsset: asset };
    const current = o.currentPrice?.(asset);
    if (current !== undefined) {
      this.#warn(p, { kind: "other", w: { kind: "price-fallback", ...base, price: current } });
      return this.#exact(current);
    }
    this.#warn(p, { kind: "other", w: { kind: "price-missing", ...base } });
    return X_ZERO;
  }

  #exact(d: D): Exact {
    let x = this.#converted.get(d);
    if (x === undefined) {
      x = exactOfDecimal(d);
      this.#converted.set(d, x);
    }
    return x;
  }

  #warn(p: Position, w: Warning): void {
    p.warnings.push(w);
    this.#warnings.push(w);
  }

  #dayOf(time: number): string {
    const n = Math.floor(time / DAY_MS);
    if (n !== this.#dayNumber) {
      this.#dayNumber = n;
      this.#dayKey = new Date(n * DAY_MS).toISOString().slice(0, 10);
    }
    return this.#dayKey;
  }
}
