import {
  checkOrder,
  clampToBand,
  type KlineInterval,
  type MexcClient,
  type OrderBook,
  roundPrice,
  roundQuantity,
  type SymbolRules,
} from "../api/index.js";
import { D } from "../decimal.js";
import {
  type AntiHypeVerdict,
  BLOCKED_SCORE,
  computeIndicators,
  type HypeInput,
  hypeInputOf,
} from "../filters/index.js";
import type { ProposalJson } from "../store/index.js";
import type { OrderPlacer, SubmitOutcome } from "../trading/order-placer.js";
import type { JournalEntry } from "../trading/order-state.js";
import type { Funds, Lease } from "../trading/treasury.js";
import type { CandleCache } from "./candle-cache.js";
import { change24hPctOf } from "./market-data.js";

/**
 * Buying a quote amount of a symbol with a LIMIT order priced from the order book, shared by the balance buyer
 * and the 50/50 balancer (a routine, not a bot: bots never import each other). At the best ask while the spread is
 * tight (fills at once); `makerOffsetPct` under the ask when the spread is wider than that, where crossing it would
 * pay the whole spread. Never above the ask, and never above MEXC's price band (priced down into it, or skipped
 * when no price fits; see api/price-band.ts). A "rejected" placement is re-priced from the book and tried again;
 * nothing else is: an unknown outcome is being looked up by the order manager and must never be sent twice.
 */

export interface BookBuyDeps {
  client: MexcClient;
  treasury: Funds;
  orders: OrderPlacer;
}

export interface BookBuyRequest {
  bot: string;
  symbol: string;
  /** The most quote to spend, fee included: price × quantity × (1 + fee) stays within it. */
  quote: D;
  /** Kept in the journal and shown to the owner. */
  reason: string;
  /** Percent: the spread above which the order bids this far under the ask as a maker. */
  makerOffsetPct: D;
  /** Placement attempts (≥ 1); only a rejection leads to the next one. */
  attempts: number;
  /** Cancel the order if it still rests after this long (ms). */
  timeoutMs: number;
  /** The bot's own smallest quantity worth buying, on top of the exchange's minimum. */
  minQuantity?: D;
  signal?: AbortSignal;
}

/** The limit price read from the book, and how it was found. */
export interface BookPrice {
  price: D;
  ask: D;
  /** undefined when the book had no bids. */
  bid: D | undefined;
  /** (ask − bid) / ask in percent; undefined without bids. */
  spreadPct: D | undefined;
  /** True when priced under the ask (wide spread, or moved down into the price band), false when at it. */
  maker: boolean;
  /** The price the band was measured from: the book's mid (the ask without bids). */
  reference: D;
  /** True when the book's price was above MEXC's price band and was moved down into it. */
  clamped: boolean;
}

/** One priced order, as sent (or as it would have been). */
export interface PricedBuy extends BookPrice {
  symbol: string;
  base: string;
  quote: string;
  quantity: D;
  /** quantity × price. */
  notional: D;
  /** What was reserved in the treasury: the notional plus the worst fee. */
  cost: D;
}

interface Common {
  /** The exchange's answer to every rejected attempt before this outcome, oldest first. */
  rejections: string[];
}

export type BookBuyResult =
  /** No order request was made for this attempt (bad book, too small, no funds, stopped). */
  | (Common & { kind: "skipped"; why: string; order?: PricedBuy })
  | (Common & { kind: "placed"; order: PricedBuy; entry: JournalEntry; attempt: number })
  | (Common & { kind: "proposed"; order: PricedBuy; proposal: ProposalJson; fresh: boolean })
  | (Common & { kind: "unknown"; order: PricedBuy; entry: JournalEntry })
  | (Common & { kind: "refused"; order: PricedBuy; reason: string })
  /** Every attempt was rejected; `order` is the last one. */
  | (Common & { kind: "rejected"; order: PricedBuy; error: string });

/** Fee assumed when the exchange does not say: higher than MEXC's spot fees, so the floor holds anyway. */
const FALLBACK_FEE = new D("0.001");
const BOOK_DEPTH = 5;

/** The worst fee an order may pay: the simulator (fee in quote) locks price × qty × (1 + max(maker, taker)). */
export function feeRateOf(rules: SymbolRules): D {
  const fees = [rules.makerCommission, rules.takerCommission].filter((f): f is D => f !== null);
  return fees.length > 0 ? D.max(...fees) : FALLBACK_FEE;
}

export type Sizing =
  | { ok: true; quantity: D; notional: D; cost: D }
  | { ok: false; quantity: D; why: string };

/**
 * The largest quantity on the symbol's step whose cost (fee included) fits `quote` at `price`, checked against the
 * exchange's rules and the bot's minimum. Also used by the bots to plan with an estimated price.
 */
