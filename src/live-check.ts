import {
  type Account,
  ApiError,
  checkOrder,
  D,
  type Decimal,
  type MexcClient,
  type NewOrderRequest,
  roundPrice,
  roundToStep,
  type SymbolRules,
} from "./api/index.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config-schema.js";
import type { Logger } from "./log.js";
import {
  type CheckResult,
  type CheckStatus,
  PreflightError,
  type PreflightReport,
  preflight,
} from "./preflight.js";

/**
 * `npm run check:live`: what a user runs once with real keys before trusting the suite, and after any MEXC change.
 * The read-only pre-flight, then one POST /api/v3/order/test for each order shape the enabled bots send, built with
 * the real symbol rules, rounding and minimums. MEXC validates a test order and never sends it to the matching
 * engine (docs § Test New Order: "Creates and validates a new order but does not send it into the matching
 * engine"), so nothing here can place an order: the only order call this file makes is `testOrder`.
 */

/** The pair the balance buyer and the 50/50 balancer buy with limit orders priced from the book. */
const LIMIT_BUY_SYMBOL = "BTCUSDC";
/** The market scanner buys USDT pairs by quoteOrderQty; BTCUSDT is MEXC's most liquid one. */
const MARKET_BUY_SYMBOL = "BTCUSDT";
/** The sellers' limit sell, priced this far above the ask so it would rest on the book, not take. */
const SELL_ABOVE_ASK = new D("1.005");

export interface OrderCheck {
  /** "LIMIT BUY BTCUSDC". */
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
  /** The order sent to POST /api/v3/order/test, when one was. */
  readonly order?: NewOrderRequest;
}

export interface LiveCheckReport {
  readonly ok: boolean;
  readonly preflight: PreflightReport;
  readonly orders: readonly OrderCheck[];
}

export interface LiveCheckOptions {
  client: MexcClient;
  config: Config;
  clock: Clock;
  log: Logger;
}

const f = (d: Decimal): string => d.toFixed();

/** The smallest quantity at `price` the rules accept: at least minQty and minNotional, on the step. */
export function minimumQuantity(rules: SymbolRules, price: Decimal, minNotional: Decimal): Decimal {
  const byNotional = roundToStep(minNotional.div(price), rules.step, "up");
  const byQty = roundToStep(rules.minQty, rules.step, "up");
  return D.max(byNotional, byQty, rules.step);
}

/** A shape to test: how to build its order (or why it cannot be built), then MEXC's verdict. */
interface Shape {
  readonly check: string;
  /** Config keys of the bots that send it, for the table. */
  readonly bots: string;
  build(): Promise<NewOrderRequest | OrderCheck>;
}

function fail(check: string, detail: string, fix: string): OrderCheck {
  return { check, status: "fail", detail, fix };
}

async function rulesOrFail(
  client: MexcClient,
  check: string,
  symbol: string,
  bots: string,
): Promise<SymbolRules | OrderCheck> {
  const rules = await client.symbolRules(symbol);
  const fix = `Needed by ${bots}: correct the pair in src/config.ts or disable the bot (enabled: false).`;
  if (!rules) return fail(check, `${symbol} is not a market of the exchange (not in exchangeInfo).`, fix);
  if (!rules.tradable)
    return fail(
      check,
      `${symbol} is not tradable through the API now (paused, offline, not in defaultSymbols).`,
      fix,
    );
  return rules;
}

/** The local rules check: a refusal here is a fault of this program's rounding, not of the account. */
function locallyValid(rules: SymbolRules, order: NewOrderRequest, check: string): OrderCheck | undefined {
  const verdict = checkOrder(rules, order);
  if (verdict.ok) return undefined;
  return fail(
    check,
    `the order this program built breaks ${rules.symbol}'s rules: ${verdict.message}.`,
    "A bug of this program's rounding: do not go live; report this output (it holds no secret).",
  );
}

function clientIds(clock: Clock): () => string {
  let n = 0;
  const base = clock.now().toString(36);
  return () => `chk-${base}-${++n}`;
}

function shapesFor(opts: LiveCheckOptions, account: Account | undefined): Shape[] {
  const nextId = clientIds(opts.clock);
  const shapes = [
    limitBuyShape(opts, nextId),
    marketBuyShape(opts, nextId),
    limitSellShape(opts, account, nextId),
  ];
  return shapes.filter((s) => s !== undefined);
}

