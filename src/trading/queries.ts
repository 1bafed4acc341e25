import type { MexcClient } from "../api/index.js";
import { valueAccount } from "../portfolio/account-value.js";
import type { Fill } from "../portfolio/fill.js";
import type { Ledger } from "../portfolio/ledger.js";
import type { PnlTable } from "../portfolio/pnl-table.js";
import { computePnl } from "../portfolio/queries.js";
import type { Valuation } from "../portfolio/valuation.js";
import type { ProposalJson } from "../store/index.js";
import { type JournalEntry, UNSETTLED_STATES } from "./order-state.js";

/**
 * What the account, the ledger and the journal look like right now, for people: the only thing Telegram reads.
 * Read-only by construction (no method here changes anything), so a view can never place or cancel an order,
 * and telegram/ needs neither the exchange client nor the store to show them. Amounts are as their rooms keep
 * them: Decimal in valuations and PnL, decimal strings in the journal.
 */

export type { Fill, PnlTable, Valuation };

/** A proposal as it is shown: what a bot with autoTrade off asks to do, and how that ended. */
export type ProposalView = ProposalJson;

/** One order of the journal as it is shown. */
export interface OrderView {
  clientOrderId: string;
  bot: string;
  reason: string;
  /** Epoch ms. */
  createdAt: number;
  state: string;
  side: "BUY" | "SELL";
  symbol: string;
  type: string;
  quantity?: string;
  quoteOrderQty?: string;
  price?: string;
  executedQty: string;
  cummulativeQuoteQty: string;
}

/** The exchange client's request counters and MEXC's IP ban (bannedUntil 0 when none). */
export interface ExchangeLimits {
  requests: number;
  retries: number;
  count429: number;
  count418: number;
  bannedUntil: number;
}

export interface TradingQueries {
  /** The account (free and locked) valued in USDT at the exchange's last prices. */
  valuation(): Promise<Valuation>;
  /** The ledger's positions at last prices, realized and unrealized. */
  pnl(now: number): Promise<PnlTable>;
  /** Orders that may still rest or hold funds: open, partly filled, or sent and not yet known (PENDING, UNKNOWN). */
  openOrders(): OrderView[];
  /** One order by client id, whatever its state. */
  order(clientOrderId: string): OrderView | undefined;
  /** The last `n` fills of the ledger, newest first. */
  recentFills(n: number): Fill[];
  /** How many proposals wait for Execute or Skip. */
  pendingProposals(): number;
  exchangeLimits(): ExchangeLimits;
}

export interface QueriesDeps {
  client: MexcClient;
  orders: {
    entry(clientOrderId: string): JournalEntry | undefined;
    entries(filter?: (e: JournalEntry) => boolean): JournalEntry[];
  };
  ledger: Pick<Ledger, "recentFills" | "costBasis">;
  proposals: { pending(): readonly unknown[] };
}

/** The same states the order manager counts as holding a slot (`OrderManager.openCount`). */
const isOpen = (e: JournalEntry) => UNSETTLED_STATES.has(e.state);

function orderView(e: JournalEntry): OrderView {
  const i = e.intent;
  return {
    clientOrderId: e.clientOrderId,
    bot: e.bot,
    reason: e.reason,
    createdAt: e.createdAt,
    state: e.state,
    side: i.side,
    symbol: i.symbol,
    type: i.type,
    ...(i.quantity !== undefined ? { quantity: i.quantity } : {}),
    ...(i.quoteOrderQty !== undefined ? { quoteOrderQty: i.quoteOrderQty } : {}),
    ...(i.price !== undefined ? { price: i.price } : {}),
    executedQty: e.executedQty,
    cummulativeQuoteQty: e.cummulativeQuoteQty,
  };
}

export function tradingQueries(d: QueriesDeps): TradingQueries {
  return {
    valuation: () => valueAccount(d.client),
    pnl: (now) => computePnl(d.client, d.ledger, now),
    openOrders: () => d.orders.entries(isOpen).map(orderView),
    order: (id) => {
      const e = d.orders.entry(id);
      return e ? orderView(e) : undefined;
    },
    recentFills: (n) => d.ledger.recentFills(n),
    pendingProposals: () => d.proposals.pending().length,
    exchangeLimits: () => {
      const m = d.client.metrics();
      const { requests, retries, count429, count418 } = m;
      return { requests, retries, count429, count418, bannedUntil: d.client.bannedUntil };
    },
  };
}
