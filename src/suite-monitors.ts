import type { Trading } from "./app.js";
import { BOT_IDS } from "./app.js";
import { createBalanceBuyer } from "./bots/balance-buyer.js";
import { createBalancer5050 } from "./bots/balancer-5050.js";
import { createMarketScanner, type MarketScanner } from "./bots/market-scanner.js";
import type { Monitor } from "./bots/monitor.js";
import { createOrdersReporter } from "./bots/orders-reporter.js";
import { createProfitSeller } from "./bots/profit-seller.js";
import type { Config } from "./config-schema.js";
import type { Env } from "./env.js";
import type { Logger } from "./log.js";
import { UNSETTLED_STATES } from "./trading/order-state.js";
import type { Proposals } from "./trading/proposals.js";

/** A bot may trade alone when its config says so; unset means yes in sim and paper, no in live mode. */
export function autoTradeOf(section: { autoTrade?: boolean | undefined }, mode: Env["mode"]): boolean {
  return section.autoTrade ?? mode !== "live";
}

/**
 * Every bot the config enables, each with the funds and the order placer its autoTrade setting gives it: a bot that
 * trades alone reserves funds and places orders; one that may not gets a look-only treasury (its proposals hold no
 * funds while they wait) and a placer that turns its orders into proposals.
 */
export function createMonitors(o: {
  trading: Trading;
  proposals: Proposals;
  config: Config;
  mode: Env["mode"];
  log: Logger;
}): { monitors: Monitor[]; scanner: MarketScanner | undefined } {
  const { config, proposals, log } = o;
  const { orders, treasury, ledger } = o.trading;
  const client = o.trading.exchange.client;
  const trade = (section: { autoTrade?: boolean | undefined }) => {
    const alone = autoTradeOf(section, o.mode);
    return { treasury: alone ? treasury : treasury.lookOnly(), orders: proposals.placerFor(alone, orders) };
  };
  const openOrdersOf = (bot: string) => () =>
    orders.notFinal((e) => e.bot === bot && UNSETTLED_STATES.has(e.state)).length;

  const monitors: Monitor[] = [];
  let scanner: MarketScanner | undefined;
  if (config.scanner.enabled) {
    scanner = createMarketScanner({ client, ...trade(config.scanner), config, log });
    monitors.push(scanner);
  }
  if (config.balanceBuyer.enabled)
    monitors.push(
      createBalanceBuyer({
        client,
        ...trade(config.balanceBuyer),
        openOrders: openOrdersOf(BOT_IDS.balanceBuyer),
        config,
        log,
      }),
    );
  for (const kind of ["core", "alts"] as const) {
    const section = kind === "core" ? config.pnlSeller : config.altsSeller;
    if (section.enabled)
      monitors.push(createProfitSeller({ kind, client, ...trade(section), ledger, config, log }));
  }
  if (config.balancer5050.enabled)
    monitors.push(
      createBalancer5050({
        client,
        ...trade(config.balancer5050),
        openOrders: openOrdersOf(BOT_IDS.balancer5050),
        config,
        log,
      }),
    );
  if (config.ordersReporter.enabled) monitors.push(createOrdersReporter({ orders, ledger, config, log }));
  return { monitors, scanner };
}
