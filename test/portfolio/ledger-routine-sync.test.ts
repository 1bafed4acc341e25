import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MexcClient, roundQuantity } from "../../src/api/index.js";
import { VirtualClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import { Ledger } from "../../src/portfolio/ledger.js";
import type { Store } from "../../src/store/index.js";
import { eventually, startExchange, tempStore } from "../support/exchange.js";

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
let elsewhere: MexcClient | undefined;
afterEach(async () => {
  elsewhere?.close();
  elsewhere = undefined;
  await store?.close();
  await ex?.close();
  ex = undefined;
  store = undefined;
});

const MYTRADES = "GET /api/v3/myTrades";
const SYMBOL = "ADAUSDT";
const ROUTINE = { maxAgeMs: 5 * 60_000, safetyNetMs: 60 * 60_000 };

/** The real simulator; the ledger on a virtual clock, so a test can let the safety net's hour pass. */
async function setup(feeAsset: "quote" | "base" = "quote") {
  ex = await startExchange({
    client: { limits: { ordersPerSecond: 200, requestsPerSecond: 1000 } },
    sim: {
      feeAsset,
      accounts: [{ apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDT: "1000" } }],
    },
  });
  store = await tempStore();
  const clock = new VirtualClock(Date.now());
  const fills = join(mkdtempSync(join(tmpdir(), "mpb-fills-")), "fills.jsonl");
  const ledger = new Ledger({ client: ex.client, store, fills, clock });
  const e = ex;
  const calls = () => e.sim.stats.requests[MYTRADES] ?? 0;
  /** One routine check, as the alts seller makes it: an account read, then the sync with its balances. */
  async function routine(): Promise<{ requests: number; added: number }> {
    const { balances } = await e.client.account();
    const before = calls();
    const added = await ledger.syncAll([SYMBOL], { routine: { ...ROUTINE, balances } });
    return { requests: calls() - before, added: added.length };
  }
  // Trades made elsewhere (by hand, another program): their own client, so nothing waits behind the ledger's.
  const other = new MexcClient({ baseUrl: e.url, apiKey: "sim-api-key", apiSecret: "sim-api-secret" });
  elsewhere = other;
  const rules = await other.symbolRules(SYMBOL);
  if (!rules) throw new Error(`${SYMBOL} missing`);
  /** About `usdt` worth of the base, on its step: a market order of a known quantity either way. */
  const worth = async (usdt: string) =>
    roundQuantity(rules, new D(usdt).div((await other.tickerPrice(SYMBOL)).price));
  let n = 0;
  async function trade(side: "BUY" | "SELL", quantity: D) {
    n++;
    return other.newOrder({ symbol: SYMBOL, side, type: "MARKET", quantity, clientOrderId: `byhand${n}` });
  }
  return { ex: e, ledger, clock, routine, trade, worth, calls };
}

