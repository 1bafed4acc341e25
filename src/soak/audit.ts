import { D } from "../decimal.js";
import type { Fill } from "../portfolio/fill.js";
import type { Simulator } from "../sim/index.js";
import type { Order as SimOrder, Trade as SimTrade } from "../sim/orders.js";
import type { JournalEntry } from "../store/journal-schema.js";
import { isOurClientOrderId } from "../trading/client-id.js";

/**
 * The simulator's own books for the account. It offers no public list of an account's orders and trades, and
 * asking over the wire would audit the client with the client; so the audit reads the engine, as an auditor reads
 * the exchange's books rather than the bot's.
 */
export function exchangeBooks(
  sim: Simulator,
  apiKey: string,
): { orders: readonly SimOrder[]; trades: readonly SimTrade[] } {
  const engine = (
    sim as unknown as {
      engine: { orders(k: string): readonly SimOrder[]; trades(k: string): readonly SimTrade[] };
    }
  ).engine;
  return { orders: engine.orders(apiKey), trades: engine.trades(apiKey) };
}

export interface JournalFigures {
  /** Journal entries: every intent that was sent (refusals never get one). */
  placed: number;
  /** Placed and found on the exchange (whatever answer the client got). */
  onExchange: number;
  filled: number;
  partlyFilledThenCancelled: number;
  cancelled: number;
  rejected: number;
  /** Still resting at the end (followed, not a problem). */
  open: number;
  /** Went UNKNOWN (no clear answer) at least once and ended in a known state. */
  unknownThenResolved: number;
  /** UNKNOWN at the end of the run (lookups still going). */
  stillUnknown: number;
  /** Given up as LOST at least once, and LOST at the end. */
  everLost: number;
  lost: number;
  /** LOST at the end although the exchange has the order (also counted in finalStateMismatches). */
  lostOnExchange: number;
  byBot: Record<string, number>;
}

export function journalFigures(
  journal: Readonly<Record<string, JournalEntry>>,
  exchangeIds: ReadonlySet<string>,
): JournalFigures {
  const f: JournalFigures = {
    placed: 0,
    onExchange: 0,
    filled: 0,
    partlyFilledThenCancelled: 0,
    cancelled: 0,
    rejected: 0,
    open: 0,
    unknownThenResolved: 0,
    stillUnknown: 0,
    everLost: 0,
    lost: 0,
    lostOnExchange: 0,
    byBot: {},
  };
  for (const e of Object.values(journal)) {
    f.placed++;
    f.byBot[e.bot] = (f.byBot[e.bot] ?? 0) + 1;
    if (exchangeIds.has(e.clientOrderId)) f.onExchange++;
    const wasUnknown = e.transitions.some((t) => t.to === "UNKNOWN");
    if (e.transitions.some((t) => t.to === "LOST")) f.everLost++;
    switch (e.state) {
      case "FILLED":
        f.filled++;
        break;
      case "PARTIALLY_CANCELED":
        f.partlyFilledThenCancelled++;
        break;
      case "CANCELED":
        f.cancelled++;
        break;
      case "REJECTED":
        f.rejected++;
        break;
      case "OPEN":
      case "PARTIALLY_FILLED":
        f.open++;
        break;
      case "UNKNOWN":
      case "PENDING":
        f.stillUnknown++;
        break;
      case "LOST":
        f.lost++;
        if (exchangeIds.has(e.clientOrderId)) f.lostOnExchange++;
        break;
    }
    if (wasUnknown && e.state !== "UNKNOWN" && e.state !== "PENDING" && e.state !== "LOST")
      f.unknownThenResolved++;
  }
  return f;
}

export interface DuplicateFigures {
  /** Extra exchange orders under one client id (a resend of the same intent). */
  sameClientId: number;
  /** Exchange orders with one of our prefixes and no journal entry (an order sent without its intent on disk). */
  withoutJournal: number;
  total: number;
  examples: string[];
}

export function duplicates(
  sim: Simulator,
  orders: readonly SimOrder[],
  journal: Readonly<Record<string, JournalEntry>>,
): DuplicateFigures {
  const examples: string[] = [];
  let sameClientId = 0;
  for (const [cid, n] of Object.entries(sim.stats.ordersByClientId)) {
    if (n <= 1) continue;
    sameClientId += n - 1;
    examples.push(`${cid}: ${n} orders`);
  }
  let withoutJournal = 0;
  for (const o of orders) {
    if (!isOurClientOrderId(o.clientOrderId) || journal[o.clientOrderId ?? ""]) continue;
    withoutJournal++;
    examples.push(`${o.clientOrderId}: on the exchange, not in the journal`);
  }
  return {
    sameClientId,
    withoutJournal,
    total: sameClientId + withoutJournal,
    examples: examples.slice(0, 10),
  };
}

