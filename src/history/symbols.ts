import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MexcClient } from "../api/index.js";
import { writeAtomically } from "../store/index.js";
import { HistoryUsageError } from "./args.js";

type SymbolObject = Record<string, unknown>;

/**
 * The symbols `--symbols` names: a list (BTCUSDC,ETHUSDC) checked against exchangeInfo, or `top:N`, the N USDT
 * pairs with the highest 24 h quote volume (GET /api/v3/ticker/24hr, all symbols). Pairs that are not online
 * (status "1") or not spot-tradable are left out of the top: their history would feed a replay nothing tradable.
 */
export async function resolveSymbols(
  client: MexcClient,
  spec: string,
  info: readonly SymbolObject[],
): Promise<string[]> {
  const known = new Map(info.map((s) => [String(s.symbol), s]));
  const top = /^top:(\d+)$/.exec(spec);
  if (top) {
    const count = Number(top[1]);
    if (count < 1)
      throw new HistoryUsageError(`--symbols ${spec}: the count must be at least 1, like top:50.`);
    const tickers = await client.ticker24hrAll();
    return tickers
      .filter((t) => {
        const s = known.get(t.symbol);
        return s?.quoteAsset === "USDT" && s.status === "1" && s.isSpotTradingAllowed !== false;
      })
      .sort((a, b) => {
        const qa = a.quoteVolume;
        const qb = b.quoteVolume;
        if (!qa || !qb) return qa ? -1 : qb ? 1 : a.symbol.localeCompare(b.symbol);
        return qb.cmp(qa) || a.symbol.localeCompare(b.symbol);
      })
      .slice(0, count)
      .map((t) => t.symbol);
  }
  const asked = [...new Set(spec.split(",").map((s) => s.trim().toUpperCase()))].filter((s) => s !== "");
  if (asked.length === 0)
    throw new HistoryUsageError(
      "--symbols needs symbols, like --symbols BTCUSDC,ETHUSDC or --symbols top:50.",
    );
  const unknown = asked.filter((s) => !known.has(s));
  if (unknown.length > 0)
    throw new HistoryUsageError(
      `--symbols: the exchange lists no ${unknown.join(", ")}. MEXC writes pairs without a separator ` +
        "(BTCUSDT, ETHUSDC); check the spelling, or use top:50.",
    );
  return asked;
}

/**
 * `<dir>/exchangeInfo.json`: exchangeInfo's symbol objects, verbatim, for the symbols fetched, so the history
 * market applies the real steps, minimums and fees. Symbols fetched before (another run) are kept, and the list is
 * ordered by symbol so the same fetches give the same file.
 */
export function writeExchangeInfo(dir: string, objects: readonly SymbolObject[]): string {
  const path = join(dir, "exchangeInfo.json");
  const bySymbol = new Map<string, SymbolObject>();
  if (existsSync(path)) {
    try {
      const old: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (Array.isArray(old)) for (const s of old as SymbolObject[]) bySymbol.set(String(s?.symbol), s);
    } catch {
      // An unreadable file from an interrupted write is replaced: everything in it can be fetched again.
    }
  }
  for (const s of objects) bySymbol.set(String(s.symbol), s);
  const list = [...bySymbol.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  mkdirSync(dir, { recursive: true });
  writeAtomically(path, `${JSON.stringify(list, null, 2)}\n`);
  return path;
}