describe("ledger: routine syncs (routine-sync.ts)", () => {
  it("syncs on the first check, then only when the base total moved (fees in the quote)", async () => {
    const { routine, trade, worth } = await setup("quote");
    await trade("BUY", await worth("10"));
    expect(await routine()).toEqual({ requests: 1, added: 1 });
    // Nothing traded since: the account read says so, no myTrades call.
    expect(await routine()).toEqual({ requests: 0, added: 0 });
    expect(await routine()).toEqual({ requests: 0, added: 0 });
    // A sell moves the base total: synced, the fill found.
    await trade("SELL", await worth("3"));
    expect(await routine()).toEqual({ requests: 1, added: 1 });
    expect(await routine()).toEqual({ requests: 0, added: 0 });
  });

  it("needs no sync for a move the ledger already booked (the suite syncs a symbol when its order fills)", async () => {
    const { ledger, routine, trade, worth, calls } = await setup("base");
    expect((await routine()).requests).toBe(1);
    await trade("BUY", await worth("10"));
    // As the suite's sync on an order change: the fill is booked before the next account read.
    expect(await ledger.sync(SYMBOL)).toHaveLength(1);
    expect(await routine()).toEqual({ requests: 0, added: 0 });
    // Booked, and then another fill the ledger has not seen: the move is more than the booked fill explains.
    await trade("SELL", await worth("3"));
    const before = calls();
    await trade("BUY", await worth("3"));
    await ledger.sync(SYMBOL);
    expect(calls() - before).toBe(1);
    await trade("SELL", await worth("3"));
    expect(await routine()).toEqual({ requests: 1, added: 1 });
  });

  it("sees a buy whose fee is charged in the base asset (the total moves by qty − fee)", async () => {
    const { routine, trade, worth } = await setup("base");
    expect((await routine()).requests).toBe(1);
    await trade("BUY", await worth("10"));
    expect(await routine()).toEqual({ requests: 1, added: 1 });
  });

  it("a buy and a sell of the same amount between two reads leave the total as it was: found by the safety net", async () => {
    const { routine, trade, worth, clock, ledger } = await setup("quote");
    await trade("BUY", await worth("10"));
    await routine();
    const q = await worth("3");
    await trade("BUY", q);
    await trade("SELL", q);
    // Fees in the quote: the base total is back where it was, so the rule cannot see these two fills.
    expect(await routine()).toEqual({ requests: 0, added: 0 });
    await clock.advance(ROUTINE.safetyNetMs - 1);
    expect((await routine()).requests).toBe(0);
    await clock.advance(1);
    expect(await routine()).toEqual({ requests: 1, added: 2 });
    expect(ledger.fillCount).toBe(3);
    // The safety net's sync is the new reference: quiet again for an hour.
    expect((await routine()).requests).toBe(0);
  });

  it("retries a failed sync at the next check, though the total has not moved since", async () => {
    const { ex, routine, trade, worth, ledger, clock } = await setup("quote");
    await trade("BUY", await worth("10"));
    ex.sim.faults.failNext(MYTRADES, { status: 503, count: 3 });
    await expect(routine()).rejects.toThrow();
    expect(ledger.fillCount).toBe(0);
    // The same total as the failed check saw: still synced, because the failed sync counted for nothing.
    expect(await routine()).toEqual({ requests: 1, added: 1 });
    expect((await routine()).requests).toBe(0);

    // A moved total whose sync fails is retried too.
    await trade("SELL", await worth("3"));
    ex.sim.faults.failNext(MYTRADES, { status: 503, count: 3 });
    await expect(routine()).rejects.toThrow();
    expect(await routine()).toEqual({ requests: 1, added: 1 });

    // The safety net's sync fails: it is due again at the next check, not an hour later.
    await clock.advance(ROUTINE.safetyNetMs);
    ex.sim.faults.failNext(MYTRADES, { status: 503, count: 3 });
    await expect(routine()).rejects.toThrow();
    expect((await routine()).requests).toBe(1);
    expect((await routine()).requests).toBe(0);
  });

  it("without a read of its own, compares the newest read held; when reads stop, falls back to the age rule", async () => {
    const { ex, ledger, clock, routine, trade, worth, calls } = await setup("quote");
    await trade("BUY", await worth("10"));
    await routine();
    const core = async () => {
      const before = calls();
      await ledger.syncAll([SYMBOL], { routine: ROUTINE });
      return calls() - before;
    };
    /** Another caller's account read, handed to the ledger (the alts seller's, with nothing of its own to sync). */
    const readElsewhere = async () =>
      ledger.syncAll([], { routine: { ...ROUTINE, balances: (await ex.client.account()).balances } });
    // The routine check's read is compared (unmoved) once.
    expect(await core()).toBe(0);
    // Reads keep coming (one a minute): a check between two of them waits for the next, past the 5 minutes too.
    for (let minute = 1; minute <= 6; minute++) {
      await clock.advance(60_000);
      expect(await core()).toBe(0);
      await readElsewhere();
      expect(await core()).toBe(0);
    }
    // Reads stop: 5 minutes after the last one, the age rule of old.
    await clock.advance(ROUTINE.maxAgeMs - 1);
    expect(await core()).toBe(0);
    await clock.advance(1);
    expect(await core()).toBe(1);
    // A read that moved, made by another caller, makes the next check sync.
    await trade("SELL", await worth("3"));
    await readElsewhere();
    expect(await core()).toBe(1);
  });

  it("does not measure from a read made while a sync that began before it was under way", async () => {
    const { ex, ledger, routine, trade, worth, calls } = await setup("quote");
    await routine();
    const before = calls();
    // A sync already under way (as the suite's sync on an order change), then a fill, then the account read:
    // the routine check shares the running sync, which may not hold the fill, so it must not take the read as
    // its reference.
    ex.sim.faults.slowMs = 200;
    const running = ledger.sync(SYMBOL);
    // Its myTrades answered (and held back 200 ms) before the fill below is made.
    await eventually(() => calls() > before, 5_000, 1);
    await new Promise((r) => setTimeout(r, 10));
    ex.sim.faults.slowMs = 0;
    await trade("BUY", await worth("10"));
    const { balances } = await ex.client.account();
    await ledger.syncAll([SYMBOL], { routine: { ...ROUTINE, balances } });
    await running;
    expect(ledger.fillCount).toBe(0);
    // The next check syncs again and finds the fill.
    expect(await routine()).toEqual({ requests: 1, added: 1 });
  });
});