/** The limit buy of the balance buyer and the 50/50 balancer, at the best bid. */
function limitBuyShape(opts: LiveCheckOptions, nextId: () => string): Shape | undefined {
  const { client, config } = opts;
  const buyers = [
    config.balanceBuyer.enabled ? "balanceBuyer" : undefined,
    config.balancer5050.enabled ? "balancer5050" : undefined,
  ].filter((b) => b !== undefined);
  if (buyers.length === 0) return undefined;
  const check = `LIMIT BUY ${LIMIT_BUY_SYMBOL}`;
  return {
    check,
    bots: buyers.join(", "),
    async build() {
      const rules = await rulesOrFail(client, check, LIMIT_BUY_SYMBOL, buyers.join(", "));
      if (!("step" in rules)) return rules;
      const book = await client.bookTicker(LIMIT_BUY_SYMBOL);
      if (!book.bidPrice?.gt(0))
        return fail(
          check,
          `${LIMIT_BUY_SYMBOL} has no bid in its book.`,
          "Run again when the market trades.",
        );
      // The best bid, rounded down to the tick: inside any price band, and never above what the book offers.
      const price = roundPrice(rules, book.bidPrice, "BUY");
      const order: NewOrderRequest = {
        symbol: LIMIT_BUY_SYMBOL,
        side: "BUY",
        type: "LIMIT",
        quantity: minimumQuantity(rules, price, rules.minNotional),
        price,
        clientOrderId: nextId(),
      };
      return locallyValid(rules, order, check) ?? order;
    },
  };
}

/** The market scanner's MARKET buy by quote amount. */
function marketBuyShape(opts: LiveCheckOptions, nextId: () => string): Shape | undefined {
  const { client, config } = opts;
  if (!config.scanner.enabled) return undefined;
  const check = `MARKET BUY ${MARKET_BUY_SYMBOL} by quoteOrderQty`;
  return {
    check,
    bots: "scanner",
    async build() {
      const rules = await rulesOrFail(client, check, MARKET_BUY_SYMBOL, "scanner");
      if (!("step" in rules)) return rules;
      // What the scanner spends at the least, and never below the market minimum, on the quote grid.
      const amount = roundToStep(
        D.max(config.scanner.minBuyUsdt, rules.minNotionalMarket),
        rules.quoteStep,
        "up",
      );
      const order: NewOrderRequest = {
        symbol: MARKET_BUY_SYMBOL,
        side: "BUY",
        type: "MARKET",
        quoteOrderQty: amount,
        clientOrderId: nextId(),
      };
      return locallyValid(rules, order, check) ?? order;
    },
  };
}

/** The sellers' limit sell above the ask, on a pair the account holds if it can. */
function limitSellShape(
  opts: LiveCheckOptions,
  account: Account | undefined,
  nextId: () => string,
): Shape | undefined {
  const { client, config } = opts;
  const sellers = [
    config.pnlSeller.enabled ? "pnlSeller" : undefined,
    config.altsSeller.enabled ? "altsSeller" : undefined,
  ].filter((b) => b !== undefined);
  if (sellers.length === 0) return undefined;
  const candidates = config.pnlSeller.enabled ? config.pnlSeller.pairs : [LIMIT_BUY_SYMBOL];
  return {
    check: "LIMIT SELL",
    bots: sellers.join(", "),
    async build() {
      // Prefer a pair whose base asset the account holds: MEXC may check the balance even of a test order.
      const free = (asset: string) => account?.balances.find((b) => b.asset === asset)?.free ?? new D(0);
      let chosen: { rules: SymbolRules; price: Decimal; quantity: Decimal } | undefined;
      let firstProblem: OrderCheck | undefined;
      for (const symbol of candidates) {
        const check = `LIMIT SELL ${symbol}`;
        const rules = await rulesOrFail(client, check, symbol, sellers.join(", "));
        if (!("step" in rules)) {
          firstProblem ??= rules;
          continue;
        }
        const book = await client.bookTicker(symbol);
        if (!book.askPrice?.gt(0)) {
          firstProblem ??= fail(
            check,
            `${symbol} has no ask in its book.`,
            "Run again when the market trades.",
          );
          continue;
        }
        const price = roundPrice(rules, book.askPrice.mul(SELL_ABOVE_ASK), "SELL");
        const quantity = minimumQuantity(rules, price, rules.minNotional);
        const candidate = { rules, price, quantity };
        chosen ??= candidate;
        if (free(rules.base).gte(quantity)) {
          chosen = candidate;
          break;
        }
      }
      if (!chosen) return firstProblem ?? fail("LIMIT SELL", "no pair to sell.", "Check pnlSeller.pairs.");
      const order: NewOrderRequest = {
        symbol: chosen.rules.symbol,
        side: "SELL",
        type: "LIMIT",
        quantity: chosen.quantity,
        price: chosen.price,
        clientOrderId: nextId(),
      };
      return locallyValid(chosen.rules, order, `LIMIT SELL ${chosen.rules.symbol}`) ?? order;
    },
  };
}

