import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MexcClient } from "../src/api/index.js";
import { RealClock } from "../src/clock.js";
import { userConfig } from "../src/config.js";
import type { Config } from "../src/config-schema.js";
import { configuredPairs, preflight, reportLines } from "../src/preflight.js";
import { captureLog } from "./bots/helpers.js";
import { config, exchanges, failure, type Running, run, statusOf } from "./support/preflight.js";
import { isolatedEnv, spawnTsx } from "./support/spawn.js";

const exchange = exchanges();

describe("preflight", () => {
  it("passes on a healthy simulator, one line per check, with the non-zero balances", async () => {
    const ex = await exchange();
    const { go, lines } = run(ex);
    const report = await go;
    expect(report.ok).toBe(true);
    for (const check of [
      "server",
      "clock",
      "api key",
      "can trade",
      "balances",
      "pair BTCUSDC",
      "pair ETHUSDC",
    ])
      expect(statusOf(report, check)).toBe("pass");
    // Every alt of the default basket exists in the simulator.
    for (const s of userConfig.balancer5050.altBasket) expect(statusOf(report, `pair ${s}`)).toBe("pass");
    const balances = report.checks.find((c) => c.check === "balances")?.detail ?? "";
    expect(balances).toContain("USDT 1000");
    expect(balances).toContain("USDC 1000");
    expect(Math.abs(report.clockOffsetMs ?? Number.NaN)).toBeLessThan(1000);
    expect(lines.filter((l) => String(l.msg).startsWith("pre-flight "))).toHaveLength(report.checks.length);
    expect(reportLines(report)[0]).toBe("Pre-flight checks (LIVE):");
  });

  it("fails on a wrong secret, naming the key check, and never shows the secret", async () => {
    const secret = "wrong-secret-0123456789abcdef";
    const ex = await exchange({ client: { apiSecret: secret } });
    const { go, lines } = run(ex);
    const err = await failure(go);
    expect(err.failed.map((c) => c.check)).toEqual(["api key"]);
    expect(err.message).toContain("api key: refused by the exchange (code 700002");
    expect(err.message).toContain("The API key or secret is wrong, or the key is not enabled for spot");
    expect(statusOf(err.report, "can trade")).toBe("skip");
    expect(statusOf(err.report, "balances")).toBe("skip");
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(JSON.stringify(err.report)).not.toContain(secret);
  });

  it("fails on an unknown key, and points at the IP whitelist when that is the refusal", async () => {
    const ex = await exchange({ client: { apiKey: "not-a-known-key" } });
    const unknown = await failure(run(ex).go);
    expect(unknown.message).toContain("code 10072");
    expect(unknown.message).toContain("MEXC_API_KEY and MEXC_API_SECRET");
    await ex.close();

    const ex2 = await exchange();
    ex2.sim.faults.failNext("GET /api/v3/account", {
      status: 400,
      body: { code: 700006, msg: "IP [203.0.113.9] not in the ip white list" },
    });
    const ip = await failure(run(ex2).go);
    expect(ip.failed.map((c) => c.check)).toEqual(["api key"]);
    expect(ip.message).toContain("not on the key's whitelist");
  });

  it.each([5_000, -6_000])("fails when the exchange's clock is %i ms off, naming the clock", async (skew) => {
    const ex = await exchange();
    ex.sim.faults.skewClock(skew);
    const err = await failure(run(ex).go);
    expect(err.failed.map((c) => c.check)).toEqual(["clock"]);
    expect(err.message).toMatch(
      new RegExp(`clock: the local clock is \\d+ ms ${skew > 0 ? "behind" : "ahead of"}`),
    );
    expect(err.message).toContain("timedatectl set-ntp true");
    // The client corrects the offset, so the key itself still checks out.
    expect(statusOf(err.report, "api key")).toBe("pass");
  });

  it("fails naming a configured pair that does not exist; an alt-basket entry only warns", async () => {
    const ex = await exchange();
    const cfg = config((c) => {
      c.pnlSeller.pairs = ["BTCUSDC", "NOPEUSDC"];
      c.balancer5050.altBasket = ["ADAUSDC", "GONEUSDC"];
    });
    const err = await failure(run(ex, cfg).go);
    expect(err.failed.map((c) => c.check)).toEqual(["pair NOPEUSDC"]);
    expect(err.message).toContain("pair NOPEUSDC: not a market of the exchange");
    expect(err.message).toContain("Needed by pnlSeller.pairs");
    expect(statusOf(err.report, "pair GONEUSDC")).toBe("warn");
    expect(err.message).not.toContain("GONEUSDC");
  });

  it("fails for a paused or non-API pair a bot needs, and warns for one in the alt basket", async () => {
    const ex = await exchange();
    const [info, api] = await Promise.all([ex.client.exchangeInfo(), ex.client.defaultSymbols()]);
    const paused = info.symbols.find((s) => s.status === "2")?.symbol;
    const notApi = info.symbols.find((s) => s.status === "1" && !api.includes(s.symbol))?.symbol;
    if (!paused || !notApi) throw new Error("the simulator's universe lost its paused / non-API alts");

    const healthy = await run(
      ex,
      config((c) => {
        c.balancer5050.altBasket = ["ADAUSDC", paused, notApi];
      }),
    ).go;
    expect(statusOf(healthy, `pair ${paused}`)).toBe("warn");
    expect(statusOf(healthy, `pair ${notApi}`)).toBe("warn");

    const err = await failure(
      run(
        ex,
        config((c) => {
          c.pnlSeller.pairs = [paused, notApi];
        }),
      ).go,
    );
    expect(err.failed.map((c) => c.check).sort()).toEqual([`pair ${notApi}`, `pair ${paused}`].sort());
    expect(err.message).toContain("not tradable through the API now");
  });

  it("checks only the pairs of enabled bots", () => {
    const all = configuredPairs(config());
    expect(all.filter((p) => p.required).map((p) => p.symbol)).toEqual(["BTCUSDC", "ETHUSDC"]);
    expect(all.find((p) => p.symbol === "BTCUSDC")?.from).toEqual([
      "balanceBuyer",
      "balancer5050",
      "pnlSeller.pairs",
    ]);
    const none = configuredPairs(
      config((c) => {
        c.balanceBuyer.enabled = false;
        c.balancer5050.enabled = false;
        c.pnlSeller.enabled = false;
      }),
    );
    expect(none).toEqual([]);
  });

  it("fails when the account may not trade", async () => {
    const ex = await exchange();
    ex.sim.faults.failNext("GET /api/v3/account", {
      status: 200,
      body: {
        canTrade: false,
        canWithdraw: false,
        canDeposit: true,
        balances: [],
        permissions: ["SPOT"],
      },
    });
    const err = await failure(run(ex).go);
    expect(err.failed.map((c) => c.check)).toEqual(["can trade"]);
    expect(err.message).toContain("canTrade=false");
    expect(statusOf(err.report, "balances")).toBe("warn");
  });

  it("fails naming reachability when the exchange is in maintenance or answers 503", async () => {
    const ex = await exchange();
    ex.sim.faults.maintenance(Date.now() + 3_600_000);
    const down = await failure(run(ex).go);
    expect(down.failed.map((c) => c.check)).toEqual(["server"]);
    expect(down.message).toContain("server: not reachable");
    expect(down.message).toContain("maintenance");
    for (const c of ["clock", "api key", "can trade", "balances", "pairs"])
      expect(statusOf(down.report, c)).toBe("skip");

    ex.sim.faults.clear();
    ex.sim.faults.failNext("GET /api/v3/time", { status: 503, count: 10 });
    const busy = await failure(run(ex).go);
    expect(busy.failed.map((c) => c.check)).toEqual(["server"]);
  });

  it("fails naming reachability when nothing listens at the URL", async () => {
    const ex = await exchange();
    await ex.close();
    const err = await failure(run(ex).go);
    expect(err.failed.map((c) => c.check)).toEqual(["server"]);
    expect(err.message).toContain("MEXC_BASE_URL");
  });
});