export function sizeBuy(rules: SymbolRules, quote: D, price: D, minQuantity?: D): Sizing {
  const fee = feeRateOf(rules);
  if (!price.gt(0)) return { ok: false, quantity: new D(0), why: `no usable price (${price.toFixed()})` };
  const quantity = roundQuantity(rules, quote.div(price.mul(fee.plus(1))));
  if (minQuantity && quantity.lt(minQuantity)) {
    return {
      ok: false,
      quantity,
      why: `${quantity.toFixed()} ${rules.base} for ${money(quote)} ${rules.quote} is under the minimum ${minQuantity.toFixed()} ${rules.base}`,
    };
  }
  const check = checkOrder(rules, { side: "BUY", type: "LIMIT", quantity, price });
  if (!check.ok) {
    return {
      ok: false,
      quantity,
      why: `${quantity.toFixed()} ${rules.base} at ${price.toFixed()} for ${money(quote)} ${rules.quote}: ${check.message}`,
    };
  }
  const notional = quantity.mul(price);
  return { ok: true, quantity, notional, cost: notional.mul(fee.plus(1)) };
}

/** The limit price from the book: the ask when the spread is tight, `offsetPct` under it when wider. */
export function priceFromBook(
  rules: SymbolRules,
  book: OrderBook,
  offsetPct: D,
): (BookPrice & { ok: true }) | { ok: false; why: string } {
  const ask = book.asks[0]?.price;
  if (!ask?.gt(0)) return { ok: false, why: `${rules.symbol}: no asks in the book` };
  const bid = book.bids[0]?.price;
  const spreadPct = bid?.gt(0) ? ask.minus(bid).div(ask).mul(100) : undefined;
  // No bids reads as an endless spread: taking the ask blind there is how a thin book overcharges.
  const maker = spreadPct === undefined || spreadPct.gt(offsetPct);
  const raw = maker ? ask.mul(new D(1).minus(offsetPct.div(100))) : ask;
  // Rounded down (BUY): never above the ask, never above what was computed.
  const price = roundPrice(rules, raw, "BUY");
  if (!price.gt(0)) return { ok: false, why: `${rules.symbol}: price ${raw.toFixed()} rounds to 0` };
  // MEXC measures its band from its current price, which the mid estimates better than either side of the book
  // (and below the ask: the stricter reference for a buy's ceiling).
  const reference = bid?.gt(0) ? ask.plus(bid).div(2) : ask;
  const banded = clampToBand(rules.priceBand, rules.tick, "BUY", price, reference);
  if (!banded.ok) return { ok: false, why: `${rules.symbol}: ${banded.why}` };
  return {
    ok: true,
    price: banded.price,
    ask,
    bid,
    spreadPct,
    maker: maker || banded.clamped,
    reference,
    clamped: banded.clamped,
  };
}

/** The order itself: a LIMIT buy of the priced quantity, followed until `timeoutMs`. */
function placeBuy(
  orders: OrderPlacer,
  req: BookBuyRequest,
  order: PricedBuy,
  lease: Lease,
): Promise<SubmitOutcome> {
  return orders.place({
    bot: req.bot,
    reason: req.reason,
    symbol: order.symbol,
    side: "BUY",
    type: "LIMIT",
    quantity: order.quantity,
    price: order.price,
    // The band's reference, so the order manager checks the band too.
    marketPrice: order.reference,
    lease,
    timeoutMs: req.timeoutMs,
  });
}

export async function bookBuy(deps: BookBuyDeps, req: BookBuyRequest): Promise<BookBuyResult> {
  const { client, treasury, orders } = deps;
  const rejections: string[] = [];
  const rules = await client.symbolRules(req.symbol);
  if (!rules) return { kind: "skipped", why: `${req.symbol} is not a market of the exchange`, rejections };
  let last: PricedBuy | undefined;
  let lastError = "";
  for (let attempt = 1; attempt <= Math.max(1, req.attempts); attempt++) {
    if (req.signal?.aborted) {
      return { kind: "skipped", why: "stopped by the runtime", rejections, ...(last ? { order: last } : {}) };
    }
    // Re-read every attempt: a rejection often means the book moved under the price.
    const book = await client.depth(req.symbol, BOOK_DEPTH);
    const priced = priceFromBook(rules, book, req.makerOffsetPct);
    if (!priced.ok) return { kind: "skipped", why: priced.why, rejections };
    const size = sizeBuy(rules, req.quote, priced.price, req.minQuantity);
    if (!size.ok) return { kind: "skipped", why: size.why, rejections };
    const { ok: _, ...found } = priced;
    const order: PricedBuy = {
      symbol: rules.symbol,
      base: rules.base,
      quote: rules.quote,
      quantity: size.quantity,
      ...found,
      notional: size.notional,
      cost: size.cost,
    };
    const grant = await treasury.reserve(req.bot, rules.quote, size.cost);
    if (!grant.ok) return { kind: "skipped", why: `treasury: ${grant.reason}`, order, rejections };
    const out = await placeBuy(orders, req, order, grant.lease);
    // The order manager (or the proposal queue) has released or kept the lease as the outcome requires.
    switch (out.kind) {
      case "rejected":
        last = order;
        lastError = out.error.message;
        rejections.push(`attempt ${attempt} at ${priced.price.toFixed()}: ${out.error.message}`);
        continue;
      case "placed":
        return { kind: "placed", order, entry: out.entry, attempt, rejections };
      case "unknown":
        return { kind: "unknown", order, entry: out.entry, rejections };
      case "proposed":
        return { kind: "proposed", order, proposal: out.proposal, fresh: out.fresh, rejections };
      case "refused":
        return { kind: "refused", order, reason: out.reason, rejections };
    }
  }
  if (!last) return { kind: "skipped", why: "no attempt was made", rejections };
  return { kind: "rejected", order: last, error: lastError, rejections };
}

