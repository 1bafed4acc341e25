import { join } from "node:path";
import { ApiError, type KlineInterval, MexcClient } from "../api/index.js";
import { AbortError } from "../clock.js";
import { HistoryUsageError, intervalArg, type ParsedArgs, timeArg } from "./args.js";
import { BadCandleError, type FetchSymbolOptions, fetchSymbol, type SymbolFetch } from "./fetch-symbol.js";
import { HistoryFileError } from "./history-file.js";
import { ceilOpen, countOpens, floorOpen, nextOpen, utc } from "./interval.js";
import type { HistoryIo } from "./io.js";
import { Progress } from "./progress.js";
import { resolveSymbols, writeExchangeInfo } from "./symbols.js";

export const FETCH_FLAGS = ["symbols", "interval", "from", "to", "out"] as const;

interface FetchPlan {
  spec: string;
  interval: KlineInterval;
  from: number;
  to: number;
  dir: string;
}

function plan(args: ParsedArgs, io: HistoryIo): FetchPlan {
  if (args.positionals.length > 0)
    throw new HistoryUsageError(`history fetch takes no file names (got ${args.positionals.join(" ")}).`);
  const spec = args.flags.get("symbols");
  if (!spec)
    throw new HistoryUsageError("--symbols is missing: --symbols BTCUSDC,ETHUSDC or --symbols top:50.");
  const fromArg = args.flags.get("from");
  if (!fromArg)
    throw new HistoryUsageError("--from is missing: the first day to fetch, like --from 2025-01-01.");
  const from = timeArg(fromArg, "from");
  const toArg = args.flags.get("to");
  const to = toArg === undefined ? Number.POSITIVE_INFINITY : timeArg(toArg, "to");
  if (to <= from) throw new HistoryUsageError(`--to ${toArg} is not after --from ${fromArg}.`);
  const interval = intervalArg(args.flags.get("interval"), "--interval") ?? "15m";
  const dir = args.flags.get("out") ?? join(io.env.dataDir, "history");
  return { spec, interval, from, to, dir };
}

/** `npm run history -- fetch`: every symbol's candles into its history file, then exchangeInfo.json. */
export async function historyFetch(args: ParsedArgs, io: HistoryIo): Promise<number> {
  const p = plan(args, io);
  const client = new MexcClient({ baseUrl: io.env.mexcBaseUrl, clock: io.clock, ...io.client });
  try {
    const serverNow = await client.time();
    // A candle is history once it has closed: the last one to keep opens before the current one.
    const end = Math.min(p.to, floorOpen(p.interval, serverNow));
    if (ceilOpen(p.interval, p.from) >= end)
      throw new HistoryUsageError(
        `--from ${utc(p.from)} UTC: no ${p.interval} candle from then has closed yet (exchange time ${utc(serverNow)} UTC).`,
      );
    const info = await client.exchangeInfoRaw();
    const symbols = await resolveSymbols(client, p.spec, info);
    io.stdout.write(
      `Fetching ${symbols.length} symbol${symbols.length === 1 ? "" : "s"} (${p.interval}, ${utc(p.from)} to ` +
        `${utc(end)} UTC) from ${io.env.mexcBaseUrl} into ${p.dir}\n`,
    );
    const results = await fetchAll(client, symbols, p, end, io);
    const fetched = new Set(results.filter((r) => r.rows > 0).map((r) => r.symbol));
    if (fetched.size > 0) {
      const file = writeExchangeInfo(
        p.dir,
        info.filter((s) => fetched.has(String(s.symbol))),
      );
      io.stdout.write(`Symbol rules of ${fetched.size} symbol${fetched.size === 1 ? "" : "s"} in ${file}\n`);
    }
    const failed = symbols.length - results.length;
    if (failed > 0) {
      io.stderr.write(
        `${failed} of ${symbols.length} symbols failed (above); run the same command again to retry them.\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    client.close();
  }
}

async function fetchAll(
  client: MexcClient,
  symbols: readonly string[],
  p: FetchPlan,
  end: number,
  io: HistoryIo,
): Promise<SymbolFetch[]> {
  const each = countOpens(p.interval, p.from, end);
  const progress = new Progress(io.stderr, io.clock, each * symbols.length);
  const results: SymbolFetch[] = [];
  let rows = 0;
  for (const [i, symbol] of symbols.entries()) {
    const opts: FetchSymbolOptions = {
      client,
      symbol,
      interval: p.interval,
      from: p.from,
      to: end,
      dir: p.dir,
      signal: io.signal,
      onAdvance: (cursor, added) =>
        progress.update(
          i * each + countOpens(p.interval, p.from, cursor),
          rows + added,
          `${symbol} ${i + 1}/${symbols.length}`,
        ),
    };
    try {
      const r = await fetchSymbol(opts);
      rows += r.added;
      results.push(r);
      for (const line of describe(r, p, end)) progress.note(line);
    } catch (err) {
      if (err instanceof AbortError) {
        progress.finish();
        throw err;
      }
      // One symbol's trouble (its file, the exchange's answer for it) must not cost the others their download.
      if (!(err instanceof HistoryFileError || err instanceof ApiError || err instanceof BadCandleError))
        throw err;
      progress.note(`${symbol}: FAILED: ${err instanceof ApiError ? describeApiError(err) : err.message}`);
    }
  }
  progress.finish();
  return results;
}

function describeApiError(err: ApiError): string {
  return `${err.message}. The rows before the failure are kept; run the same command again to continue.`;
}

const GAPS_SHOWN = 5;

/** What a user must know of one symbol's file: its span, the candles filled in, where it starts and stops. */
function describe(r: SymbolFetch, p: FetchPlan, end: number): string[] {
  if (r.rows === 0 || r.first === undefined || r.last === undefined)
    return [
      `${r.symbol}: no candles from ${utc(p.from)} to ${utc(end)} UTC (not listed yet, or never traded): no file written`,
    ];
  const out = [
    `${r.symbol}: ${r.rows.toLocaleString("en-US")} rows, ${utc(r.first)} to ${utc(r.last)} UTC ` +
      `(${r.added.toLocaleString("en-US")} new) in ${r.path}`,
  ];
  if (r.first > ceilOpen(p.interval, p.from))
    out.push(`  starts at ${utc(r.first)} UTC: the exchange has no earlier candle (the listing)`);
  if (nextOpen(p.interval, r.last) < end)
    out.push(
      `  ends at ${utc(r.last)} UTC: the exchange has no later candle up to ${utc(end)} UTC (delisted or halted?)`,
    );
  const filled = r.filled.reduce((s, g) => s + g.count, 0);
  if (filled > 0) {
    const shown = r.filled
      .slice(0, GAPS_SHOWN)
      .map((g) => `${utc(g.from)}${g.count > 1 ? ` (${g.count})` : ""}`)
      .join(", ");
    const more = r.filled.length > GAPS_SHOWN ? ` and ${r.filled.length - GAPS_SHOWN} more gaps` : "";
    out.push(
      `  ${filled} candle${filled === 1 ? "" : "s"} the exchange has not got, filled flat at the previous close ` +
        `with zero volume: ${shown}${more}`,
    );
  }
  return out;
}
