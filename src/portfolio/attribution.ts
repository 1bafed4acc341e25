/**
 * Which bot a fill belongs to. MEXC's myTrades does not reliably say: its documented sample answer carries
 * `"clientOrderId": null` next to a hex `orderId` (spot v3 docs, "Account Trade List"), and real answers also
 * carry `""` (reference/mexc-spot-api.md, "What the real exchange sends"). Our own order journal knows every
 * order we placed, so a fill is attributed through it: exchange order id → our client order id → bot.
 * The order id is the same string on both sides: the docs' samples give hex ids in the "New Order" answer and in
 * myTrades alike, and captures of api.mexc.com show `C02__…` ids in both. Should they ever differ in form, our
 * fills would show as manual (never as another bot's).
 */

/** The bot of fills whose order no bot of ours placed (the website, the app, another tool, imported history). */
export const MANUAL = "manual";

/** A bot id as it starts our client order ids: 2-15 lower-case letters and digits, starting with a letter. */
export const BOT_ID = /^[a-z][a-z0-9]{1,14}$/;

/**
 * Our client order ids are `<bot>-<time 9><random 6>` (trading/client-id.ts makes them; at most 32 characters).
 * This is the one parser of them: the order manager adopts orders by it, the ledger attributes fills by it.
 */
const CLIENT_ORDER_ID = /^([a-z][a-z0-9]{1,14})-([0-9a-z]{9})([0-9a-z]{6})$/;

/** The bot that placed an order of ours, or undefined when the id is not one of ours. */
export function botOfClientOrderId(id: string | null | undefined): string | undefined {
  return id ? CLIENT_ORDER_ID.exec(id)?.[1] : undefined;
}

/**
 * What the ledger needs of the order journal (trading owns it; portfolio must not import trading, so the suite
 * hands the ledger an adapter of this shape).
 */
export interface OrderJournalView {
  /**
   * Our client order id of the exchange order `orderId` on `symbol`, or undefined when the journal does not know
   * that order id: never ours (placed by hand), or ours but not acknowledged yet (the id arrives with the ack).
   */
  clientOrderIdOf(symbol: string, orderId: string): string | undefined;
}

/** A fill's attribution: the bot, and our client order id when the order is ours. */
export interface Attribution {
  readonly bot: string;
  readonly clientOrderId?: string;
  /** The exchange named a client order id of ours that the journal contradicts (the journal won). */
  readonly disagreed?: string;
}

/**
 * Attributes one trade. The journal's word wins; the exchange's `clientOrderId` counts only when it is one of
 * ours and the journal does not contradict it (a journal restored from an older backup does not know every
 * order, and the exchange still has the id we sent). Everything else is manual.
 */
export function attribute(
  trade: { symbol: string; orderId: string; clientOrderId?: string | null | undefined },
  journal: OrderJournalView | undefined,
): Attribution {
  const fromJournal = journal?.clientOrderIdOf(trade.symbol, trade.orderId);
  const reported = trade.clientOrderId || undefined;
  if (fromJournal !== undefined) {
    const bot = botOfClientOrderId(fromJournal) ?? MANUAL;
    const base = { bot, clientOrderId: fromJournal };
    return reported !== undefined && reported !== fromJournal ? { ...base, disagreed: reported } : base;
  }
  const bot = botOfClientOrderId(reported);
  if (bot !== undefined) return { bot, clientOrderId: reported as string };
  return reported !== undefined ? { bot: MANUAL, clientOrderId: reported } : { bot: MANUAL };
}

/** The bot of a fill as the ledger keeps it; a fill written before attribution existed falls back to its client id. */
export function botOfFill(f: { readonly bot?: string; readonly clientOrderId?: string }): string {
  return f.bot ?? botOfClientOrderId(f.clientOrderId) ?? MANUAL;
}