/**
 * Journal entries in a final state that the exchange contradicts: FILLED/CANCELED/PARTIALLY_CANCELED must match the
 * exchange's status and executed quantity; REJECTED and LOST must not exist there (LOST is right only for an order
 * that never reached the exchange: after the calm end, the order manager's lookups would have found it).
 */
export function finalStateMismatches(
  journal: Readonly<Record<string, JournalEntry>>,
  orders: readonly SimOrder[],
): { count: number; examples: string[] } {
  const byCid = new Map(orders.filter((o) => o.clientOrderId).map((o) => [o.clientOrderId as string, o]));
  const examples: string[] = [];
  let count = 0;
  const bad = (e: JournalEntry, why: string) => {
    count++;
    if (examples.length < 10) examples.push(`${e.clientOrderId} ${e.state}: ${why}`);
  };
  for (const e of Object.values(journal)) {
    const o = byCid.get(e.clientOrderId);
    if (e.state === "REJECTED" || e.state === "LOST") {
      if (o) bad(e, `the exchange has it (${o.status})`);
      continue;
    }
    if (e.state !== "FILLED" && e.state !== "CANCELED" && e.state !== "PARTIALLY_CANCELED") continue;
    if (!o) {
      bad(e, "not on the exchange");
      continue;
    }
    const cancelled = o.status === "CANCELED" || o.status === "PARTIALLY_CANCELED";
    const statusOk = e.state === "FILLED" ? o.status === "FILLED" : cancelled;
    if (!statusOk || !o.executedQty.eq(e.executedQty))
      bad(e, `exchange ${o.status}, executed ${o.executedQty.toFixed()} vs ${e.executedQty}`);
  }
  return { count, examples };
}

/** Ledger fills against the exchange's trades of the account, by trade id, then field by field. */
export function ledgerMismatch(
  fills: readonly Fill[],
  trades: readonly SimTrade[],
): { missing: number; extra: number; different: number; total: number; examples: string[] } {
  const ours = new Map(fills.filter((f) => f.source === "exchange").map((f) => [f.id, f]));
  const theirs = new Map(trades.map((t) => [t.id, t]));
  const examples: string[] = [];
  let missing = 0;
  let different = 0;
  for (const [id, t] of theirs) {
    const f = ours.get(id);
    if (!f) {
      missing++;
      if (examples.length < 10)
        examples.push(`trade ${id} ${t.symbol} at ${new Date(t.time).toISOString()}: not in the ledger`);
      continue;
    }
    const same =
      f.symbol === t.symbol &&
      f.price.eq(t.price.toFixed()) &&
      f.qty.eq(t.qty.toFixed()) &&
      f.fee.eq(t.commission.toFixed()) &&
      f.side === (t.isBuyer ? "BUY" : "SELL");
    if (!same) {
      different++;
      if (examples.length < 10) examples.push(`trade ${id}: ledger and exchange differ`);
    }
  }
  let extra = 0;
  for (const id of ours.keys()) {
    if (theirs.has(id)) continue;
    extra++;
    if (examples.length < 10) examples.push(`fill ${id}: in the ledger, not on the exchange`);
  }
  return { missing, extra, different, total: missing + extra + different, examples };
}

/** USDT value of free + locked balances at the simulator's last prices (stablecoins through USDCUSDT). */
export function exchangeValue(sim: Simulator, apiKey: string): D {
  let total = new D(0);
  for (const [asset, b] of Object.entries(sim.account(apiKey).balances)) {
    const qty = new D(b.free).plus(b.locked);
    if (qty.isZero()) continue;
    if (asset === "USDT") total = total.plus(qty);
    else total = total.plus(qty.mul(priceIn(sim, asset)));
  }
  return total;
}

function priceIn(sim: Simulator, asset: string): D {
  for (const [symbol, via] of [
    [`${asset}USDT`, undefined],
    [`${asset}USDC`, "USDCUSDT"],
  ] as const) {
    try {
      const p = new D(sim.market.price(symbol));
      return via ? p.mul(sim.market.price(via)) : p;
    } catch {
      // no such market: try the next
    }
  }
  return new D(0);
}
