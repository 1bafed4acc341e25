import type { D } from "../decimal.js";
import { type BookWarning, warningConverter } from "./book-warnings.js";
import type { BookState, CostBasisOptions, MutablePosition, PriceRole } from "./cost-basis-types.js";
import { type Exact, exactOfDecimal, toDecimal, X_ONE, X_ZERO } from "./exact-decimal.js";
import { FEE, type FillColumns, PRICE, QTY, QUOTE_QTY } from "./fill-columns.js";
import { Registers } from "./limb-accumulator.js";

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

/**
 * A position: its sums in registers of the book (limb-accumulator.ts) from `r` on, in the order of the offsets
 * below; avgCost is there only while `avg` (cost-basis.ts's avgCost is undefined otherwise).
 */
interface Position {
  readonly r: number;
  avg: boolean;
  fills: number;
  warnings: BookWarning[];
}
const QUANTITY = 0;
const TOTAL_COST = 1;
const AVG_COST = 2;
const REALIZED = 3;
const FEES = 4;
const UNMATCHED_QTY = 5;
const UNMATCHED_PROCEEDS = 6;
const POSITION_REGISTERS = 7;

/** The book's scratch registers: a fill's amounts and the steps between them. */
const ZERO = 0;
const RATE = 1;
const PRICE_R = 2;
const QTY_R = 3;
const QUOTE_QTY_R = 4;
const FEE_R = 5;
const QUOTE_USD = 6;
const FEE_PRICE = 7;
const FEE_USD = 8;
const FEE_RATE = 9;
const REMOVED = 10;
const PROCEEDS = 11;
const COST_REMOVED = 12;
const PNL = 13;
const EXCESS = 14;
const KNOWN = 15;
const EXCESS_PROCEEDS = 16;
const PRODUCT = 17;
const DAY = 18;
const SPENT_COST = 19;
const SPENT_VALUE = 20;
const SPENT_PRODUCT = 21;
const SPENT_PNL = 22;
const SCRATCH_REGISTERS = 23;

const DAY_MS = 86_400_000;

/**
 * The cost-basis book of cost-basis.ts, step for step, on exact decimals (exact-decimal.ts's operations, in
 * registers updated in place: limb-accumulator.ts): the same operations in the same order, so every figure has
 * the digits the decimal.js book would give. It reads the fills' rows straight from their columns
 * (fill-columns.ts), and keeps positions and bots' sums by name code, so a fill costs no Map lookup by name and
 * no object at all (a result per operation was ~100 MB a replay of 100k fills, 11 scavenges). Only for a full replay of sorted, deduped fills (the
 * kept book applies new fills with decimal.js); its result is a BookState a CostBasisBook resumes from. Keep the
 * two in step: test/portfolio/fast-replay.test.ts compares them.
 */
export class FastBook {
  readonly #c: FillColumns;
  readonly #options: CostBasisOptions;
  /** Whether a name code is a dollar asset. */
  readonly #usd: boolean[];
  /** Every sum and step of the book, updated in place: the loop makes no object per fill. */
  readonly #x = new Registers();
  /** Positions by their base's code, and the codes in the order the positions began (the Map's order). */
  readonly #positions: (Position | undefined)[] = [];
  readonly #positionOrder: number[] = [];
  /** The register of realized PnL by the bot's code, and the codes in the order they first realized. */
  readonly #byBot: (number | undefined)[] = [];
  readonly #botOrder: number[] = [];
  /** Days left behind; the current day's sum is in register DAY while #dayOpen (fills come in time order). */
  readonly #byDay = new Map<string, Exact>();
  #dayNumber = Number.NaN;
  #dayKey = "";
  #dayOpen = false;
  readonly #warnings: BookWarning[] = [];
  /** Option prices converted once per Decimal object. */
  readonly #converted = new WeakMap<D, Exact>();

  constructor(columns: FillColumns, options: CostBasisOptions = {}) {
    this.#c = columns;
    this.#options = options;
    const usd = new Set(options.usdAssets ?? ["USDT", "USDC"]);
    this.#usd = columns.names.map((name) => usd.has(name));
    this.#x.alloc(SCRATCH_REGISTERS);
  }