describe("who approves the proposals (issue 13, defect 10)", () => {
  const TRADING = ["scanner", "balanceBuyer", "pnlSeller", "altsSeller", "balancer5050"] as const;

  function runWith(ex: Running, cfg: Config, telegram: boolean, mode: "live" | "sim" = "live") {
    return preflight({
      client: ex.client,
      config: cfg,
      mode,
      clock: new RealClock(),
      log: captureLog().log,
      telegram,
    });
  }

  it("fails in live mode without Telegram when bots leave autoTrade unset, naming them and what to do", async () => {
    const ex = await exchange();
    const err = await failure(runWith(ex, config(), false));
    expect(err.failed.map((c) => c.check)).toEqual(["approvals"]);
    for (const bot of TRADING) expect(err.message).toContain(`${bot}.autoTrade`);
    expect(err.message).toContain("TELEGRAM_BOT_TOKEN");
    expect(err.message).toContain("autoTrade: true");
  });

  it("passes with a Telegram token, or with autoTrade set for every enabled trading bot", async () => {
    const ex = await exchange();
    expect(statusOf(await runWith(ex, config(), true), "approvals")).toBe("pass");
    const explicit = config((c) => {
      for (const bot of TRADING) c[bot].autoTrade = bot !== "scanner";
    });
    const report = await runWith(ex, explicit, false);
    // autoTrade: false without Telegram is the user's choice, but worth a word: nobody can approve.
    expect(statusOf(report, "approvals")).toBe("warn");
    expect(report.checks.find((c) => c.check === "approvals")?.detail).toContain("scanner");
    const disabled = config((c) => {
      for (const bot of TRADING) c[bot].enabled = false;
    });
    expect(statusOf(await runWith(ex, disabled, false), "approvals")).toBe("pass");
  });

  it("does not apply in sim mode, where autoTrade unset means true", async () => {
    const ex = await exchange();
    expect(statusOf(await runWith(ex, config(), false, "sim"), "approvals")).toBe("pass");
  });
});

