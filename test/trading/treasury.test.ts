import { afterEach, describe, expect, it } from "vitest";
import { roundQuoteAmount } from "../../src/api/index.js";
import { RealClock } from "../../src/clock.js";
import { D } from "../../src/decimal.js";
import type { Store } from "../../src/store/index.js";
import { accountBalanceSource } from "../../src/trading/balances.js";
import { OrderManager } from "../../src/trading/order-manager.js";
import { Treasury } from "../../src/trading/treasury.js";
import { startExchange, tempStore } from "../support/exchange.js";

let ex: Awaited<ReturnType<typeof startExchange>> | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await ex?.close();
});

describe("treasury", () => {
  it("several bots spending one balance at once never overspend, and floors hold", async () => {
    ex = await startExchange({
      sim: {
        accounts: [
          { apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDC: "300", USDT: "0" } },
        ],
      },
    });
    store = await tempStore();
    const clock = new RealClock();
    const floors = { buyer: { USDC: new D(2) }, balancer: { USDC: new D(20) } };
    const treasury = new Treasury({ source: accountBalanceSource(ex.client, clock), clock, floors });
    const om = new OrderManager({ client: ex.client, store, clock, treasury, maxOpenOrders: 50 });
    const rules = await ex.client.symbolRules("BTCUSDC");
    if (!rules) throw new Error("no BTCUSDC");

    const grants: { bot: string; amount: D; freeBefore: D }[] = [];
    const bots = ["buyer", "balancer", "scanner", "buyer", "balancer", "scanner"];
    await Promise.all(
      bots.map(async (bot) => {
        for (;;) {
          const grant = await treasury.reserveUpTo(bot, "USDC", new D(37), new D(6));
          if (!grant.ok) return;
          const amount = roundQuoteAmount(rules, grant.lease.amount);
          grants.push({ bot, amount, freeBefore: new D(0) });
          const out = await om.place({
            bot,
            reason: "spend",
            symbol: "BTCUSDC",
            side: "BUY",
            type: "MARKET",
            quoteOrderQty: amount,
            lease: grant.lease,
          });
          expect(out.kind).toBe("placed");
        }
      }),
    );
    const spent = grants.reduce((a, g) => a.plus(g.amount), new D(0));
    const left = new D(ex.sim.account().balances.USDC?.free ?? "0");
    expect(spent.lte(300)).toBe(true);
    // What the exchange actually took (fills plus quote fees) never exceeds what was granted.
    expect(left.gte(new D(300).minus(spent))).toBe(true);
    // The last purchases were the floor-2 buyer's and the no-floor scanner's: at most 6 USDC stays unspent
    // above zero (one minimum purchase), and the balancer stopped while 20 remained for it.
    expect(left.gte(0)).toBe(true);
    expect(left.lt(6)).toBe(true);
    expect(om.entries((e) => e.state === "REJECTED")).toHaveLength(0);
    expect(grants.some((g) => g.bot === "balancer")).toBe(true);
    expect(treasury.openLeases).toHaveLength(0);
  });

  it("a floor is never crossed by its bot", async () => {
    ex = await startExchange({
      sim: { accounts: [{ apiKey: "sim-api-key", apiSecret: "sim-api-secret", balances: { USDC: "50" } }] },
    });
    const clock = new RealClock();
    const treasury = new Treasury({
      source: accountBalanceSource(ex.client, clock),
      clock,
      floors: { balancer: { USDC: new D(20) } },
    });
    const a = await treasury.reserve("balancer", "USDC", new D(25));
    expect(a.ok).toBe(true);
    const b = await treasury.reserve("balancer", "USDC", new D(6));
    expect(b).toMatchObject({ ok: false });
    if (!b.ok) expect(b.reason).toContain("keeping 20 USDC as its floor");
    // Another bot without a floor may still use what the balancer must leave.
    const c = await treasury.reserve("scanner", "USDC", new D(25));
    expect(c.ok).toBe(true);
    const d = await treasury.reserve("scanner", "USDC", new D("0.01"));
    expect(d.ok).toBe(false);
  });
});

describe("a proposing bot's treasury", () => {
  it("answers as the real one but holds nothing: a waiting proposal keeps no bot from the funds", async () => {
    const clock = new RealClock();
    const source = { fetch: async () => ({ at: clock.now(), free: new Map([["USDC", new D(100)]]) }) };
    const treasury = new Treasury({ source, clock, floors: { buyer: { USDC: new D(2) } } });
    const look = treasury.lookOnly();

    const grant = await look.reserveUpTo("buyer", "USDC", new D(80), new D(5));
    expect(grant.ok && grant.lease.amount.toFixed()).toBe("80");
    const again = await look.reserve("buyer", "USDC", new D(98));
    expect(again.ok).toBe(true);
    // Nothing is held: the real treasury still grants the whole spendable amount to anyone.
    expect(treasury.openLeases).toEqual([]);
    expect((await treasury.spendable("buyer", "USDC")).toFixed()).toBe("98");
    const real = await treasury.reserve("balancer", "USDC", new D(100));
    expect(real.ok).toBe(true);
    // And the look-only view refuses what the real one would refuse, with the same figures.
    const refused = await look.reserve("buyer", "USDC", new D(1));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.spendable.toFixed()).toBe("0");
  });
});
