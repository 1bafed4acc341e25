import type { Decimal } from "../api/index.js";
import { D, type Order } from "../api/index.js";
import { BOT_IDS } from "../bots/ids.js";
import type { JournalEntry } from "../store/journal-schema.js";
import { botOfClientOrderId, isOurClientOrderId } from "../trading/client-id.js";
import type { ExchangeBooks, LocalBooks } from "./books.js";

/** Each must be zero. */
export interface ChaosFigures {
  /** Orders on the exchange with our prefix that neither the journal nor its archive knows. */
  ordersWithoutJournal: number;
  /** Journal entries still PENDING or UNKNOWN after the final clean run. */
  unresolved: number;
  /** Extra exchange orders under one client id (a resend). */
  duplicateClientIds: number;
  /** A bot with a cooldown bought the same symbol twice (both orders with fills) inside its cooldown. */
  repeatsInCooldown: number;
  /** Orders or purchases above a cap of the config the suite ran with. */
  spendingAboveCap: number;
  /** Final journal entries whose state or executed quantity differ from the exchange's; LOST ones it has. */
  journalMismatches: number;
  /** Exchange trades missing from fills.jsonl, fills it has that the exchange does not, fills that differ. */
  fillsMissing: number;
  fillsExtra: number;
  fillsDiffering: number;
  /** Runs that ended by themselves before their SIGKILL, and a final run that did not stop with exit 0. */
  unexpectedExits: number;
}

export interface ChaosCounts {
  exchangeOrders: number;
  exchangeTrades: number;
  journalEntries: number;
  fills: number;
  ordersByBot: Record<string, number>;
}

export interface Caps {
  scanner: { perOrderUsdt: number };
  buyer: { perPurchase: number; cooldownSec: number };
  balancer: { perPurchase: number; cooldownSec: number };
}

export interface AuditResult {
  figures: Omit<ChaosFigures, "unexpectedExits">;
  counts: ChaosCounts;
  /** One line per finding, for the report and the kept directory. */
  findings: string[];
}

const FINAL_ON_EXCHANGE: Record<string, string> = {
  FILLED: "FILLED",
  CANCELED: "CANCELED",
  PARTIALLY_CANCELED: "PARTIALLY_CANCELED",
};

export function audit(local: LocalBooks, exchange: ExchangeBooks, caps: Caps): AuditResult {
  const findings: string[] = [];
  const ours = exchange.orders.filter((o) => isOurClientOrderId(o.clientOrderId));
  const byClientId = new Map<string, Order[]>();
  for (const o of ours) {
    const list = byClientId.get(o.clientOrderId!) ?? [];
    list.push(o);
    byClientId.set(o.clientOrderId!, list);
  }

  let ordersWithoutJournal = 0;
  let duplicateClientIds = 0;
  for (const [id, list] of byClientId) {
    if (!local.journal.has(id)) {
      ordersWithoutJournal++;
      findings.push(
        `order ${id} (${list[0]!.symbol} ${list[0]!.side}) is on the exchange but not in the journal`,
      );
    }
    if (list.length > 1) {
      duplicateClientIds += list.length - 1;
      findings.push(`client id ${id} has ${list.length} orders on the exchange`);
    }
  }

  let unresolved = 0;
  let journalMismatches = 0;
  for (const e of local.journal.values()) {
    if (e.state === "PENDING" || e.state === "UNKNOWN") {
      unresolved++;
      findings.push(`journal entry ${e.clientOrderId} is still ${e.state}`);
    }
    const mismatch = compareEntry(e, byClientId.get(e.clientOrderId)?.[0]);
    if (mismatch) {
      journalMismatches++;
      findings.push(mismatch);
    }
  }

  const repeats = repeatsInCooldown(ours, caps, findings);
  const overspend = spendingAboveCap(ours, caps, findings);
  const fills = compareFills(local, exchange, findings);
  const ordersByBot: Record<string, number> = {};
  for (const o of ours) {
    const bot = botOfClientOrderId(o.clientOrderId) ?? "?";
    ordersByBot[bot] = (ordersByBot[bot] ?? 0) + 1;
  }
  return {
    figures: {
      ordersWithoutJournal,
      unresolved,
      duplicateClientIds,
      repeatsInCooldown: repeats,
      spendingAboveCap: overspend,
      journalMismatches,
      ...fills,
    },
    counts: {
      exchangeOrders: ours.length,
      exchangeTrades: exchange.trades.length,
      journalEntries: local.journal.size,
      fills: local.fills.filter((f) => f.source === "exchange").length,
      ordersByBot,
    },
    findings,
  };
}

