import { Account, MarketFlows, type SimAccountSpec } from "./accounts.js";
import { D, type Dec, minDec, ROUND_DOWN, ZERO } from "./decimal.js";
import { Errors } from "./errors.js";
import { type FeeAsset, FeeSchedule, feeOf } from "./fees.js";
import { checkOrder, type OrderRequest } from "./order-rules.js";
import { isOpen, type Order, type Side, STP_CANCEL, type Trade } from "./orders.js";
import { MINUTE_MS } from "./price-path.js";
import type { MarketSource, RestingChunk, SymbolRule } from "./source.js";

export interface EngineOptions {
  feeAsset: FeeAsset;
  rejectDuplicateClientOrderId: boolean;
  maxOpenOrders: number;
  /** Chooses an order's or trade's id given its plain numeric one (real variants make some hex). */
  id?: (kind: "order" | "trade", seq: number, plain: string) => string;
}

interface Fill {
  price: Dec;
  qty: Dec;
  /** The account's own resting order on the other side: a self-trade. */
  maker?: Order | undefined;
}

interface Walk {
  fills: Fill[];
  qty: Dec;
  /** Quote paid (buy, including a fee charged in quote) or received before fees (sell). */
  quote: Dec;
  /** The book or the limit price ran out before the order was satisfied. */
  exhausted: boolean;
  /** Own resting orders self-trade prevention cancels (cancel_maker, cancel_both). */
  stpMakers: Order[];
  /** Self-trade prevention ends the incoming order here (cancel_taker, cancel_both). */
  stpTaker: boolean;
}

/** A level the incoming order may take from: the market's, or one of the account's own resting orders. */
interface TakeLevel {
  price: Dec;
  qty: Dec;
  maker?: Order;
}

const NO_WALK = (): Walk => ({
  fills: [],
  qty: ZERO,
  quote: ZERO,
  exhausted: true,
  stpMakers: [],
  stpTaker: false,
});

interface Book {
  orders: Order[];
  byClientId: Map<string, Order>;
  open: Set<Order>;
  trades: Trade[];
}

const ORDER_ID_BASE = 470_000_000_000;

/**
 * Accounts, orders, matching and fees. Synchronous: everything it reads from the market source has been
 * prepared by the caller, and time comes in as an argument (the simulator's own, possibly skewed, clock).
 */
export class Engine {
  readonly accounts = new Map<string, Account>();
  readonly flows = new MarketFlows();
  private readonly books = new Map<string, Book>();
  private readonly byId = new Map<string, Order>();
  private readonly tradeSeqById = new Map<string, number>();
  private readonly fees: FeeSchedule;
  private lastAdvance = Number.NaN;
  private orderSeq = 0;
  private tradeCounter = 0;

  constructor(
    private readonly source: MarketSource,
    specs: SimAccountSpec[],
    readonly options: EngineOptions,
  ) {
    this.fees = new FeeSchedule(options.feeAsset, source);
    for (const s of specs) {
      this.accounts.set(s.apiKey, new Account(s));
      this.books.set(s.apiKey, { orders: [], byClientId: new Map(), open: new Set(), trades: [] });
    }
  }

  private book(apiKey: string): Book {
    const b = this.books.get(apiKey);
    if (!b) throw new Error(`no account ${apiKey}`);
    return b;
  }

