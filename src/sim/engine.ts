import { Account, MarketFlows, type SimAccountSpec } from "./accounts.js";
import { D, type Dec, minDec, ZERO } from "./decimal.js";
import { Errors } from "./errors.js";
import { type FeeAsset, FeeSchedule } from "./fees.js";
import { NO_WALK, type TakeLevel, takeLevels, type Walk, walkBook, wouldTake } from "./matching.js";
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

    const { walk, locked, lockPerUnit } = this.match(acc, rule, req, now, apiKey);
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

  /**
   * How the order meets the book, and what it locks: refuses it (MEXC's error) when the account cannot pay or a
   * LIMIT_MAKER would take.
   */
  private match(
    acc: Account,
    rule: SymbolRule,
    req: OrderRequest,
    now: number,
    apiKey: string,
  ): { walk: Walk; locked: Dec; lockPerUnit: Dec } {
    const quoteFeeRate = (r: Dec): Dec =>
      this.options.feeAsset === "quote" && req.side === "BUY" ? r : ZERO;
    let walk: Walk;
    let locked: Dec;
    let lockPerUnit = ZERO;
    const stp = acc.stpGroup ? (req.stpMode ?? "") : "";
    if (req.type === "MARKET") {
      walk = walkBook(this.levels(rule, req.side, now, apiKey), rule, req.side, stp, {
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
        if (wouldTake(this.levels(rule, req.side, now, apiKey), req.side, price)) throw Errors.wouldTake();
        walk = NO_WALK();
      } else {
        walk = walkBook(this.levels(rule, req.side, now, apiKey), rule, req.side, stp, {
          maxQty: qty,
          limit: price,
          feeOnTop: quoteFeeRate(rule.taker),
        });
      }
    }
    return { walk, locked, lockPerUnit };
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

  /** What an incoming order of this account meets on `rule`'s book, best price first (see takeLevels). */
  private levels(rule: SymbolRule, side: Side, now: number, apiKey: string): Iterable<TakeLevel> {
    return takeLevels(
      () => this.source.levels(rule.symbol, side === "BUY" ? "asks" : "bids", now),
      this.book(apiKey).open,
      rule.symbol,
      side,
    );
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