/** Did the result send (or queue) an order: what the bots count as a purchase for their cooldown. */
/** One word for how a buy ended: "open", "filled" (the order's state), "proposed", "unknown", "rejected", … */
export function outcomeOf(r: BookBuyResult): string {
  if (r.kind === "placed") return r.entry.state.toLowerCase();
  return r.kind;
}

export function ordered(r: BookBuyResult): boolean {
  return r.kind === "placed" || r.kind === "unknown" || r.kind === "proposed";
}

const money = (d: D): string => d.toDecimalPlaces(2, D.ROUND_HALF_EVEN).toFixed();
const pct = (d: D): string => d.toDecimalPlaces(3, D.ROUND_HALF_EVEN).toFixed();

/** "BUY 0.00099 BTC at 60010.5 USDC (the ask, spread 0.015 %) for 59.41 USDC" */
export function describeOrder(o: PricedBuy): string {
  const spread = o.spreadPct ? `spread ${pct(o.spreadPct)} %` : "no bids";
  const how = o.clamped
    ? `under the ask ${o.ask.toFixed()}: the exchange's price band allows no more at ${o.reference.toFixed()}, ${spread}`
    : o.maker
      ? `maker under the ask ${o.ask.toFixed()}, ${spread}`
      : `the ask, ${spread}`;
  return `BUY ${o.quantity.toFixed()} ${o.base} at ${o.price.toFixed()} ${o.quote} (${how}) for ${money(o.notional)} ${o.quote}`;
}

/** One line for a bot's reasons, for every outcome. */
export function describeBuy(r: BookBuyResult): string {
  const before =
    r.rejections.length > 0 ? ` [after ${r.rejections.length} rejected: ${r.rejections.join("; ")}]` : "";
  switch (r.kind) {
    case "skipped":
      return `${r.order ? `${describeOrder(r.order)}: ` : ""}not sent: ${r.why}${before}`;
    case "placed":
      return `${describeOrder(r.order)}: ${r.entry.state.toLowerCase()}${before}`;
    case "proposed":
      return `${describeOrder(r.order)}: proposed for approval (${r.fresh ? "new" : "already waiting"}, ${r.proposal.id})${before}`;
    case "unknown":
      return `${describeOrder(r.order)}: sent, outcome unknown (being looked up, never resent)${before}`;
    case "refused":
      return `${describeOrder(r.order)}: refused: ${r.reason}${before}`;
    case "rejected":
      return `${describeOrder(r.order)}: rejected ${r.rejections.length} time(s), giving up: ${r.rejections.join("; ")}`;
  }
}

/** The anti-hype verdict of one symbol and the 24 h change it used (percent, NaN when unknown). */
export interface HypeReading {
  verdict: AntiHypeVerdict;
  change24hPct: number;
  /**
   * The 24 h ticker's last price, when given: the buyers size from it (a Decimal off the ticker), never from the
   * candles' close, which are floats for the indicators.
   */
  lastPrice: D | undefined;
}

/**
 * Reads what the anti-hype filter needs (candles and the 24 h change) and applies `check` (checkBuy or
 * checkRebalanceBuy). Lives here because both buying bots read it before a book buy; a read that fails blocks the
 * symbol with the error as its reason, since buying blind is what the filter exists to prevent.
 */
export async function readHype(
  client: MexcClient,
  symbol: string,
  /** The candles to read: the scanner's interval and count (`config.scanner`). */
  candles: { klineInterval: KlineInterval; klineLimit: number },
  check: (input: HypeInput) => AntiHypeVerdict,
  /** The bot's kept candles and the runtime clock's now: only the new candles are asked for. */
  cached?: { cache: CandleCache; now: number },
): Promise<HypeReading> {
  try {
    const [ticker, indicatorCandles] = await Promise.all([
      client.ticker24hr(symbol),
      cached
        ? cached.cache.candles(symbol, candles.klineInterval, candles.klineLimit, cached.now)
        : client.klines(symbol, candles.klineInterval, { limit: candles.klineLimit }),
    ]);
    const change = change24hPctOf(ticker);
    const indicators = computeIndicators(indicatorCandles);
    return {
      verdict: check(hypeInputOf(indicators, change)),
      change24hPct: change,
      lastPrice: ticker.lastPrice ?? undefined,
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      verdict: {
        verdict: "blocked",
        scoreOverride: BLOCKED_SCORE,
        multiplier: 0,
        reasons: [`market data unreadable (${why}): not buying blind`],
      },
      change24hPct: Number.NaN,
      lastPrice: undefined,
    };
  }
}
