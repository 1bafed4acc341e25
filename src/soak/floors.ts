import { D } from "../decimal.js";
import type { Simulator } from "../sim/index.js";
import type { JournalEntry } from "../store/journal-schema.js";
import type { Floors } from "../trading/treasury.js";

/** Fee margin on a limit buy's cost (the simulator locks price × qty × (1 + max fee); MEXC's are ≤ 0.2 %). */
const FEE_MARGIN = new D("1.002");
/** How far back a purchase by a bot with a lower floor may excuse a drop below this bot's floor (ms). */
const EXCUSE_WINDOW_MS = 2 * 60_000;

export interface FloorViolation {
  at: number;
  bot: string;
  clientOrderId: string | undefined;
  usdcLeft: string;
  floor: string;
  why: string;
}

interface Purchase {
  clientOrderId: string;
  bot: string;
  floor: D;
  cost: D;
  createdAt: number;
  seenAt: number;
}

/**
 * Watches the USDC floors ($2 for the balance buyer, $20 for the 50/50 balancer: the USDC that must remain after
 * that bot's purchase).
 *
 * Definition. A floor violation is a USDC-quoted BUY of a bot with a USDC floor, seen created on the exchange (the
 * simulator's own record, whatever answer the client got), after which the exchange's free USDC, plus the cost of
 * purchases of bots with a LOWER floor created since shortly before it (EXCUSE_WINDOW_MS before its journal
 * entry), is below that bot's floor. The excuse exists because the treasury serialises reservations: a buyer
 * (floor $2) that reserved after the balancer (floor $20) may rightly spend the balancer's $20 down to $2.
 * Besides, free USDC below the LOWEST floor is always a violation (nothing else in the suite spends USDC), counted
 * once per episode if no purchase was blamed for it.
 *
 * It is checked after every step and after every journal change of a bot with a floor, so no purchase is missed:
 * new orders are found in the simulator's per-client-id counts, not in our journal's view of them.
 */
export class FloorWatch {
  samples = 0;
  lowest: D | undefined;
  purchases = 0;
  readonly violations: FloorViolation[] = [];
  readonly #seen = new Set<string>();
  #recent: Purchase[] = [];
  #below = false;
  readonly #minFloor: D;

  constructor(
    private readonly sim: Simulator,
    private readonly floors: Floors,
    private readonly journal: () => Readonly<Record<string, JournalEntry>>,
    private readonly now: () => number,
  ) {
    const all = Object.values(floors).map((f) => f.USDC ?? new D(0));
    this.#minFloor = all.length > 0 ? D.min(...all) : new D(0);
  }

  check(): void {
    const now = this.now();
    const free = new D(this.sim.account().balances.USDC?.free ?? "0");
    this.samples++;
    if (!this.lowest || free.lt(this.lowest)) this.lowest = free;
    this.#recent = this.#recent.filter((p) => p.seenAt >= now - 2 * EXCUSE_WINDOW_MS);

    let blamed = false;
    for (const p of this.#newPurchases(now)) {
      this.purchases++;
      this.#recent.push(p);
      const excused = this.#recent
        .filter((o) => o !== p && o.floor.lt(p.floor) && o.createdAt >= p.createdAt - EXCUSE_WINDOW_MS)
        .reduce((sum, o) => sum.plus(o.cost), new D(0));
      if (free.plus(excused).lt(p.floor)) {
        blamed = true;
        this.violations.push({
          at: now,
          bot: p.bot,
          clientOrderId: p.clientOrderId,
          usdcLeft: free.toFixed(),
          floor: p.floor.toFixed(),
          why: `free USDC ${free.toFixed()} (+${excused.toFixed()} excused) after the purchase`,
        });
      }
    }
    const below = free.lt(this.#minFloor);
    if (below && !this.#below && !blamed)
      this.violations.push({
        at: now,
        bot: "?",
        clientOrderId: undefined,
        usdcLeft: free.toFixed(),
        floor: this.#minFloor.toFixed(),
        why: "free USDC below the lowest floor",
      });
    this.#below = below;
  }

  /** Orders the simulator created since the last check that are USDC purchases of a bot with a floor. */
  #newPurchases(now: number): Purchase[] {
    const out: Purchase[] = [];
    const journal = this.journal();
    for (const cid of Object.keys(this.sim.stats.ordersByClientId)) {
      if (this.#seen.has(cid)) continue;
      this.#seen.add(cid);
      const e = journal[cid];
      const floor = e ? this.floors[e.bot]?.USDC : undefined;
      if (!e || !floor || e.intent.side !== "BUY" || !e.intent.symbol.endsWith("USDC")) continue;
      out.push({
        clientOrderId: cid,
        bot: e.bot,
        floor,
        cost: this.#cost(e),
        createdAt: e.createdAt,
        seenAt: now,
      });
    }
    return out;
  }

  #cost(e: JournalEntry): D {
    const i = e.intent;
    if (i.quoteOrderQty) return new D(i.quoteOrderQty);
    const price = i.price ? new D(i.price) : new D(this.sim.market.price(i.symbol));
    return price.mul(i.quantity ?? "0").mul(FEE_MARGIN);
  }
}
