import { afterEach, describe, expect, it } from "vitest";
import { MexcClient, type Transport } from "../src/api/index.js";
import { RealClock } from "../src/clock.js";
import { userConfig } from "../src/config.js";
import { parseConfig } from "../src/config-schema.js";
import { D } from "../src/decimal.js";
import { inProcessTransport } from "../src/in-process-transport.js";
import { PreflightError, type PreflightReport, preflight } from "../src/preflight.js";
import { captureLog } from "./bots/helpers.js";
import { SIM_KEY, SIM_SECRET, startExchange } from "./support/exchange.js";

/**
 * The live pre-flight reads GET /api/v3/selfSymbols. The simulator does not serve it (yet), so its answer is
 * canned here in MEXC's documented shape (docs "User API default symbol"), in front of the simulator for the rest.
 */

type Running = Awaited<ReturnType<typeof startExchange>>;
let running: Running | undefined;
let client: MexcClient | undefined;

afterEach(async () => {
  client?.close();
  await running?.close();
  running = undefined;
  client = undefined;
});

async function liveAgainst(selfSymbols: { status: number; body: string } | undefined) {
  running = await startExchange();
  const clock = new RealClock();
  const sim = inProcessTransport(running.sim, clock);
  const transport: Transport = {
    async send(req) {
      if (selfSymbols && new URL(req.url).pathname === "/api/v3/selfSymbols") {
        const at = clock.now();
        return { ...selfSymbols, headers: {}, sentAt: at, receivedAt: at, httpMs: 0 };
      }
      return sim.send(req);
    },
  };
  client = new MexcClient({
    baseUrl: "http://in-process.test",
    apiKey: SIM_KEY,
    apiSecret: SIM_SECRET,
    transport,
    retry: { retries: 0 },
  });
  const config = parseConfig(structuredClone(userConfig));
  const go = preflight({ client, config, mode: "live", clock, log: captureLog().log });
  return { client, go };
}

const statusOf = (r: PreflightReport, check: string) => r.checks.find((c) => c.check === check)?.status;

async function failure(p: Promise<PreflightReport>): Promise<PreflightError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PreflightError);
  return e as PreflightError;
}

const body = (symbols: string[]) => JSON.stringify({ code: 200, data: symbols, msg: null });

describe("live pre-flight: the symbols this API key may trade", () => {
  it("passes with the key's list, and the client then refuses orders outside it before sending", async () => {
    const pairs = ["BTCUSDC", "ETHUSDC", ...userConfig.balancer5050.altBasket, ...userConfig.pnlSeller.pairs];
    const { client, go } = await liveAgainst({ status: 200, body: body([...new Set(pairs)]) });
    const report = await go;
    expect(statusOf(report, "api symbols")).toBe("pass");
    expect(statusOf(report, "pair BTCUSDC")).toBe("pass");
    expect((await client.symbolRules("BTCUSDC"))?.keyAllowed).toBe(true);
    expect((await client.symbolRules("BTCUSDT"))?.keyAllowed).toBe(false);
    const before = running?.sim.stats.requests["POST /api/v3/order"] ?? 0;
    const sent = client
      .newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: new D("10"),
        clientOrderId: "test-not-allowed",
      })
      .then(
        () => "sent",
        (e: Error) => e.message,
      );
    expect(await sent).toContain("not among the symbols this API key may trade");
    expect(running?.sim.stats.requests["POST /api/v3/order"] ?? 0).toBe(before);
  });

  it("fails naming a pair a bot needs that the key may not trade, with what to do", async () => {
    const { go } = await liveAgainst({ status: 200, body: body(["ETHUSDC"]) });
    const e = await failure(go);
    const btc = e.failed.find((c) => c.check === "pair BTCUSDC");
    expect(btc?.detail).toContain("selfSymbols");
    expect(btc?.fix).toContain("API Management");
    expect(statusOf(e.report, "pair ETHUSDC")).toBe("pass");
  });

  it("only warns and restricts nothing where the exchange has no such endpoint (a stand-in answering 404)", async () => {
    // The simulator serves selfSymbols now: the stand-in without it is a transport that answers 404.
    const { client, go } = await liveAgainst({ status: 404, body: "Not Found" });
    const report = await go;
    expect(statusOf(report, "api symbols")).toBe("warn");
    expect((await client.symbolRules("BTCUSDT"))?.keyAllowed).toBe(true);
  });

  it("fails when the list cannot be read", async () => {
    const { go } = await liveAgainst({
      status: 401,
      body: JSON.stringify({ code: 700007, msg: "No permission" }),
    });
    const e = await failure(go);
    expect(e.failed.map((c) => c.check)).toContain("api symbols");
  });
});
