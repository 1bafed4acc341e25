import { existsSync, mkdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { KlineInterval } from "../api/index.js";
import { writeAtomically } from "../store/index.js";
import { HistoryUsageError, intervalArg, type ParsedArgs } from "./args.js";
import { formatRow, HEADER } from "./candle.js";
import { historyPath } from "./history-file.js";
import { utc } from "./interval.js";
import type { HistoryIo } from "./io.js";
import { sequenceProblem } from "./series.js";
import { fixFor, ImportError, readUserCsv, type UserFile } from "./user-csv.js";

export const IMPORT_FLAGS = ["symbol", "interval", "out"] as const;

interface Source {
  file: string;
  symbol: string;
  interval: KlineInterval;
}

/** Binance's names: BTCUSDT-15m-2025-01.csv, BTCUSDT-1h-2025-01-03.csv; MEXC-style BTCUSDT-15m.csv too. */
const NAME = /^([A-Za-z0-9]+)-(\d+[A-Za-z]+)(?:[-_.]|$)/;

function sourceOf(file: string, args: ParsedArgs): Source {
  if (!existsSync(file) || !statSync(file).isFile()) throw new HistoryUsageError(`${file}: no such file.`);
  if (/\.zip$/i.test(file))
    throw new HistoryUsageError(`${file} is a zip archive: unzip it and import the .csv inside.`);
  const m = NAME.exec(basename(file));
  const symbol = (args.flags.get("symbol") ?? m?.[1])?.toUpperCase();
  const interval =
    intervalArg(args.flags.get("interval"), "--interval") ??
    (m?.[2] ? intervalArg(m[2], `${file} (interval ${m[2]} from its name)`, true) : undefined);
  if (!symbol || !interval)
    throw new HistoryUsageError(
      `${file}: its name does not say the ${symbol ? "interval" : "symbol"} (like BTCUSDT-15m-2025-01.csv): ` +
        "add --symbol BTCUSDT --interval 15m.",
    );
  return { file, symbol, interval };
}

/**
 * `npm run history -- import FILE...`: the files of one symbol and interval merged in time order into its history
 * file (replaced whole, atomically). Nothing is written for a symbol unless every one of its rows is sound.
 */
export async function historyImport(args: ParsedArgs, io: HistoryIo): Promise<number> {
  if (args.positionals.length === 0)
    throw new HistoryUsageError(
      "history import needs the CSV files to read: npm run history -- import FILE...",
    );
  const dir = args.flags.get("out") ?? join(io.env.dataDir, "history");
  const groups = new Map<string, Source[]>();
  for (const s of args.positionals.map((f) => sourceOf(f, args))) {
    const key = `${s.symbol}-${s.interval}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  try {
    for (const sources of groups.values()) importGroup(sources, dir, io);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    io.stderr.write(`${e.message}\nNothing was written for that symbol.\n`);
    return 1;
  }
  return 0;
}

function importGroup(sources: readonly Source[], dir: string, io: HistoryIo): void {
  const { symbol, interval } = sources[0] as Source;
  const files = sources
    .map((s) => readUserCsv(s.file, interval))
    .filter((f) => f.candles.length > 0)
    .sort((a, b) => (a.candles[0]?.openTime ?? 0) - (b.candles[0]?.openTime ?? 0));
  if (files.length === 0) {
    io.stderr.write(`${symbol} ${interval}: the files hold no candles; nothing written.\n`);
    return;
  }
  checkSeams(files, interval);
  const all = files.flatMap((f) => f.candles);
  const path = historyPath(dir, symbol, interval);
  const replaced = existsSync(path);
  mkdirSync(dir, { recursive: true });
  writeAtomically(path, `${HEADER}\n${all.map(formatRow).join("")}`);
  const first = all[0]?.openTime ?? 0;
  const last = all[all.length - 1]?.openTime ?? 0;
  io.stdout.write(
    `${symbol} ${interval}: ${all.length.toLocaleString("en-US")} rows from ${files.length} file` +
      `${files.length === 1 ? "" : "s"}, ${utc(first)} to ${utc(last)} UTC, ${replaced ? "replaced" : "written to"} ${path}\n`,
  );
}

/** Where one file ends and the next begins, the series must go on without a gap or an overlap. */
function checkSeams(files: readonly UserFile[], interval: KlineInterval): void {
  for (let i = 1; i < files.length; i++) {
    const before = files[i - 1] as UserFile;
    const after = files[i] as UserFile;
    const last = before.candles[before.candles.length - 1];
    const first = after.candles[0];
    if (!last || !first) continue;
    const at = after.lines[0] ?? 1;
    if (first.openTime <= last.openTime)
      throw new ImportError(
        after.file,
        at,
        `starts at ${utc(first.openTime)} UTC, inside ${before.file} (which runs to ${utc(last.openTime)} UTC)`,
        "Import each period once: leave out one of the overlapping files",
      );
    const problem = sequenceProblem(last, first, interval);
    if (problem)
      throw new ImportError(
        after.file,
        at,
        `${problem}, after the last row of ${before.file}`,
        fixFor(problem),
      );
  }
}