  private account(apiKey: string): Account {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no account ${apiKey}`);
    return a;
  }

  /** Symbols whose market data the next `advance` needs (paper mode prefetches them). */
  openSymbols(): string[] {
    const out = new Set<string>();
    for (const b of this.books.values()) for (const o of b.open) out.add(o.symbol);
    return [...out];
  }

  /**
   * Validates and executes an order; with `test`, validates only (POST /order/test). Throws the MEXC error
   * when rejected; returns the stored order otherwise.
   */
  place(apiKey: string, req: OrderRequest, now: number, test = false, hideMs = 0): Order {
    const acc = this.account(apiKey);
    const known = this.source.rule(req.symbol);
    if (known && acc.selfSymbols && !acc.selfSymbols.has(known.symbol)) throw Errors.symbolNotApi();
    const rule = checkOrder(known, req, this.source.lastPrice(req.symbol, now));
    const book = this.book(apiKey);
    const cid = req.newClientOrderId;
    if (cid !== undefined && this.options.rejectDuplicateClientOrderId && book.byClientId.has(cid)) {
      throw Errors.duplicateClientId();
    }
    if (book.open.size >= this.options.maxOpenOrders) throw Errors.tooManyOrders();

    const quoteFeeRate = (r: Dec): Dec =>
      this.options.feeAsset === "quote" && req.side === "BUY" ? r : ZERO;
    let walk: Walk;
    let locked: Dec;
    let lockPerUnit = ZERO;
    const stp = acc.stpGroup ? (req.stpMode ?? "") : "";
    if (req.type === "MARKET") {
      walk = this.walk(rule, req.side, now, apiKey, stp, {
        maxQty: req.quantity,
        budget: req.side === "BUY" ? req.quoteOrderQty : undefined,
        proceeds: req.side === "SELL" ? req.quoteOrderQty : undefined,
        feeOnTop: quoteFeeRate(rule.taker),
      });
      if (req.side === "BUY") {
        locked = req.quoteOrderQty ?? walk.quote;
        if (acc.free(rule.quoteAsset).lessThan(locked)) throw Errors.insufficient();
      } else {
        locked = walk.qty;
        if (acc.free(rule.baseAsset).lessThan(locked)) throw Errors.oversold();
      }
    } else {
      const qty = req.quantity as Dec;
      const price = req.price as Dec;
      if (req.side === "BUY") {
        lockPerUnit = price.times(quoteFeeRate(D.max(rule.maker, rule.taker)).plus(1));
        locked = qty.times(lockPerUnit);
        if (acc.free(rule.quoteAsset).lessThan(locked)) throw Errors.insufficient();
      } else {
        locked = qty;
        if (acc.free(rule.baseAsset).lessThan(qty)) throw Errors.oversold();
      }
      if (req.type === "LIMIT_MAKER") {
        if (this.wouldTake(rule, req.side, price, now, apiKey)) throw Errors.wouldTake();
        walk = NO_WALK();
      } else {
        walk = this.walk(rule, req.side, now, apiKey, stp, {
          maxQty: qty,
          limit: price,
          feeOnTop: quoteFeeRate(rule.taker),
        });
      }
    }
    const order = this.newOrder(apiKey, req, rule, now, hideMs, test);
    if (test) return order;
    this.store(order);
    if (req.type === "FILL_OR_KILL" && walk.qty.lessThan(req.quantity as Dec)) {
      order.status = "CANCELED";
      if (walk.stpTaker) order.cancelReason = STP_CANCEL;
      return order;
    }
    order.locked = locked;
    order.lockPerUnit = lockPerUnit;
    acc.lock(order.lockAsset, locked);
    for (const maker of walk.stpMakers) {
      this.cancel(maker, now);
      maker.cancelReason = STP_CANCEL;
    }
    for (const f of walk.fills) {
      this.fill(order, rule, f.price, f.qty, false, now, f.maker !== undefined);
      if (f.maker) {
        this.fill(f.maker, rule, f.price, f.qty, true, now, true);
        if (f.maker.status === "FILLED") this.finish(f.maker, false);
      }
    }
    if (walk.stpTaker && order.status !== "FILLED") {
      this.finish(order, true);
      order.cancelReason = STP_CANCEL;
    } else if (req.type === "MARKET") this.finish(order, walk.exhausted);
    else if (order.status === "FILLED") this.finish(order, false);
    else if (req.type === "IMMEDIATE_OR_CANCEL" || req.type === "FILL_OR_KILL") this.finish(order, true);
    else book.open.add(order);
    return order;
  }

  private newOrder(
    apiKey: string,
    req: OrderRequest,
    rule: SymbolRule,
    now: number,
    hideMs: number,
    test: boolean,
  ): Order {
    const seq = test ? this.orderSeq + 1 : ++this.orderSeq;
    const minute = Math.floor(now / MINUTE_MS);
    const buy = req.side === "BUY";
    return {
      seq,
      orderId: this.newId("order", seq, `C02__${ORDER_ID_BASE + seq}`),
      apiKey,
      symbol: rule.symbol,
      side: req.side,
      type: req.type,
      price: req.type === "MARKET" ? undefined : req.price,
      origQty: req.quantity,
      quoteOrderQty: req.quoteOrderQty,
      executedQty: ZERO,
      cumQuote: ZERO,
      status: "NEW",
      clientOrderId: req.newClientOrderId ?? null,
      stpMode: req.stpMode ?? "",
      cancelReason: undefined,
      time: now,
      updateTime: now,
      hiddenUntil: hideMs > 0 ? now + hideMs : 0,
      locked: ZERO,
      lockAsset: buy ? rule.quoteAsset : rule.baseAsset,
      lockPerUnit: ZERO,
      checkedMinute: minute,
      lastChunkMinute: minute,
    };
  }

  private newId(kind: "order" | "trade", seq: number, plain: string): string {
    return this.options.id ? this.options.id(kind, seq, plain) : plain;
  }

  private store(order: Order): void {
    const book = this.book(order.apiKey);
    book.orders.push(order);
    this.byId.set(order.orderId, order);
    if (order.clientOrderId !== null) book.byClientId.set(order.clientOrderId, order);
  }

  private wouldTake(rule: SymbolRule, side: Side, price: Dec, now: number, apiKey: string): boolean {
    for (const l of this.takeLevels(rule, side, now, apiKey)) {
      return side === "BUY" ? l.price.lessThanOrEqualTo(price) : l.price.greaterThanOrEqualTo(price);
    }
    return false;
  }

  /**
   * What an incoming order meets, best price first: the market's levels merged with the account's own resting
   * orders on the other side (at one price, the resting order first: it was there before).
   */
  private *takeLevels(rule: SymbolRule, side: Side, now: number, apiKey: string): Generator<TakeLevel> {
    const buy = side === "BUY";
    const better = (a: Dec, b: Dec): boolean => (buy ? a.lessThanOrEqualTo(b) : a.greaterThanOrEqualTo(b));
    const own = [...this.book(apiKey).open]
      .filter((o) => o.symbol === rule.symbol && o.side !== side && o.price !== undefined)
      .sort((a, b) => {
        const pa = a.price as Dec;
        const pb = b.price as Dec;
        return pa.equals(pb) ? a.seq - b.seq : better(pa, pb) ? -1 : 1;
      });
    let i = 0;
    for (const l of this.source.levels(rule.symbol, buy ? "asks" : "bids", now)) {
      for (; i < own.length && better(own[i]?.price as Dec, l.price); i++) {
        const o = own[i] as Order;
        yield { price: o.price as Dec, qty: (o.origQty as Dec).minus(o.executedQty), maker: o };
      }
      yield l;
    }
    for (; i < own.length; i++) {
      const o = own[i] as Order;
      yield { price: o.price as Dec, qty: (o.origQty as Dec).minus(o.executedQty), maker: o };
    }
  }

  /**
   * Walks the opposite side of the book as a taker: up to a quantity, a quote budget (buy by quoteOrderQty,
   * fee included when charged in quote), quote proceeds (sell by quoteOrderQty), and/or a limit price.
   */
  private walk(
    rule: SymbolRule,
    side: Side,
    now: number,
    apiKey: string,
    stp: string,
    o: {
      maxQty?: Dec | undefined;
      budget?: Dec | undefined;
      proceeds?: Dec | undefined;
      limit?: Dec;
      feeOnTop: Dec;
    },
  ): Walk {
    const fills: Fill[] = [];
    const stpMakers: Order[] = [];
    let stpTaker = false;
    let qty = ZERO;
    let quote = ZERO;
    let exhausted = true;
    for (const l of this.takeLevels(rule, side, now, apiKey)) {
      if (o.limit && (side === "BUY" ? l.price.greaterThan(o.limit) : l.price.lessThan(o.limit))) break;
      // Self-trade prevention, as the incoming order's stpMode says (only for accounts in an STP group).
      if (l.maker && stp !== "") {
        if (stp === "cancel_maker" || stp === "cancel_both") stpMakers.push(l.maker);
        if (stp === "cancel_taker" || stp === "cancel_both") {
          stpTaker = true;
          exhausted = false;
          break;
        }
        continue;
      }
      let q = l.qty;
      if (o.maxQty) q = minDec(q, o.maxQty.minus(qty));
      if (o.budget) {
        const perUnit = l.price.times(o.feeOnTop.plus(1));
        q = minDec(
          q,
          o.budget.minus(quote).dividedBy(perUnit).toDecimalPlaces(rule.basePrecision, ROUND_DOWN),
        );
      }
      if (o.proceeds) {
        q = minDec(
          q,
          o.proceeds.minus(quote).dividedBy(l.price).toDecimalPlaces(rule.basePrecision, ROUND_DOWN),
        );
      }
      if (q.lessThanOrEqualTo(0)) {
        exhausted = false;
        break;
      }
      const notional = l.price.times(q);
      fills.push({ price: l.price, qty: q, maker: l.maker });
      qty = qty.plus(q);
      quote = quote.plus(side === "BUY" ? notional.plus(feeOf(notional, o.feeOnTop)) : notional);
      if (o.maxQty && qty.greaterThanOrEqualTo(o.maxQty)) {
        exhausted = false;
        break;
      }
    }
    return { fills, qty, quote, exhausted, stpMakers, stpTaker };
  }

  /** Applies one fill to the order and its account: funds, commission, the market's counter-flow, a trade. */
  private fill(
    order: Order,
    rule: SymbolRule,
    price: Dec,
    qty: Dec,
    isMaker: boolean,
    time: number,
    isSelfTrade = false,
  ): void {
    const acc = this.account(order.apiKey);
    const notional = price.times(qty);
    const rate = isMaker ? rule.maker : rule.taker;
    const fee = this.fees.commission(acc, rule, order.side, notional, qty, rate, time);
    const { baseAsset: base, quoteAsset: quote } = rule;
    if (order.side === "BUY") {
      const quoteCost = notional.plus(fee.asset === quote ? fee.amount : ZERO);
      const release = order.type === "MARKET" ? quoteCost : qty.times(order.lockPerUnit);
      acc.takeLocked(quote, release);
      order.locked = order.locked.minus(release);
      acc.credit(quote, release.minus(notional));
      acc.credit(base, qty);
      this.flows.add(base, qty.negated());
      this.flows.add(quote, notional);
    } else {
      acc.takeLocked(base, qty);
      order.locked = order.locked.minus(qty);
      acc.credit(quote, notional);
      this.flows.add(base, qty);
      this.flows.add(quote, notional.negated());
    }
    if (!fee.amount.isZero()) acc.payFee(fee.asset, fee.amount);
    order.executedQty = order.executedQty.plus(qty);
    order.cumQuote = order.cumQuote.plus(notional);
    order.updateTime = Math.max(order.updateTime, time);
    if (order.origQty && order.executedQty.greaterThanOrEqualTo(order.origQty)) order.status = "FILLED";
    else order.status = "PARTIALLY_FILLED";
    const seq = ++this.tradeCounter;
    const trade: Trade = {
      seq,
      id: this.newId("trade", seq, String(ORDER_ID_BASE * 10 + seq)),
      apiKey: order.apiKey,
      symbol: order.symbol,
      orderId: order.orderId,
      price,
      qty,
      quoteQty: notional,
      commission: fee.amount,
      commissionAsset: fee.asset,
      time,
      isBuyer: order.side === "BUY",
      isMaker,
      isSelfTrade,
      clientOrderId: order.clientOrderId,
    };
    this.book(order.apiKey).trades.push(trade);
    this.tradeSeqById.set(trade.id, seq);
  }

  /** Ends an order's life: what is still locked goes back; an unfilled remainder makes it (partially) canceled. */
  private finish(order: Order, remainderCanceled: boolean): void {
    const acc = this.account(order.apiKey);
    if (order.locked.greaterThan(0)) acc.unlock(order.lockAsset, order.locked);
    order.locked = ZERO;
    if (remainderCanceled || order.executedQty.isZero()) {
      order.status = order.executedQty.isZero() ? "CANCELED" : "PARTIALLY_CANCELED";
    } else {
      order.status = "FILLED";
    }
    this.book(order.apiKey).open.delete(order);
  }

  cancel(order: Order, now: number): Order {
    if (!isOpen(order)) throw Errors.unknownOrderCancel();
    order.updateTime = now;
    this.finish(order, true);
    return order;
  }

  /** Lets resting orders meet the market between their last check and `now`, fills in time order. */
  advance(now: number): void {
    if (now === this.lastAdvance) return;
    this.lastAdvance = now;
    const nowMin = Math.floor(now / MINUTE_MS);
    const pending: { order: Order; chunk: RestingChunk; qty: Dec }[] = [];
    for (const b of this.books.values()) {
      for (const order of b.open) {
        let remaining = (order.origQty as Dec).minus(order.executedQty);
        let last = order.lastChunkMinute;
        const chunks = this.source.restingChunks(
          order.symbol,
          order.side,
          order.price as Dec,
          order.checkedMinute,
          now,
        );
        for (const chunk of chunks) {
          if (chunk.minute <= last) continue;
          const qty = minDec(remaining, chunk.qty);
          pending.push({ order, chunk, qty });
          last = chunk.minute;
          remaining = remaining.minus(qty);
          if (remaining.lessThanOrEqualTo(0)) break;
        }
        order.checkedMinute = Math.max(order.checkedMinute, nowMin - 1);
      }
    }
    pending.sort((a, b) => a.chunk.timeMs - b.chunk.timeMs || a.order.seq - b.order.seq);
    for (const { order, chunk, qty } of pending) {
      const rule = this.source.rule(order.symbol);
      if (!rule || !isOpen(order)) continue;
      this.fill(order, rule, order.price as Dec, qty, true, Math.max(order.time, chunk.timeMs));
      order.lastChunkMinute = chunk.minute;
      if (order.status === "FILLED") this.finish(order, false);
    }
  }

  // ---- queries -------------------------------------------------------------------------------------------

  find(
    apiKey: string,
    ref: { orderId?: string | undefined; clientId?: string | undefined },
  ): Order | undefined {
    const book = this.book(apiKey);
    if (ref.orderId !== undefined) {
      const o = this.byId.get(ref.orderId);
      return o && o.apiKey === apiKey ? o : undefined;
    }
    return ref.clientId !== undefined ? book.byClientId.get(ref.clientId) : undefined;
  }

  openOrders(apiKey: string, symbols?: ReadonlySet<string>): Order[] {
    return [...this.book(apiKey).open]
      .filter((o) => !symbols || symbols.has(o.symbol))
      .sort((a, b) => a.seq - b.seq);
  }

  orders(apiKey: string): readonly Order[] {
    return this.book(apiKey).orders;
  }

  trades(apiKey: string): readonly Trade[] {
    return this.book(apiKey).trades;
  }

  tradeSeq(id: string): number | undefined {
    return this.tradeSeqById.get(id);
  }
}