  /** Applies row i of the columns: cost-basis.ts's steps, each a register operation as exact-decimal.ts's. */
  process(i: number): void {
    const c = this.#c;
    const x = this.#x;
    const base = c.base[i] as number;
    const quote = c.quote[i] as number;
    const feeAsset = c.feeAsset[i] as number;
    const p = this.#position(base);
    const r = p.r;
    p.fills++;
    const rate = this.#usdPrice(i, quote, "quote");
    const one = rate === X_ONE;
    this.#amount(QUOTE_QTY_R, i, QUOTE_QTY);
    let quoteUsd = QUOTE_QTY_R;
    if (!one) {
      x.set(RATE, rate);
      x.mul(QUOTE_USD, QUOTE_QTY_R, RATE);
      quoteUsd = QUOTE_USD;
    }
    const feeInBase = feeAsset === base;
    this.#amount(FEE_R, i, FEE);
    this.#amount(QTY_R, i, QTY);
    const feeZero = x.isZero(FEE_R);
    const feeUsd = feeZero ? ZERO : this.#feeUsd(i, feeInBase, feeAsset === quote, one);
    if (!feeZero) x.add(r + FEES, r + FEES, feeUsd);
    const valueFee = !feeInBase && !x.isZero(feeUsd);
    if (!feeZero && !feeInBase && feeAsset !== quote) this.#spendFeeAsset(i, feeUsd);

    const quantity = r + QUANTITY;
    const totalCost = r + TOTAL_COST;
    if (c.side[i] === 0) {
      x.add(quantity, quantity, QTY_R);
      if (feeInBase) x.sub(quantity, quantity, FEE_R);
      x.add(totalCost, totalCost, quoteUsd);
      if (valueFee) x.add(totalCost, totalCost, feeUsd);
      p.avg = false;
      return;
    }
    let removed = QTY_R;
    if (feeInBase) {
      x.add(REMOVED, QTY_R, FEE_R);
      removed = REMOVED;
    }
    let proceeds = quoteUsd;
    if (valueFee) {
      x.sub(PROCEEDS, quoteUsd, feeUsd);
      proceeds = PROCEEDS;
    }
    const vsHeld = x.cmp(removed, quantity);
    if (vsHeld <= 0) {
      let costRemoved = totalCost;
      if (vsHeld < 0) {
        if (!p.avg) {
          x.div(r + AVG_COST, totalCost, quantity);
          p.avg = true;
        }
        x.mul(COST_REMOVED, r + AVG_COST, removed);
        costRemoved = COST_REMOVED;
      }
      x.sub(PNL, proceeds, costRemoved);
      x.sub(quantity, quantity, removed);
      x.sub(totalCost, totalCost, costRemoved);
    } else this.#sellBeyond(p, i, removed, proceeds);
    this.#realize(p, i, PNL);
  }

  /** The register of the fee's value in dollars (the fee in FEE_R, not 0; the quote's rate in RATE unless `one`). */
  #feeUsd(i: number, feeInBase: boolean, feeInQuote: boolean, one: boolean): number {
    const x = this.#x;
    if (feeInBase) {
      this.#amount(PRICE_R, i, PRICE);
      if (one) x.mul(FEE_USD, FEE_R, PRICE_R);
      else {
        x.mul(FEE_PRICE, FEE_R, PRICE_R);
        x.mul(FEE_USD, FEE_PRICE, RATE);
      }
    } else if (feeInQuote) {
      if (one) return FEE_R;
      x.mul(FEE_USD, FEE_R, RATE);
    } else {
      x.set(FEE_RATE, this.#usdPrice(i, this.#c.feeAsset[i] as number, "fee"));
      x.mul(FEE_USD, FEE_R, FEE_RATE);
    }
    return FEE_USD;
  }

