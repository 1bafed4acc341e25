import { afterEach, describe, expect, it } from "vitest";
import { type Env, tradesOf, tradingSim } from "./helpers.js";

let envs: Env[] = [];
afterEach(async () => {
  await Promise.all(envs.map((e) => e.running.close()));
  envs = [];
});
async function start(opts: Parameters<typeof tradingSim>[0]): Promise<Env> {
  const e = await tradingSim(opts);
  envs.push(e);
  return e;
}

const HEX = /^[0-9a-f]{32}$/;
const limitBuy = (id?: string) => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.001",
  price: "1000",
  ...(id ? { newClientOrderId: id } : {}),
});
const marketBuy = (id: string) => ({
  symbol: "ETHUSDT",
  side: "BUY",
  type: "MARKET",
  quoteOrderQty: "30",
  newClientOrderId: id,
});

describe("real variants (--real-variants)", () => {
  it("off by default: full answers, numeric ids, myTrades carries the order's clientOrderId", async () => {
    const e = await start({});
    const ack = await e.c.order(marketBuy("plain-1"));
    expect(ack.json).toHaveProperty("type", "MARKET");
    expect(ack.json.orderId).toMatch(/^C02__\d+$/);
    const [t] = await tradesOf(e.c, "ETHUSDT", ack.json.orderId);
    expect(t?.clientOrderId).toBe("plain-1");
    expect(t?.id).toMatch(/^\d+$/);
    expect(typeof (await e.c.get("/api/v3/time")).json.serverTime).toBe("number");
  });

  it("myTrades clientOrderId: null always, as MEXC's own sample (issue 18), also as a separate option", async () => {
    for (const opts of [{ nullTradeClientOrderId: true }, { realVariants: { rate: 0 } }]) {
      const e = await start(opts);
      const ack = await e.c.order(marketBuy("mine"));
      const rows = await tradesOf(e.c, "ETHUSDT", ack.json.orderId);
      expect(rows.length).toBeGreaterThan(0);
      for (const t of rows) expect(t.clientOrderId).toBeNull();
      // The order itself still knows its client id.
      expect((await e.c.getOrder("ETHUSDT", ack.json.orderId)).json.clientOrderId).toBe("mine");
    }
  });

  it("at rate 1 every variant shows, and hex ids stay the order's id everywhere, lookups included", async () => {
    const e = await start({ realVariants: { rate: 1 } });
    const time = (await e.c.get("/api/v3/time")).json;
    expect(typeof time.serverTime).toBe("string");
    const info = (await e.c.get("/api/v3/exchangeInfo", { symbol: "BTCUSDT" })).json;
    expect(info.symbols[0].status).toBe("ENABLED");
    const tick = (await e.c.get("/api/v3/ticker/24hr", { symbol: "BTCUSDT" })).json;
    expect(tick).toMatchObject({ volume: null, quoteVolume: null, bidQty: null, askQty: null });
    expect(typeof tick.lastPrice).toBe("string");

    const ack = await e.c.order(marketBuy("hex-1"));
    expect(ack.json).toEqual({ symbol: "ETHUSDT", orderId: ack.json.orderId, orderListId: -1 });
    expect(ack.json.orderId).toMatch(HEX);
    const o = (await e.c.getOrder("ETHUSDT", ack.json.orderId)).json;
    expect(o).toMatchObject({
      orderId: ack.json.orderId,
      status: "FILLED",
      updateTime: null,
      cancelReason: "",
    });
    expect(o.Qty).toBe(o.origQty);
    const rows = await tradesOf(e.c, "ETHUSDT", ack.json.orderId);
    expect(rows.length).toBeGreaterThan(0);
    for (const t of rows) {
      expect(t.orderId).toBe(ack.json.orderId);
      expect(t.id).toMatch(HEX);
      expect(t.clientOrderId).toBe("");
    }
    const from = await e.c.signed("GET", "/api/v3/myTrades", { symbol: "ETHUSDT", fromId: rows[0]?.id });
    expect(from.json[0].id).toBe(rows[0]?.id);

    const rest = await e.c.order(limitBuy());
    const open = (await e.c.signed("GET", "/api/v3/openOrders", { symbol: "BTCUSDT" })).json;
    expect(open[0]).toMatchObject({ orderId: rest.json.orderId, clientOrderId: "" });
    const cancel = await e.c.signed("DELETE", "/api/v3/order", {
      symbol: "BTCUSDT",
      orderId: rest.json.orderId,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.json).not.toHaveProperty("status");
    expect(cancel.json).not.toHaveProperty("executedQty");
    expect(cancel.json.orderId).toBe(rest.json.orderId);

    const acct = (await e.c.signed("GET", "/api/v3/account")).json;
    expect(acct).toMatchObject({ makerCommission: null, takerCommission: null, updateTime: null });
    for (const b of acct.balances) expect(b.available).toBe(b.free);
  });

  it("at the default rate both shapes appear, in the same order for the same seed", async () => {
    const shapes = async (seed: number): Promise<string[]> => {
      const e = await start({ realVariants: true, seed });
      const out: string[] = [];
      for (let i = 0; i < 12; i++) {
        const ack = await e.c.order(limitBuy(`v-${i}`));
        out.push(`${"type" in ack.json ? "full" : "short"}:${HEX.test(ack.json.orderId) ? "hex" : "num"}`);
      }
      return out;
    };
    const a = await shapes(42);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(a.some((s) => s.startsWith("short"))).toBe(true);
    expect(a.some((s) => s.startsWith("full"))).toBe(true);
    expect(await shapes(42)).toEqual(a);
    expect(await shapes(43)).not.toEqual(a);
  });
});