function describeOrder(o: NewOrderRequest): string {
  const size =
    o.quoteOrderQty !== undefined ? `quoteOrderQty ${f(o.quoteOrderQty)}` : `quantity ${f(o.quantity)}`;
  return `${o.type} ${o.side} ${o.symbol} ${size}${o.price !== undefined ? ` price ${f(o.price)}` : ""}`;
}

/** MEXC's verdict on a test order as a row, with what to do. */
function verdict(check: string, order: NewOrderRequest, err: unknown): OrderCheck {
  const what = describeOrder(order);
  if (!(err instanceof ApiError))
    return fail(check, `${what}: ${String(err)}`, "Run again; if it repeats, report this output.");
  const said = `${err.code !== undefined ? `code ${err.code}: ` : ""}${err.detail}`;
  const base = { check, order, detail: `${what} refused by MEXC (${said}).` };
  switch (err.kind) {
    case "insufficient-funds":
      return {
        ...base,
        status: "warn",
        detail: `${what}: MEXC refused it for the balance (${said}), so the shape itself is not proven.`,
        fix: `Hold at least the order's amount free in the spot account and run check:live again.`,
      };
    case "invalid-order":
      if (err.code === 30018 || err.code === 30019)
        return {
          ...base,
          status: "fail",
          fix: `MEXC disables market orders through the API on ${order.symbol}: the market scanner's buys would be refused. Disable the scanner (scanner.enabled: false) until MEXC allows them.`,
        };
      return {
        ...base,
        status: "fail",
        fix: `MEXC's rules for ${order.symbol} differ from what this program computed: do not go live; report this output (it holds no secret).`,
      };
    case "auth":
      return {
        ...base,
        status: "fail",
        fix: "The key may read but not trade: enable spot trading (never withdrawal) for it in MEXC → API Management, and check its IP whitelist.",
      };
    case "bad-symbol":
      return {
        ...base,
        status: "fail",
        fix: `${order.symbol} cannot be traded through the API: choose another pair in src/config.ts or disable the bot that needs it.`,
      };
    case "clock":
      return {
        ...base,
        status: "fail",
        fix: "Sync the system clock with NTP (`sudo timedatectl set-ntp true`).",
      };
    default:
      if (err.code === 700013)
        return {
          ...base,
          status: "fail",
          fix: "MEXC refused the request's Content-Type: this program's MEXC client is out of date; update it before going live.",
        };
      return { ...base, status: "fail", fix: err.message };
  }
}

/** Runs the pre-flight and the test orders; never throws for what MEXC answers, only for a bug. */
export async function runLiveCheck(opts: LiveCheckOptions): Promise<LiveCheckReport> {
  const { client, config, clock, log } = opts;
  let report: PreflightReport;
  try {
    report = await preflight({ client, config, mode: "live", clock, log });
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    report = err.report;
  }
  const status = (check: string) => report.checks.find((c: CheckResult) => c.check === check)?.status;
  const canSign = status("server") === "pass" && status("api key") === "pass";
  let account: Account | undefined;
  if (canSign) account = await client.account().catch(() => undefined);
  const orders: OrderCheck[] = [];
  for (const shape of shapesFor(opts, account)) {
    if (!canSign) {
      orders.push({
        check: shape.check,
        status: "skip",
        detail: "not tested: the exchange or the key failed above.",
      });
      continue;
    }
    let built: NewOrderRequest | OrderCheck;
    try {
      built = await shape.build();
    } catch (err) {
      orders.push(verdictOfRead(shape.check, err));
      continue;
    }
    if (!("clientOrderId" in built)) {
      orders.push(built);
      continue;
    }
    const check = shape.check.startsWith("LIMIT SELL") ? `LIMIT SELL ${built.symbol}` : shape.check;
    try {
      await client.testOrder(built);
      orders.push({
        check,
        status: "pass",
        order: built,
        detail: `${describeOrder(built)} accepted by MEXC (as sent by ${shape.bots}).`,
      });
    } catch (err) {
      orders.push(verdict(check, built, err));
    }
    log.info({ check, status: orders.at(-1)?.status }, "check:live test order");
  }
  const ok = report.ok && orders.every((o) => o.status !== "fail");
  return { ok, preflight: report, orders };
}

function verdictOfRead(check: string, err: unknown): OrderCheck {
  const detail = err instanceof ApiError ? err.message : String(err);
  return fail(
    check,
    `could not read the market to build the order: ${detail}`,
    "Run again; if it repeats, report this output.",
  );
}