  /** A sell of more than is held: the rest's quantity and proceeds unmatched, and a warning. */
  #sellBeyond(p: Position, i: number, removed: number, proceeds: number): void {
    const x = this.#x;
    const quantity = p.r + QUANTITY;
    const totalCost = p.r + TOTAL_COST;
    x.sub(EXCESS, removed, quantity);
    if (x.isZero(quantity)) x.copy(KNOWN, ZERO);
    else {
      x.mul(PRODUCT, proceeds, quantity);
      x.div(KNOWN, PRODUCT, removed);
    }
    x.sub(EXCESS_PROCEEDS, proceeds, KNOWN);
    x.sub(PNL, KNOWN, totalCost);
    x.copy(quantity, ZERO);
    x.copy(totalCost, ZERO);
    p.avg = false;
    x.add(p.r + UNMATCHED_QTY, p.r + UNMATCHED_QTY, EXCESS);
    x.add(p.r + UNMATCHED_PROCEEDS, p.r + UNMATCHED_PROCEEDS, EXCESS_PROCEEDS);
    const c = this.#c;
    const w = {
      kind: "unmatched-sell",
      fillId: c.id(i),
      asset: c.names[c.base[i] as number],
      time: c.time[i],
    };
    this.#warn(p, { kind: "unmatched-sell", w, qty: x.exact(EXCESS), proceeds: x.exact(EXCESS_PROCEEDS) });
  }

  /** Amount k of row i into register `to`. */
  #amount(to: number, i: number, k: number): void {
    const c = this.#c;
    const at = 4 * i + k;
    const coef = c.coef[at] as number;
    // biome-ignore lint/suspicious/noSelfCompare: NaN marks a coefficient beyond a safe Number (fill-columns.ts)
    if (coef === coef) this.#x.setSafe(to, coef, c.exp[at] as number);
    else this.#x.set(to, c.amount(i, k));
  }

  /** The state a CostBasisBook resumes from, in Decimals; `last` is the last fill processed (the caller knows it). */
  state(last: BookState["last"]): BookState {
    const x = this.#x;
    const d = (k: number): D => toDecimal(x.exact(k));
    const warning = warningConverter();
    const positions = new Map<string, MutablePosition>();
    for (const code of this.#positionOrder) {
      const p = this.#positions[code] as Position;
      const r = p.r;
      positions.set(this.#c.names[code] as string, {
        quantity: d(r + QUANTITY),
        totalCost: d(r + TOTAL_COST),
        avgCost: p.avg ? d(r + AVG_COST) : undefined,
        realizedPnl: d(r + REALIZED),
        feesUsd: d(r + FEES),
        fills: p.fills,
        unmatchedQty: d(r + UNMATCHED_QTY),
        unmatchedProceeds: d(r + UNMATCHED_PROCEEDS),
        warnings: p.warnings.map(warning),
      });
    }
    this.#leaveDay();
    const byDay = new Map([...this.#byDay].map(([k, v]) => [k, toDecimal(v)]));
    const byBot = new Map<string, D>();
    for (const code of this.#botOrder)
      byBot.set(this.#c.names[code] as string, d(this.#byBot[code] as number));
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
      p = { r: this.#x.alloc(POSITION_REGISTERS), avg: false, fills: 0, warnings: [] };
      this.#positions[code] = p;
      this.#positionOrder.push(code);
    }
    return p;
  }

  #realize(p: Position, i: number, pnl: number): void {
    const c = this.#c;
    const x = this.#x;
    x.add(p.r + REALIZED, p.r + REALIZED, pnl);
    this.#enterDay(c.time[i] as number);
    x.add(DAY, this.#dayOpen ? DAY : ZERO, pnl);
    this.#dayOpen = true;
    const bot = c.bot[i] as number;
    let sum = this.#byBot[bot];
    if (sum === undefined) {
      sum = x.alloc(1);
      this.#byBot[bot] = sum;
      this.#botOrder.push(bot);
    }
    x.add(sum, sum, pnl);
  }

  /** CostBasisBook.spendFeeAsset, exactly: the fee is in FEE_R, its value in register feeUsd. */
  #spendFeeAsset(i: number, feeUsd: number): void {
    const code = this.#c.feeAsset[i] as number;
    if (this.#usd[code]) return;
    const held = this.#positions[code];
    const x = this.#x;
    const quantity = held === undefined ? -1 : held.r + QUANTITY;
    if (held === undefined || x.isZero(quantity)) return;
    const totalCost = held.r + TOTAL_COST;
    // xMin(fee, quantity): the quantity only when below the fee.
    const removed = x.cmp(quantity, FEE_R) < 0 ? quantity : FEE_R;
    if (!held.avg) {
      x.div(held.r + AVG_COST, totalCost, quantity);
      held.avg = true;
    }
    let costRemoved = totalCost;
    if (x.cmp(removed, quantity) !== 0) {
      x.mul(SPENT_COST, held.r + AVG_COST, removed);
      costRemoved = SPENT_COST;
    }
    let value = feeUsd;
    if (x.cmp(removed, FEE_R) !== 0) {
      x.mul(SPENT_PRODUCT, feeUsd, removed);
      x.div(SPENT_VALUE, SPENT_PRODUCT, FEE_R);
      value = SPENT_VALUE;
    }
    x.sub(SPENT_PNL, value, costRemoved);
    x.sub(quantity, quantity, removed);
    x.sub(totalCost, totalCost, costRemoved);
    if (x.isZero(quantity)) held.avg = false;
    this.#realize(held, i, SPENT_PNL);
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

  #warn(p: Position, w: BookWarning): void {
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
    const sum = this.#byDay.get(this.#dayKey);
    this.#dayOpen = sum !== undefined;
    if (sum !== undefined) this.#x.set(DAY, sum);
  }

  #leaveDay(): void {
    if (this.#dayOpen) this.#byDay.set(this.#dayKey, this.#x.exact(DAY));
  }
}