function compareEntry(e: JournalEntry, o: Order | undefined): string | undefined {
  if (e.state === "LOST" || e.state === "REJECTED") {
    return o
      ? `journal says ${e.state} for ${e.clientOrderId}, the exchange has it as ${o.status}`
      : undefined;
  }
  const expected = FINAL_ON_EXCHANGE[e.state];
  if (!expected) return undefined; // still followed: OPEN, PARTIALLY_FILLED (PENDING/UNKNOWN counted above)
  if (!o) return `journal says ${e.state} for ${e.clientOrderId}, the exchange has no such order`;
  if (o.status !== expected || !o.executedQty.eq(e.executedQty)) {
    return (
      `journal says ${e.state} ${e.executedQty} for ${e.clientOrderId}, ` +
      `the exchange ${o.status} ${o.executedQty.toFixed()}`
    );
  }
  return undefined;
}

/** What an order spent or may still spend: its executed quote, or for a resting one its whole price × quantity. */
function spend(o: Order): Decimal {
  const resting = o.status === "NEW" || o.status === "PARTIALLY_FILLED";
  if (!resting) return o.cummulativeQuoteQty;
  if (o.type === "MARKET") return o.origQuoteOrderQty ?? o.cummulativeQuoteQty;
  return o.price.mul(o.origQty);
}

const buysOf = (orders: readonly Order[], bot: string) =>
  orders
    .filter((o) => o.side === "BUY" && botOfClientOrderId(o.clientOrderId) === bot && spend(o).gt(0))
    .sort((a, b) => (a.time ?? 0) - (b.time ?? 0));

function repeatsInCooldown(orders: readonly Order[], caps: Caps, findings: string[]): number {
  let n = 0;
  for (const bot of [BOT_IDS.balanceBuyer, BOT_IDS.balancer5050] as const) {
    const windowMs = caps[bot].cooldownSec * 1000;
    const last = new Map<string, Order>();
    for (const o of buysOf(orders, bot)) {
      const prev = last.get(o.symbol);
      if (prev && (o.time ?? 0) - (prev.time ?? 0) < windowMs) {
        n++;
        findings.push(
          `${bot} bought ${o.symbol} again ${((o.time ?? 0) - (prev.time ?? 0)) / 1000} s after ` +
            `${prev.clientOrderId}, inside its ${caps[bot].cooldownSec} s cooldown (${o.clientOrderId})`,
        );
      }
      last.set(o.symbol, o);
    }
  }
  return n;
}

function spendingAboveCap(orders: readonly Order[], caps: Caps, findings: string[]): number {
  let n = 0;
  for (const o of buysOf(orders, BOT_IDS.scanner)) {
    if (spend(o).gt(caps.scanner.perOrderUsdt)) {
      n++;
      findings.push(
        `scanner order ${o.clientOrderId} spent ${spend(o).toFixed()} > ${caps.scanner.perOrderUsdt}`,
      );
    }
  }
  // A purchase may be two orders (BTC and ETH); whatever lies inside one cooldown is one purchase at most.
  for (const bot of [BOT_IDS.balanceBuyer, BOT_IDS.balancer5050] as const) {
    const { perPurchase, cooldownSec } = caps[bot];
    const buys = buysOf(orders, bot);
    for (let i = 0; i < buys.length; i++) {
      const start = buys[i]!.time ?? 0;
      let sum = D(0);
      for (let j = i; j < buys.length && (buys[j]!.time ?? 0) - start < cooldownSec * 1000; j++) {
        sum = sum.add(spend(buys[j]!));
      }
      if (sum.gt(perPurchase)) {
        n++;
        findings.push(
          `${bot} spent ${sum.toFixed()} within ${cooldownSec} s from ${buys[i]!.clientOrderId} (cap ${perPurchase})`,
        );
      }
    }
  }
  return n;
}

function compareFills(local: LocalBooks, exchange: ExchangeBooks, findings: string[]) {
  const mine = new Map(
    local.fills.filter((f) => f.source === "exchange").map((f) => [`${f.symbol}:${f.id}`, f]),
  );
  const theirs = new Map(exchange.trades.map((t) => [`${t.symbol}:${t.id}`, t]));
  let fillsMissing = 0;
  let fillsExtra = 0;
  let fillsDiffering = 0;
  for (const [key, t] of theirs) {
    const f = mine.get(key);
    if (!f) {
      fillsMissing++;
      findings.push(`trade ${key} (order ${t.orderId}) is on the exchange but not in fills.jsonl`);
    } else if (
      !f.price.eq(t.price) ||
      !f.qty.eq(t.qty) ||
      !f.fee.eq(t.commission) ||
      f.feeAsset !== t.commissionAsset ||
      f.side !== (t.isBuyer ? "BUY" : "SELL") ||
      f.orderId !== t.orderId
    ) {
      fillsDiffering++;
      findings.push(`fill ${key} differs from the exchange's trade`);
    }
  }
  for (const key of mine.keys()) {
    if (!theirs.has(key)) {
      fillsExtra++;
      findings.push(`fill ${key} is in fills.jsonl but not on the exchange`);
    }
  }
  return { fillsMissing, fillsExtra, fillsDiffering };
}
