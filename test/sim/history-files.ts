import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Test helpers: history files written by hand, in the format `npm run history` writes. */
export const HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";

/** [open, high, low, close, volume, quoteVolume] as the file's texts. */
export type Row = [string, string, string, string, string, string];

export function historyDir(): string {
  return mkdtempSync(join(tmpdir(), "histmkt-"));
}

export function csv(startMs: number, lenMs: number, rows: Row[]): string {
  const lines = rows.map(([o, h, l, c, v, qv], i) => {
    const open = startMs + i * lenMs;
    return [open, o, h, l, c, v, open + lenMs, qv].join(",");
  });
  return `${[HEADER, ...lines].join("\n")}\n`;
}

export function writeHistory(dir: string, symbol: string, interval: string, text: string): void {
  writeFileSync(join(dir, `${symbol}-${interval}.csv`), text);
}
