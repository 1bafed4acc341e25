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
import { FEE, type FillColumns, PRICE, QTY, QUOTE_QTY } from "./fill-columns.js";

/**
 * A fill with its amounts exact and its bot decided (botOfFill): a line read the slow way (JSON.parse and the
 * schema) on its way to a row of the columns, and a row read back as an object (tests).
 */
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
 * The cost-basis book of cost-basis.ts, step for step, on exact decimals (exact-decimal.ts): the same operations
 * in the same order, so every figure has the digits the decimal.js book would give. It reads the fills' rows
 * straight from their columns (fill-columns.ts), and keeps positions and bots' sums by name code, so a fill costs
 * no Map lookup by name and no object beyond its amounts. Only for a full replay of sorted, deduped fills (the
 * kept book applies new fills with decimal.js); its result is a BookState a CostBasisBook resumes from. Keep the
 * two in step: test/portfolio/fast-replay.test.ts compares them.
 */
export class FastBook {
  readonly #c: FillColumns;
  readonly #options: CostBasisOptions;
  /** Whether a name code is a dollar asset. */
  readonly #usd: boolean[];
  /** Positions by their base's code, and the codes in the order the positions began (the Map's order). */
  readonly #positions: (Position | undefined)[] = [];
  readonly #positionOrder: number[] = [];
  /** Realized PnL by the bot's code, and the codes in the order they first realized. */
  readonly #byBot: (Exact | undefined)[] = [];
  readonly #botOrder: number[] = [];
  /** Days left behind; the current day's sum is #daySum (fills come in time order: a day rarely returns). */
  readonly #byDay = new Map<string, Exact>();
  #dayNumber = Number.NaN;
  #dayKey = "";
  #daySum: Exact | undefined;
  readonly #warnings: Warning[] = [];
  /** Option prices converted once per Decimal object. */
  readonly #converted = new WeakMap<D, Exact>();

  constructor(columns: FillColumns, options: CostBasisOptions = {}) {
    this.#c = columns;
    this.#options = options;
    const usd = new Set(options.usdAssets ?? ["USDT", "USDC"]);
    this.#usd = columns.names.map((name) => usd.has(name));
  }