describe("paper mode with the market data upstream unreachable (issue 13, defect 11)", () => {
  it("fails naming the network and the upstream, not MEXC maintenance, and checks nothing behind it", async () => {
    // A port that refuses connections: the offline machine's view of api.mexc.com.
    const dead = await exchange();
    const deadUrl = dead.url;
    await dead.close();
    const ex = await exchange({ sim: { upstream: deadUrl } });
    const upstream = { client: new MexcClient({ baseUrl: deadUrl, timeoutMs: 1_000 }), url: deadUrl };
    const err = await failure(
      preflight({
        client: ex.client,
        config: config(),
        mode: "paper",
        clock: new RealClock(),
        log: captureLog().log,
        upstream,
      }),
    );
    upstream.client.close();
    expect(err.failed.map((c) => c.check)).toEqual(["market data"]);
    expect(err.message).toContain(deadUrl);
    expect(err.message).toMatch(/network/i);
    expect(err.message).not.toMatch(/maintenance/i);
    expect(reportLines(err.report).join("\n")).not.toContain("reachable, server time");
    for (const c of ["server", "clock", "api key", "can trade", "balances", "pairs"])
      expect(statusOf(err.report, c)).toBe("skip");
  });

  it("the program exits 2 (a failed pre-flight) saying the network or upstream is unreachable", async () => {
    const dead = await exchange();
    const deadUrl = dead.url;
    await dead.close();
    const dir = mkdtempSync(join(tmpdir(), "mpb-paper-"));
    const paper = spawnTsx("src/main.ts", [], isolatedEnv(dir, { MODE: "paper", MEXC_BASE_URL: deadUrl }));
    const { code } = await paper.exited;
    expect(code).toBe(2);
    expect(paper.out.stdout).toContain("FAIL  market data");
    expect(paper.out.stdout).not.toContain("PASS  server");
    expect(paper.out.stderr).toContain(`the market data upstream ${deadUrl} is not reachable`);
    expect(paper.out.stdout + paper.out.stderr).not.toMatch(/maintenance/i);
  }, 60_000);
});