  /** Applies row i of the columns. */
  process(i: number): void {
    const c = this.#c;
    const base = c.base[i] as number;
    const quote = c.quote[i] as number;
    const feeAsset = c.feeAsset[i] as number;
    const p = this.#position(base);
    p.fills++;
    const rate = this.#usdPrice(i, quote, "quote");
    const one = rate === X_ONE;
    const quoteQty = c.amount(i, QUOTE_QTY);
    const quoteUsd = one ? quoteQty : xMul(quoteQty, rate);
    const feeInBase = feeAsset === base;
    const fee = c.amount(i, FEE);
    const qty = c.amount(i, QTY);
    let feeUsd = X_ZERO;
    if (!xIsZero(fee)) {
      if (feeInBase) {
        const price = c.amount(i, PRICE);
        feeUsd = one ? xMul(fee, price) : xMul(xMul(fee, price), rate);
      } else if (feeAsset === quote) feeUsd = one ? fee : xMul(fee, rate);
      else feeUsd = xMul(fee, this.#usdPrice(i, feeAsset, "fee"));
      p.feesUsd = xAdd(p.feesUsd, feeUsd);
    }
    const valueFee = feeInBase || xIsZero(feeUsd) ? undefined : feeUsd;
    if (!xIsZero(fee) && !feeInBase && feeAsset !== quote) this.#spendFeeAsset(i, fee, feeUsd);

    if (c.side[i] === 0) {
      p.quantity = feeInBase ? xSub(xAdd(p.quantity, qty), fee) : xAdd(p.quantity, qty);
      p.totalCost = valueFee ? xAdd(xAdd(p.totalCost, quoteUsd), valueFee) : xAdd(p.totalCost, quoteUsd);
      p.avgCost = undefined;
      return;
    }
    const removed = feeInBase ? xAdd(qty, fee) : qty;
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
      const w = { kind: "unmatched-sell", fillId: c.id(i), asset: c.names[base], time: c.time[i] };
      this.#warn(p, { kind: "unmatched-sell", w, qty: excess, proceeds: excessProceeds });
    }
    this.#realize(p, i, pnl);
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
    for (const code of this.#positionOrder) {
      const p = this.#positions[code] as Position;
      positions.set(this.#c.names[code] as string, {
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
    }
    this.#leaveDay();
    const byDay = new Map([...this.#byDay].map(([k, v]) => [k, toDecimal(v)]));
    const byBot = new Map<string, D>();
    for (const code of this.#botOrder)
      byBot.set(this.#c.names[code] as string, toDecimal(this.#byBot[code] as Exact));
    return {
      positions,
      byDay,
      byBot,
      warnings: this.#warnings.map(warning),
      last,
    };
  }

  #position(code: number): Position {
    let p = this.#positions[code];
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
      this.#positions[code] = p;
      this.#positionOrder.push(code);
    }
    return p;
  }

  #realize(p: Position, i: number, pnl: Exact): void {
    const c = this.#c;
    p.realizedPnl = xAdd(p.realizedPnl, pnl);
    this.#enterDay(c.time[i] as number);
    this.#daySum = this.#daySum === undefined ? xAdd(X_ZERO, pnl) : xAdd(this.#daySum, pnl);
    const bot = c.bot[i] as number;
    const sum = this.#byBot[bot];
    if (sum === undefined) this.#botOrder.push(bot);
    this.#byBot[bot] = xAdd(sum ?? X_ZERO, pnl);
  }

  /** CostBasisBook.spendFeeAsset, exactly. */
  #spendFeeAsset(i: number, fee: Exact, feeUsd: Exact): void {
    const code = this.#c.feeAsset[i] as number;
    if (this.#usd[code]) return;
    const held = this.#positions[code];
    if (held === undefined || xIsZero(held.quantity)) return;
    const removed = xMin(fee, held.quantity);
    held.avgCost ??= xDiv(held.totalCost, held.quantity);
    const costRemoved = xCmp(removed, held.quantity) === 0 ? held.totalCost : xMul(held.avgCost, removed);
    const value = xCmp(removed, fee) === 0 ? feeUsd : xDiv(xMul(feeUsd, removed), fee);
    const pnl = xSub(value, costRemoved);
    held.quantity = xSub(held.quantity, removed);
    held.totalCost = xSub(held.totalCost, costRemoved);
    if (xIsZero(held.quantity)) held.avgCost = undefined;
    this.#realize(held, i, pnl);
  }

  /** CostBasisBook.usdPrice: X_ONE itself for a dollar asset, as the book's `rate === ONE` shortcuts expect. */
  #usdPrice(i: number, code: number, role: PriceRole): Exact {
    const o = this.#options;
    const c = this.#c;
    const time = c.time[i] as number;
    const asset = c.names[code] as string;
    if (role === "quote" && o.quoteToUsd !== undefined) {
      const r = o.quoteToUsd(asset, time);
      if (r !== undefined) return this.#exact(r);
    }
    if (this.#usd[code]) return X_ONE;
    const historical = o.priceAt?.(asset, time);
    if (historical !== undefined) return this.#exact(historical);
    const base = c.base[i] as number;
    const p = this.#position(base);
    const w = { fillId: c.id(i), asset: c.names[base] as string, time, role, valuedAsset: asset };
    const current = o.currentPrice?.(asset);
    if (current !== undefined) {
      this.#warn(p, { kind: "other", w: { kind: "price-fallback", ...w, price: current } });
      return this.#exact(current);
    }
    this.#warn(p, { kind: "other", w: { kind: "price-missing", ...w } });
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

  /** The day of `time` becomes the current one; a day left behind keeps its sum in #byDay. */
  #enterDay(time: number): void {
    const n = Math.floor(time / DAY_MS);
    if (n === this.#dayNumber) return;
    this.#leaveDay();
    this.#dayNumber = n;
    this.#dayKey = new Date(n * DAY_MS).toISOString().slice(0, 10);
    this.#daySum = this.#byDay.get(this.#dayKey);
  }

  #leaveDay(): void {
    if (this.#daySum !== undefined) this.#byDay.set(this.#dayKey, this.#daySum);
  }
}
